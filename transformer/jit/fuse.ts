// The jit's fusion pass: groups of elementwise primitives on Arrays become one `fused` statement,
// a kernel the run time compiles once (runtime/jit/fused.ts) and runs as one pass over the data
// (no intermediate Arrays). Groups form consumers first, within one block (never moving work into
// or out of a loop or a branch): a producer joins its readers' group when all of its reads are in
// that group, so a value read twice in a kernel is computed there once. Inside a kernel, a
// whole-array reduction's scalar cotangent spread over a shape (`unreduce`) is the scalar itself
// (another input gives the shape); a kernel may end in a whole-array sum or mean, and may start
// with the matrix product only it reads (made in kernel memory: the matmul's epilogue). The
// kernel is described by a small program, a string in the emitted code:
//   {"in": n, "ops": [["multiply", 0, {"c": 1.1}], ["tanh", 2], ...], "reduce"?: "sum", "epilogue"?: "matmul", "ret"?: true}
// operands index the inputs (0..n-1) and earlier ops (n + j), or are number constants; the
// result is the last op. Ops are the runtime's elementwise functions, whose float32 results the
// kernel reproduces bit for bit.

import type { Block, Fn, PrimStmt, Stmt, Value, Var } from "../ir.js";
import { forEachUse, leaves, lit } from "../ir.js";
import { PRIMS } from "../prims/index.js";
import { avalsOf } from "../verify.js";
import { broadcast, shapeKey, type Aval } from "../avals.js";

/** Elementwise IR primitives a kernel computes, by the runtime function each one is. */
export const FUSABLE: ReadonlySet<string> = new Set([
  "add", "sub", "mul", "div", "pow", "mod", "maximum", "minimum", "arctan2", "hypot", "fma",
  "neg", "square", "reciprocal", "exp", "log", "log1p", "expm1", "tanh", "sin", "cos", "tan",
  "arcsin", "arccos", "arctan", "sinh", "cosh", "sqrt", "abs", "sign", "floor", "ceil", "trunc",
  // the derivative of maximum/minimum (relu's gradient)
  "balancedEq",
]);

const fusable = (s: Stmt): s is PrimStmt => s.kind === undefined && FUSABLE.has(s.prim) && s.out.ty === "arr";

/** Whole-array reductions a kernel ends in (no axis, no keepdims): the chain is never stored. */
const REDUCE = new Set(["sum", "mean"]);
const reduction = (s: Stmt): s is PrimStmt => {
  if (s.kind !== undefined || !REDUCE.has(s.prim) || s.args[0].tag !== "var") return false;
  const [, axis, opts] = s.args;
  const none = (v: Value | undefined) => !v || (v.tag === "const" && (v.value === undefined || v.value === null));
  const flat = none(opts) || (opts.tag === "const" && typeof opts.value === "object" && !(opts.value as { keepdims?: unknown }).keepdims);
  return none(axis) && flat;
};

/** How many times each variable is read, anywhere in the function. */
function useCounts(fn: Fn): Map<number, number> {
  const n = new Map<number, number>();
  const count = (v: Value) => v.tag === "var" && n.set(v.id, (n.get(v.id) ?? 0) + 1);
  const all = [...fn.body, ...(fn.locals ?? []).flatMap((l) => l.body)];
  forEachUse(all, count);
  for (const l of fn.locals ?? []) l.results.forEach(count);
  const walkTree = (t: Fn["result"]): void => {
    if (t.kind === "leaf") count(t.v);
    else if (t.kind === "obj" || t.kind === "tup") t.kids.forEach(walkTree);
  };
  walkTree(fn.result);
  return n;
}

/** One kernel: its statements in program order (the last is the root, whose value leaves it). */
interface Group {
  stmts: PrimStmt[];
}

/**
 * A whole-array reduction's cotangent spread over a shape, `unreduce(g, ref)` with g a scalar:
 * inside a kernel it is g itself, broadcast by the kernel (whose other inputs give the shape).
 */
