// The IR: a typed ANF program. Every value is a variable, a constant or a captured outer name;
// every statement applies one primitive. Aggregates (pytrees) exist only at compile time:
// parameters are flattened to leaves and object/array literals are tracked as trees of values,
// so AD, the simplifier and jit only ever see leaves.
//
// Leaf types: `num` is a JS number (float64 math, emitted as JS operators), `arr` a tsjax Array
// (float32 runtime primitives), `list` a local JS array of numbers or Arrays (element reads and
// writes at run-time indices), `other` anything non-differentiable (booleans, options, dtypes).

import type ts from "./typescript.cjs";
import { nextVarId } from "./counters.js";

export type Ty = "num" | "arr" | "list" | "other";

export interface Var {
  readonly tag: "var";
  readonly id: number;
  readonly name: string;
  readonly ty: Ty;
}
/** A compile-time constant: numbers, booleans, strings, null, and JSON-like objects/arrays of them. */
export interface Const {
  readonly tag: "const";
  readonly value: unknown;
  readonly ty: Ty;
}
/** A name captured from an enclosing scope (a constant for AD): emitted as the identifier itself. */
export interface Ext {
  readonly tag: "ext";
  /** The captured identifier, as visible at the call site (an import alias for other files). */
  readonly name: string;
  /** Property/element reads on it (`cfg["a-b"].k`, `t[0]`). */
  readonly path?: readonly (string | number)[];
  readonly ty: Ty;
  /** Module to import it from when the function was inlined from another file. */
  readonly from?: { file: string; exportName: string };
}
export type Value = Var | Const | Ext;

/**
 * Where a statement came from in the user's source (source maps, diagnostics): a file and an
 * offset range, so the IR holds no TypeScript node.
 */
export interface SrcRef {
  readonly file: string;
  readonly pos: number;
  readonly end: number;
}

/** The source reference of a node (none for a synthesized one). */
export function srcOf(node: ts.Node): SrcRef | undefined {
  const sf = node.getSourceFile?.();
  if (!sf || node.pos < 0) return undefined;
  return { file: sf.fileName, pos: node.getStart(sf), end: node.end };
}

/** One primitive application. */
export interface PrimStmt {
  readonly kind?: undefined;
  readonly out: Var;
  readonly prim: string;
  readonly args: readonly Value[];
  /** The user's expression this came from, for source maps and diagnostics. */
  readonly src?: SrcRef;
}

/** A nested sequence of statements and the values it yields. */
export interface Block {
  readonly body: readonly Stmt[];
  readonly results: readonly Value[];
}

/** Structured `if`: outs[i] is then.results[i] or else.results[i] (an SSA phi). */
export interface IfStmt {
  readonly kind: "if";
  readonly cond: Value;
  readonly then: Block;
  readonly else: Block;
  readonly outs: readonly Var[];
  readonly src?: SrcRef;
}

/**
 * Structured loop: `params = init; while (cond(params)) params = body(params); outs = params`.
 * `cond` yields one value; `body` yields the next params. Every JS loop (for, while, do, with
 * break/continue/return turned into flags) is lowered to this.
 */
export interface WhileStmt {
  readonly kind: "while";
  readonly params: readonly Var[];
  readonly init: readonly Value[];
  readonly cond: Block;
  readonly body: Block;
  readonly outs: readonly Var[];
  readonly src?: SrcRef;
}

/** A call of a local function of the enclosing Fn (recursion): flattened arguments and results. */
export interface CallStmt {
  readonly kind: "call";
  readonly fn: string;
  readonly args: readonly Value[];
  readonly outs: readonly Var[];
  readonly src?: SrcRef;
}

/** A function local to a Fn (a recursive user function, or its forward/backward halves). */
export interface LocalFn {
  readonly name: string;
  readonly params: readonly Var[];
  readonly body: readonly Stmt[];
  readonly results: readonly Value[];
  /** The user's derivative rule (customVjp / customJvp), by the names of other local functions. */
  readonly custom?: CustomRule;
}

/**
 * customVjp: `fwd(params) → [...outs, ...residuals]` and `bwd(...residuals, ...output
 * cotangents) → parameter cotangents`. customJvp: `rule(...params, ...tangents) → [...outs,
 * ...tangents of outs]`.
 */
export type CustomRule =
  | { readonly kind: "vjp"; readonly fwd: string; readonly bwd: string }
  | { readonly kind: "jvp"; readonly rule: string }
  /** checkpoint: reverse mode tapes only the arguments and recomputes the rest in the adjoint. */
  | { readonly kind: "remat" };

export type Stmt = PrimStmt | IfStmt | WhileStmt | CallStmt;

/** Variables a statement defines at its own level. */
export function defs(s: Stmt): readonly Var[] {
  return s.kind === undefined ? [s.out] : s.outs;
}

/** The statements inside a statement's blocks (none for primitives and calls). */
export function blocks(s: Stmt): readonly Block[] {
  return s.kind === "if" ? [s.then, s.else] : s.kind === "while" ? [s.cond, s.body] : [];
}

/** Calls `f` on every statement of a block, at any depth (a statement before those inside it). */
export function walk(body: readonly Stmt[], f: (s: Stmt) => void): void {
  for (const s of body) {
    f(s);
    for (const b of blocks(s)) walk(b.body, f);
  }
}

/** Whether any statement of a block, at any depth, satisfies `pred`. */
export function someStmt(body: readonly Stmt[], pred: (s: Stmt) => boolean): boolean {
  return body.some((s) => pred(s) || blocks(s).some((b) => someStmt(b.body, pred)));
}

