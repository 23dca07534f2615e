// Pytrees, as jax.tree does them: nested containers whose non-container values are leaves.
//
// Nodes: plain objects (their keys visited in sorted order, as JAX sorts dict keys), JS arrays
// (lists and tuples alike), and null / undefined (empty nodes: no leaves, kept on unflatten).
// Leaves: everything else: NDArray, numbers, booleans, strings, PRNG keys, functions, and every
// class instance (an object whose prototype is not Object.prototype or null).

/** An optional predicate that stops flattening: values for which it returns true are leaves. */
export type IsLeaf = (x: unknown) => boolean;

type Kind = "leaf" | "object" | "array" | "null" | "undefined";

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function kindOf(x: unknown, isLeaf?: IsLeaf): Kind {
  if (isLeaf?.(x)) return "leaf";
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (Array.isArray(x)) return "array";
  if (isPlainObject(x)) return "object";
  return "leaf";
}

/** JAX's key path spelling: `['W'][1]`. */
function fmtKey(k: string | number): string {
  return typeof k === "number" ? `[${k}]` : `[${quote(k)}]`;
}
function fmtPath(path: readonly (string | number)[]): string {
  return path.length === 0 ? "the root" : path.map(fmtKey).join("");
}
function quote(k: string): string {
  return `'${k.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Names a value in an error message. */
function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (isPlainObject(x)) return `an object with keys [${sortedKeys(x).map(quote).join(", ")}]`;
  switch (typeof x) {
    case "number":
    case "boolean":
      return `${typeof x} ${String(x)}`;
    case "string":
      return `string ${JSON.stringify(x)}`;
    case "bigint":
      return `bigint ${String(x)}n`;
    case "function":
      return "a function";
    case "symbol":
      return String(x);
  }
  const shape = (x as { shape?: unknown }).shape;
  const name = Object.getPrototypeOf(x)?.constructor?.name ?? "object";
  if (Array.isArray(shape)) return `a leaf ${name} of shape (${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
  return `a leaf ${name}`;
}

function sortedKeys(o: object): string[] {
  return Object.keys(o).sort();
}

/**
 * The structure of a pytree without its leaves (JAX's PyTreeDef). `String(def)` reads like JAX:
 * `PyTreeDef({'W': *, 'b': *})`; `*` marks a leaf.
 */
export class TreeDef {
  /** @internal */
  readonly kind: Kind;
  /** @internal The sorted keys of an object node. */
  readonly keys: readonly string[];
  /** @internal */
  readonly children: readonly TreeDef[];
  /** How many leaves a tree of this structure has. */
  readonly numLeaves: number;
  /** How many nodes, leaves and empty nodes included (JAX's num_nodes). */
  readonly numNodes: number;

  /** @internal Made by `tree.flatten` / `tree.structure`. */
  constructor(kind: Kind, children: readonly TreeDef[] = [], keys: readonly string[] = []) {
    this.kind = kind;
    this.children = children;
    this.keys = keys;
    let leaves = kind === "leaf" ? 1 : 0;
    let nodes = 1;
    for (const c of children) {
      leaves += c.numLeaves;
      nodes += c.numNodes;
    }
    this.numLeaves = leaves;
    this.numNodes = nodes;
  }

  /** Same structure: the same node kinds, object keys and array lengths, all the way down. */
  equals(other: unknown): boolean {
    if (!(other instanceof TreeDef)) return false;
    if (this === other) return true;
    if (this.kind !== other.kind || this.children.length !== other.children.length) return false;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== other.keys[i]) return false;
    for (let i = 0; i < this.children.length; i++) if (!this.children[i].equals(other.children[i])) return false;
    return true;
  }

  /** Builds a tree of this structure from leaves in flatten order. Same as `tree.unflatten(def, leaves)`. */
  unflatten<T = any>(leaves: Iterable<unknown>): T {
    return unflatten<T>(this, leaves);
  }

  toString(): string {
    return `PyTreeDef(${this.fmt()})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private fmt(): string {
    switch (this.kind) {
      case "leaf":
        return "*";
      case "null":
        return "null";
      case "undefined":
        return "undefined";
      case "array":
        return `[${this.children.map((c) => c.fmt()).join(", ")}]`;
      case "object":
        return `{${this.keys.map((k, i) => `${quote(k)}: ${this.children[i].fmt()}`).join(", ")}}`;
    }
  }
}

const LEAF = new TreeDef("leaf");

function build(x: unknown, out: unknown[], isLeaf: IsLeaf | undefined, path: (string | number)[], seen: Set<object>): TreeDef {
  const kind = kindOf(x, isLeaf);
  switch (kind) {
    case "leaf":
      out.push(x);
      return LEAF;
    case "null":
    case "undefined":
      return new TreeDef(kind);
  }
  const obj = x as object;
  if (seen.has(obj)) throw new TypeError(`tree.flatten: the tree contains a cycle at ${fmtPath(path)}`);
  seen.add(obj);
  let def: TreeDef;
  if (kind === "array") {
    const a = x as unknown[];
    const children: TreeDef[] = [];
    for (let i = 0; i < a.length; i++) {
      path.push(i);
      children.push(build(a[i], out, isLeaf, path, seen));
      path.pop();
    }
    def = new TreeDef("array", children);
  } else {
    const o = x as Record<string, unknown>;
    const keys = sortedKeys(o);
    const children: TreeDef[] = [];
    for (const k of keys) {
      path.push(k);
      children.push(build(o[k], out, isLeaf, path, seen));
      path.pop();
    }
    def = new TreeDef("object", children, keys);
  }
  seen.delete(obj);
  return def;
}

/**
 * Flattens a pytree into its leaves (depth first; object keys in sorted order) and its
 * structure: `tree.flatten({b: 1, a: [2, 3]})` is `[[2, 3, 1], PyTreeDef({'a': [*, *], 'b': *})]`.
 */
export function flatten(tree: unknown, isLeaf?: IsLeaf): [any[], TreeDef] {
  const leaves: unknown[] = [];
  const def = build(tree, leaves, isLeaf, [], new Set());
  return [leaves, def];
}

/** The leaves of a pytree, in flatten order. */
export function leaves(tree: unknown, isLeaf?: IsLeaf): any[] {
  return flatten(tree, isLeaf)[0];
}

/** The structure of a pytree (a TreeDef). */
export function structure(tree: unknown, isLeaf?: IsLeaf): TreeDef {
  return flatten(tree, isLeaf)[1];
}

/**
 * Rebuilds a pytree of structure `treedef` from `leaves` (in flatten order). Throws a
 * TypeError naming both counts when the number of leaves is wrong.
 */
export function unflatten<T = any>(treedef: TreeDef, leaves: Iterable<unknown>): T {
  if (!(treedef instanceof TreeDef))
    throw new TypeError(`tree.unflatten: expected a TreeDef from tree.flatten or tree.structure, got ${describe(treedef)}`);
  if (leaves == null || typeof (leaves as Iterable<unknown>)[Symbol.iterator] !== "function")
    throw new TypeError(`tree.unflatten: leaves must be an array (or iterable), got ${describe(leaves)}`);
  const list = Array.isArray(leaves) ? leaves : [...leaves];
  if (list.length !== treedef.numLeaves)
    throw new TypeError(
      `tree.unflatten: the structure ${treedef} expects ${treedef.numLeaves} leaves, got ${list.length}`,
    );
  let pos = 0;
  const make = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        return list[pos++];
      case "null":
        return null;
      case "undefined":
        return undefined;
      case "array":
        return d.children.map(make);
      case "object": {
        const o: Record<string, unknown> = {};
        d.keys.forEach((k, i) => (o[k] = make(d.children[i])));
        return o;
      }
    }
  };
  return make(treedef) as T;
}

/**
 * For another tree `r`, the subtrees of `r` at the leaf positions of `def` (JAX's
 * flatten_up_to): `r` must have `def`'s structure down to def's leaves, where it may hold
 * anything. Throws a TypeError naming the first differing path.
 */
function flattenUpTo(op: string, def: TreeDef, r: unknown, out: unknown[], path: (string | number)[]): void {
  const fail = (what: string) => {
    throw new TypeError(`${op}: structure mismatch at ${fmtPath(path)}: expected ${what}, got ${describe(r)}`);
  };
  switch (def.kind) {
    case "leaf":
      out.push(r);
      return;
    case "null":
      if (r !== null) fail("null");
      return;
    case "undefined":
      if (r !== undefined) fail("undefined");
      return;
    case "array": {
      if (!Array.isArray(r) || r.length !== def.children.length) fail(`an array of length ${def.children.length}`);
      const a = r as unknown[];
      def.children.forEach((c, i) => {
        path.push(i);
        flattenUpTo(op, c, a[i], out, path);
        path.pop();
      });
      return;
    }
    case "object": {
      const want = `an object with keys [${def.keys.map(quote).join(", ")}]`;
      if (!isPlainObject(r)) fail(want);
      const o = r as Record<string, unknown>;
      const keys = sortedKeys(o);
      if (keys.length !== def.keys.length || keys.some((k, i) => k !== def.keys[i])) fail(want);
      def.keys.forEach((k, i) => {
        path.push(k);
        flattenUpTo(op, def.children[i], o[k], out, path);
        path.pop();
      });
      return;
    }
  }
}

/**
 * Applies `f` to every leaf of `tree` (and the matching leaves of `rest`) and rebuilds the tree:
 * `tree.map((p, g) => p.sub(g.mul(0.1)), params, grads)`. As in JAX, the other trees must have
 * `tree`'s structure, except that where `tree` has a leaf they may hold any subtree (which is
 * passed to `f` whole). A mismatch throws a TypeError naming the path, e.g.
 * `tree.map: structure mismatch at ['W'][1]: expected an array of length 2, got number 3`.
 * The result is typed like `tree` (the usual case: `f` maps arrays to arrays).
 */
export function map<T>(f: (leaf: any, ...rest: any[]) => unknown, tree: T, ...rest: unknown[]): T {
  if (typeof f !== "function") throw new TypeError(`tree.map: f must be a function, got ${describe(f)}`);
  const [ls, def] = flatten(tree);
  const others = rest.map((r) => {
    const out: unknown[] = [];
    flattenUpTo("tree.map", def, r, out, []);
    return out;
  });
  const results = ls.map((x, i) => f(x, ...others.map((o) => o[i])));
  return unflatten<T>(def, results);
}

/**
 * Folds `f` over the leaves in flatten order: `tree.reduce((a, b) => a + b, tree, 0)`. Without an
 * initial value the first leaf starts the fold (an empty tree then throws a TypeError).
 */
export function reduce<R>(f: (acc: R, leaf: any) => R, tree: unknown, ...initial: [] | [R]): R {
  const ls = leaves(tree);
  if (initial.length === 0) {
    if (ls.length === 0) throw new TypeError("tree.reduce: a tree with no leaves and no initial value");
    return ls.slice(1).reduce(f, ls[0] as R);
  }
  return ls.reduce(f, initial[0]);
}

// safetensors files of pytrees: tree.save(params) → bytes, tree.load(bytes) → params
export { save, load } from "./safetensors.js";