function scalarSpread(s: Stmt, avals: ReadonlyMap<number, Aval> | null): s is PrimStmt {
  if (s.kind !== undefined || s.prim !== "unreduce" || !avals) return false;
  const [g, , axis, opts] = s.args;
  const a = g.tag === "var" ? avals.get(g.id) : undefined;
  const none = (v: Value) => v.tag === "const" && (v.value === undefined || v.value === null);
  return !!a && Array.isArray(a.shape) && a.shape.length === 0 && none(axis) && none(opts);
}

/** The value a member stands for inside the kernel (a scalar spread is its scalar). */
const inner = (s: PrimStmt): Value | null => (s.prim === "unreduce" ? s.args[0] : null);

/** The fused statement of a group: its inputs (first reads, in order) and its program. */
function kernelStmt(g: Group): PrimStmt {
  const root = g.stmts[g.stmts.length - 1];
  const alias = new Map<number, Value>();
  const inside = new Map<number, number>();
  const ops: (readonly [string, ...(number | { c: number })[]])[] = [];
  const inputs: Value[] = [];
  const inputIx = new Map<string, number>();
  const key = (v: Value) => (v.tag === "var" ? `v${v.id}` : v.tag === "ext" ? `e${v.name}.${(v.path ?? []).join(".")}` : `c${JSON.stringify(v.value)}`);
  const operand = (a: Value): number | { c: number } => {
    if (a.tag === "var" && alias.has(a.id)) return operand(alias.get(a.id)!);
    if (a.tag === "const" && typeof a.value === "number") return { c: a.value };
    if (a.tag === "var" && inside.has(a.id)) return -1 - inside.get(a.id)!; // (fixed up below)
    const k = key(a);
    if (!inputIx.has(k)) {
      inputIx.set(k, inputs.length);
      inputs.push(a);
    }
    return inputIx.get(k)!;
  };
  const root0 = g.stmts[g.stmts.length - 1];
  const reduce = reduction(root0) ? root0 : null;
  for (const s of g.stmts) {
    const v = inner(s);
    if (s === reduce) continue;
    if (v) alias.set(s.out.id, v);
    else {
      ops.push([PRIMS[s.prim].rt ?? s.prim, ...s.args.map(operand)]);
      inside.set(s.out.id, ops.length - 1);
    }
  }
  const n = inputs.length;
  const fixed = ops.map(([op, ...as]) => [op, ...as.map((a) => (typeof a === "number" && a < 0 ? n + (-1 - a) : a))]);
  // (a reduction reads the last op)
  const prog = reduce ? { in: n, ops: fixed, reduce: PRIMS[reduce.prim].rt ?? reduce.prim } : { in: n, ops: fixed };
  return { out: root.out, prim: "fused", args: [lit(JSON.stringify(prog)), ...inputs], src: root.src };
}

/**
 * Whether the kernel's output has its root's shape: the kernel broadcasts its inputs, so a
 * scalar spread needs another input of the full shape.
 */
function shapeKept(g: Group, k: PrimStmt, avals: ReadonlyMap<number, Aval> | null): boolean {
  if (!g.stmts.some((s) => inner(s))) return true;
  if (!avals) return false;
  // (the shape of the last elementwise op: a reduction's operand)
  const last = g.stmts.filter((s) => !reduction(s as Stmt));
  const root = avals.get(last[last.length - 1].out.id);
  const ins = k.args.slice(1).map((v) => (v.tag === "var" ? avals.get(v.id) : v.tag === "const" ? { dtype: "f64", shape: [] } : undefined));
  if (!root || ins.some((a) => !a)) return false;
  try {
    return shapeKey(broadcast(ins.map((a) => a!.shape))) === shapeKey(root.shape);
  } catch {
    return false;
  }
}

/**
 * Groups, consumers first: a statement joins the group of its readers when all of its reads are
 * by members of that one group (in this block), so a value read twice in a kernel is computed
 * there once; otherwise it roots a group of its own.
 */