/** Calls `f` on every variable a block defines, at any depth (loop parameters included). */
export function forEachDef(body: readonly Stmt[], f: (v: Var) => void): void {
  for (const s of body) {
    defs(s).forEach(f);
    if (s.kind === "while") s.params.forEach(f);
    for (const b of blocks(s)) forEachDef(b.body, f);
  }
}

/** The ids of every variable a block defines, at any depth (loop parameters included). */
export function allDefs(body: readonly Stmt[], out = new Set<number>()): Set<number> {
  forEachDef(body, (v) => out.add(v.id));
  return out;
}

/** Calls `f` on every value a block reads, at any depth (its results included). */
export function forEachUse(body: readonly Stmt[], f: (v: Value) => void): void {
  for (const s of body) {
    if (s.kind === undefined || s.kind === "call") s.args.forEach(f);
    else if (s.kind === "if") f(s.cond);
    else s.init.forEach(f);
    for (const b of blocks(s)) {
      forEachUse(b.body, f);
      b.results.forEach(f);
    }
  }
}

/** Values a statement reads from the enclosing scope (including inside its blocks). */
export function uses(s: Stmt): Value[] {
  if (s.kind === undefined || s.kind === "call") return [...s.args];
  const inner = new Set<number>();
  const out: Value[] = [];
  const blk = (b: Block) => {
    for (const t of b.body) {
      for (const u of uses(t)) if (!(u.tag === "var" && inner.has(u.id))) out.push(u);
      for (const d of defs(t)) inner.add(d.id);
    }
    for (const r of b.results) if (!(r.tag === "var" && inner.has(r.id))) out.push(r);
  };
  if (s.kind === "if") {
    out.push(s.cond);
    blk(s.then);
    blk(s.else);
  } else {
    out.push(...s.init);
    for (const p of s.params) inner.add(p.id);
    blk(s.cond);
    blk(s.body);
  }
  return out;
}

/** A compile-time pytree of values: leaves, objects (sorted keys), tuples/arrays, and empty nodes. */
export type Tree<T> =
  | { readonly kind: "leaf"; readonly v: T }
  | { readonly kind: "obj"; readonly keys: readonly string[]; readonly kids: readonly Tree<T>[] }
  | { readonly kind: "tup"; readonly kids: readonly Tree<T>[] }
  | { readonly kind: "none"; readonly v: null | undefined };

export interface Param {
  readonly name: string;
  readonly tree: Tree<Var>;
  /** A literal default value (`(x, k = 2) => ...`). */
  readonly init?: unknown;
  /** Param declared ArrayLike (not Array): converted with asArray on entry. */
  readonly arrayLike?: boolean;
}

export interface Fn {
  readonly name: string;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly result: Tree<Value>;
  /**
   * A nested transform whose function closes over locals of the enclosing differentiated
   * function: the trailing params stand for them, and these are the enclosing values to pass.
   */
  readonly captured?: readonly Tree<Value>[];
  /** Local functions called by `call` statements (recursion). */
  readonly locals?: readonly LocalFn[];
}

export function leaves<T>(t: Tree<T>): T[] {
  const out: T[] = [];
  const walk = (n: Tree<T>) => {
    if (n.kind === "leaf") out.push(n.v);
    else if (n.kind === "obj" || n.kind === "tup") n.kids.forEach(walk);
  };
  walk(t);
  return out;
}

export function mapTree<A, B>(t: Tree<A>, f: (a: A) => B): Tree<B> {
  switch (t.kind) {
    case "leaf":
      return { kind: "leaf", v: f(t.v) };
    case "obj":
      return { kind: "obj", keys: t.keys, kids: t.kids.map((k) => mapTree(k, f)) };
    case "tup":
      return { kind: "tup", kids: t.kids.map((k) => mapTree(k, f)) };
    case "none":
      return t;
  }
}

export const leaf = <T>(v: T): Tree<T> => ({ kind: "leaf", v });
export const tup = <T>(kids: Tree<T>[]): Tree<T> => ({ kind: "tup", kids });

export const num = (value: number): Const => ({ tag: "const", value, ty: "num" });
export const lit = (value: unknown): Const => ({ tag: "const", value, ty: typeof value === "number" ? "num" : "other" });

export const isConst = (v: Value, value?: unknown): v is Const =>
  v.tag === "const" && (value === undefined || v.value === value);

/** Fresh variable ids across the whole build (counters.ts), so inlined and re-transformed code never clashes. */
export function freshVar(name: string, ty: Ty): Var {
  return { tag: "var", id: nextVarId(), name, ty };
}

/**
 * Emits statements. `apply` is the only way new statements are made: it infers the result type
 * from the primitive table and lets the rules be written as ordinary calls (b.mul(g, x)).
 */
export class Builder {
  body: Stmt[] = [];
  constructor(
    private readonly typeOf: (prim: string, args: readonly Value[]) => Ty,
    public src?: SrcRef,
  ) {}

  apply(prim: string, args: readonly Value[], name = "t", ty?: Ty): Var {
    const inferred = this.typeOf(prim, args); // (also checks the primitive and its operand count)
    const out = freshVar(name, ty ?? inferred);
    this.body.push({ out, prim, args, src: this.src });
    return out;
  }

  /** Build a nested block: statements emitted by `f` go into it. */
  block(f: () => readonly Value[]): Block {
    const saved = this.body;
    this.body = [];
    try {
      const results = f();
      return { body: this.body, results };
    } finally {
      this.body = saved;
    }
  }
}
