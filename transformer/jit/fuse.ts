// The jit's fusion pass: chains of elementwise primitives on Arrays become one `fused` statement,
// a kernel the run time compiles once (runtime/jit/fused.ts) and runs as one pass over the data
// (no intermediate Arrays). A producer joins its consumer's group when the consumer is its only
// use, within one block (never moving work into or out of a loop or a branch). The kernel is
// described by a small program, a string in the emitted code:
//   {"in": n, "ops": [["multiply", 0, {"c": 1.1}], ["tanh", 2], ...]}
// operands index the inputs (0..n-1) and earlier ops (n + j), or are number constants; the
// result is the last op. Ops are the runtime's elementwise functions, whose float32 results the
// kernel reproduces bit for bit.

import type { Block, Fn, PrimStmt, Stmt, Value } from "../ir.js";
import { forEachUse, lit } from "../ir.js";
import { PRIMS } from "../prims/index.js";

/** Elementwise IR primitives a kernel computes, by the runtime function each one is. */
const FUSABLE = new Set([
  "add", "sub", "mul", "div", "pow", "mod", "maximum", "minimum", "arctan2", "hypot", "fma",
  "neg", "square", "reciprocal", "exp", "log", "log1p", "expm1", "tanh", "sin", "cos", "tan",
  "arcsin", "arccos", "arctan", "sinh", "cosh", "sqrt", "abs", "sign", "floor", "ceil", "trunc",
]);

const fusable = (s: Stmt): s is PrimStmt => s.kind === undefined && FUSABLE.has(s.prim) && s.out.ty === "arr";

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

/** The fused statement of a group: its inputs (first reads, in order) and its program. */
function kernelStmt(g: Group): PrimStmt {
  const root = g.stmts[g.stmts.length - 1];
  const inside = new Map(g.stmts.map((s, j) => [s.out.id, j] as const));
  const inputs: Value[] = [];
  const inputIx = new Map<string, number>();
  const key = (v: Value) => (v.tag === "var" ? `v${v.id}` : v.tag === "ext" ? `e${v.name}.${(v.path ?? []).join(".")}` : `c${JSON.stringify(v.value)}`);
  const ops = g.stmts.map((s) => [
    PRIMS[s.prim].rt ?? s.prim,
    ...s.args.map((a) => {
      if (a.tag === "const" && typeof a.value === "number") return { c: a.value };
      if (a.tag === "var" && inside.has(a.id)) return -1 - inside.get(a.id)!; // (fixed up below)
      const k = key(a);
      if (!inputIx.has(k)) {
        inputIx.set(k, inputs.length);
        inputs.push(a);
      }
      return inputIx.get(k)!;
    }),
  ]);
  const n = inputs.length;
  for (const op of ops) for (let i = 1; i < op.length; i++) if (typeof op[i] === "number" && (op[i] as number) < 0) op[i] = n + (-1 - (op[i] as number));
  return { out: root.out, prim: "fused", args: [lit(JSON.stringify({ in: n, ops })), ...inputs], src: root.src };
}

function fuseBlock(body: readonly Stmt[], uses: ReadonlyMap<number, number>): Stmt[] {
  const groupOf = new Map<number, Group>();
  for (const s of body) {
    if (!fusable(s)) continue;
    const g: Group = { stmts: [] };
    // producers whose only use is this statement join it (their groups, whole)
    const seen = new Set<Group>();
    for (const a of s.args) {
      if (a.tag !== "var" || uses.get(a.id) !== 1) continue;
      const p = groupOf.get(a.id);
      if (!p || seen.has(p) || p.stmts[p.stmts.length - 1].out.id !== a.id) continue;
      seen.add(p);
      g.stmts.push(...p.stmts);
    }
    g.stmts.sort((x, y) => body.indexOf(x) - body.indexOf(y));
    g.stmts.push(s);
    for (const m of g.stmts) groupOf.set(m.out.id, g);
  }
  const out: Stmt[] = [];
  for (const s of body) {
    if (s.kind === undefined && groupOf.has(s.out.id)) {
      const g = groupOf.get(s.out.id)!;
      if (g.stmts.length === 1) out.push(s);
      else if (g.stmts[g.stmts.length - 1] === s) out.push(kernelStmt(g));
      continue;
    }
    if (s.kind === "if") out.push({ ...s, then: fuseIn(s.then, uses), else: fuseIn(s.else, uses) });
    else if (s.kind === "while") out.push({ ...s, cond: fuseIn(s.cond, uses), body: fuseIn(s.body, uses) });
    else out.push(s);
  }
  return out;
}

const fuseIn = (b: Block, uses: ReadonlyMap<number, number>): Block => ({ body: fuseBlock(b.body, uses), results: b.results });

/** The function with its elementwise chains fused into kernels. */
export function fuse(fn: Fn): Fn {
  const uses = useCounts(fn);
  return {
    ...fn,
    body: fuseBlock(fn.body, uses),
    locals: fn.locals?.map((l) => ({ ...l, body: fuseBlock(l.body, uses) })),
  };
}