function group(body: readonly Stmt[], uses: ReadonlyMap<number, number>, avals: ReadonlyMap<number, Aval> | null, outside: ReadonlySet<PrimStmt>): Map<number, Group> {
  const groupOf = new Map<number, Group>();
  const readBy = new Map<number, { groups: Set<Group>; n: number }>();
  const read = (v: Value, g: Group) => {
    if (v.tag !== "var") return;
    const r = readBy.get(v.id) ?? { groups: new Set(), n: 0 };
    r.groups.add(g);
    r.n++;
    readBy.set(v.id, r);
  };
  for (let i = body.length - 1; i >= 0; i--) {
    const st = body[i];
    const spread = scalarSpread(st, avals) && !outside.has(st as PrimStmt);
    const reduce = reduction(st);
    if (!fusable(st) && !spread && !reduce) continue;
    const s = st as PrimStmt;
    const r = readBy.get(s.out.id);
    const joins = !reduce && r && r.groups.size === 1 && r.n === uses.get(s.out.id) ? [...r.groups][0] : undefined;
    if (!joins && spread) continue; // (a spread alone stays the runtime's broadcast)
    const g = joins ?? { stmts: [] };
    g.stmts.unshift(s);
    groupOf.set(s.out.id, g);
    // (a spread reads only its scalar inside the kernel: the shape operand stays outside; a
    // reduction, its operand)
    for (const a of spread || reduce ? [s.args[0]] : s.args) read(a, g);
  }
  return groupOf;
}

/** Matrix products a kernel may start with (2-D operands at run time; otherwise computed first). */
const PRODUCTS = new Set(["matmul", "dot"]);

/**
 * Kernel k with its input `j` (a product `mm`) computed by the kernel's call: the product's
 * operands first among the statement's inputs, the product the program's input 0.
 */
function withPrologue(k: PrimStmt, j: number, mm: PrimStmt): PrimStmt {
  const p = JSON.parse(String((k.args[0] as { value: unknown }).value)) as { in: number; ops: (readonly [string, ...(number | { c: number })[]])[]; reduce?: string };
  // input j → 0, inputs before it shift up by one
  const map = (a: number | { c: number }) => (typeof a !== "number" || a >= p.in ? a : a === j ? 0 : a < j ? a + 1 : a);
  const ops = p.ops.map(([op, ...as]) => [op, ...as.map(map)]);
  const rest = k.args.slice(1).filter((_, i) => i !== j);
  const prog = { ...p, ops, epilogue: mm.prim };
  return { ...k, args: [lit(JSON.stringify(prog)), mm.args[0], mm.args[1], ...rest] };
}

/** The kernels of a block, each fused statement at its root's place. */
function fuseBlock(body: readonly Stmt[], uses: ReadonlyMap<number, number>, avals: ReadonlyMap<number, Aval> | null): Stmt[] {
  // spreads a kernel cannot take (its output would lose the shape) are left out, and the
  // groups made again without them
  const outside = new Set<PrimStmt>();
  let groupOf = group(body, uses, avals, outside);
  const kernels = new Map<Group, PrimStmt>();
  for (let round = 0; ; round++) {
    kernels.clear();
    let again = false;
    for (const g of new Set(groupOf.values())) {
      const k = kernelStmt(g);
      kernels.set(g, k);
      if (!shapeKept(g, k, avals)) for (const s of g.stmts) if (inner(s)) (outside.add(s), (again = true));
    }
    if (!again || round > body.length) break;
    groupOf = group(body, uses, avals, outside);
  }
  // a matrix product read only by one kernel becomes its prologue: computed into kernel memory
  // and read there (the epilogue of the matmul)
  const products = new Map<number, PrimStmt>();
  for (const s of body) if (s.kind === undefined && PRODUCTS.has(s.prim)) products.set(s.out.id, s);
  const absorbed = new Set<PrimStmt>();
  const prologue = new Set<Group>();
  for (const [g, k] of kernels) {
    if (g.stmts.every((m) => reduction(m as Stmt))) continue;
    const reads = new Map<number, number>();
    for (const m of g.stmts) for (const a of m.args) if (a.tag === "var") reads.set(a.id, (reads.get(a.id) ?? 0) + 1);
    const j = k.args.findIndex((a, i) => i > 0 && a.tag === "var" && products.has(a.id) && reads.get(a.id) === uses.get(a.id) && !absorbed.has(products.get(a.id)!));
    if (j < 0) continue;
    const mm = products.get((k.args[j] as Var).id)!;
    absorbed.add(mm);
    prologue.add(g);
    kernels.set(g, withPrologue(k, j - 1, mm));
  }
  const out: Stmt[] = [];
  for (const s of body) {
    if (s.kind === undefined && absorbed.has(s)) continue;
    if (s.kind === undefined && groupOf.has(s.out.id)) {
      const g = groupOf.get(s.out.id)!;
      // (one elementwise op is a kernel too: SIMD lanes on every thread beat the eager JS loop;
      // a lone reduction or spread stays the runtime's)
      if (g.stmts.length === 1 && !prologue.has(g) && !fusable(s)) out.push(s);
      else if (g.stmts[g.stmts.length - 1] === s) out.push(kernels.get(g)!);
      continue;
    }
    if (s.kind === "if") out.push({ ...s, then: fuseIn(s.then, uses, avals), else: fuseIn(s.else, uses, avals) });
    else if (s.kind === "while") out.push({ ...s, cond: fuseIn(s.cond, uses, avals), body: fuseIn(s.body, uses, avals) });
    else out.push(s);
  }
  return out;
}

const fuseIn = (b: Block, uses: ReadonlyMap<number, number>, avals: ReadonlyMap<number, Aval> | null): Block => ({ body: fuseBlock(b.body, uses, avals), results: b.results });

/** The function with its elementwise chains fused into kernels. */
export function fuse(fn: Fn, opts: { fastMath?: boolean } = {}): Fn {
  const uses = useCounts(fn);
  const avals = avalsOf(fn);
  const fused: Fn = {
    ...fn,
    body: fuseBlock(fn.body, uses, avals),
    locals: fn.locals?.map((l) => ({ ...l, body: fuseBlock(l.body, uses, avals) })),
  };
  const marked = markReturned(fused);
  return opts.fastMath ? markFast(marked) : marked;
}

/** A fused statement with fields added to its program. */
function withProgram(s: PrimStmt, extra: object): PrimStmt {
  const src = s.args[0] as { value: string };
  return { ...s, args: [lit(JSON.stringify({ ...JSON.parse(src.value), ...extra })), ...s.args.slice(1)] };
}

/**
 * Kernels whose output the function returns as it is marked `ret`: the run time copies such an
 * output out of the arena, so it readies the destination while the workers compute.
 */
function markReturned(fn: Fn): Fn {
  const returned = new Set(leaves(fn.result).flatMap((v) => (v.tag === "var" ? [v.id] : [])));
  // (a kernel ending in a sum returns a scalar: nothing to ready)
  const whole = (s: PrimStmt) => !("reduce" in JSON.parse((s.args[0] as { value: string }).value));
  const body = fn.body.map((s): Stmt => (s.kind === undefined && s.prim === "fused" && returned.has(s.out.id) && whole(s) ? withProgram(s, { ret: true }) : s));
  return { ...fn, body };
}

/** Every kernel's program marked `fast` (jit's fastMath: approximate float32 transcendentals). */
function markFast(fn: Fn): Fn {
  const mark = (body: readonly Stmt[]): Stmt[] =>
    body.map((s): Stmt => {
      if (s.kind === "if") return { ...s, then: { ...s.then, body: mark(s.then.body) }, else: { ...s.else, body: mark(s.else.body) } };
      if (s.kind === "while") return { ...s, cond: { ...s.cond, body: mark(s.cond.body) }, body: { ...s.body, body: mark(s.body.body) } };
      if (s.kind !== undefined || s.prim !== "fused") return s;
      return withProgram(s, { fast: true });
    });
  return { ...fn, body: mark(fn.body), locals: fn.locals?.map((l) => ({ ...l, body: mark(l.body) })) };
}
