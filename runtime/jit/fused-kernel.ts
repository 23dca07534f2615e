// Code generation for fused elementwise kernels (transformer/jit/fuse.ts makes the programs).
// One WebAssembly function per program and operand pattern: kern(inputs…, out, n), a vector
// input as a byte address, a scalar one as an f32. Each op reproduces the eager float32 result
// bit for bit: + − × ÷ √, min, max, |x|, −x, floor, ceil, trunc are float32 instructions
// (correctly rounded, so equal to JavaScript's float64 result rounded to float32), with f32x4
// lanes. Ops beyond those run on the f32x4 vector's two halves widened to f64x2, each half's
// result rounded to float32 as the eager loop's store does: fma as JavaScript computes it, exp,
// tanh, sin and cos as vector polynomials (vmath.ts: eager code on large Arrays runs them too),
// and every other op through the runtime's own scalar function (Math.log, …), imported and
// called per lane.
// `jit(f, { fastMath: true })` marks its programs `fast`: a chain of float32 arithmetic and exp,
// tanh, sin, cos then runs on f32x4 lanes with float32 polynomials (vmath32.ts), a few ulps from
// the exact results, instead of the exact float64 polynomials.

import { Code, F32, HIGH_HALF, I32, SIMD, V128, type FuncDef, type ValType } from "./wasm.js";
import { exp64, F64X2, sinCos64, tanh64, TRIG_LIMIT } from "./vmath.js";
import { abs32, exp32, sinCos32, tanh32, TRIG32_LIMIT } from "./vmath32.js";
import { OP, VDag, type VNode } from "./vdag.js";

export interface Program {
  /** Number of inputs. */
  readonly in: number;
  /** [op, ...operands]: an operand is an input (0..in-1), an earlier op (in + j), or { c: number }. */
  readonly ops: readonly (readonly [string, ...(number | { c: number })[]])[];
  /** The last op's values reduced over the whole array ("sum" or "mean"): the kernel's result. */
  readonly reduce?: "sum" | "mean";
  /** Input 0 is this product ("matmul" or "dot") of the call's first two arguments. */
  readonly epilogue?: "matmul" | "dot";
  /** Approximate float32 transcendentals allowed (jit's fastMath option). */
  readonly fast?: boolean;
  /** The output is what the jit'd function returns (copied out of the arena afterwards). */
  readonly ret?: boolean;
}

/** Float32 instructions by op: scalar opcode, f32x4 opcode (0xfd prefix). */
const NATIVE: Record<string, { s: number; v: number }> = {
  add: { s: 0x92, v: SIMD.f32x4Add },
  subtract: { s: 0x93, v: SIMD.f32x4Sub },
  multiply: { s: 0x94, v: SIMD.f32x4Mul },
  divide: { s: 0x95, v: SIMD.f32x4Div },
  minimum: { s: 0x96, v: SIMD.f32x4Min },
  maximum: { s: 0x97, v: SIMD.f32x4Max },
  negative: { s: 0x8c, v: SIMD.f32x4Neg },
  abs: { s: 0x8b, v: SIMD.f32x4Abs },
  sqrt: { s: 0x91, v: SIMD.f32x4Sqrt },
  ceil: { s: 0x8d, v: 0x67 },
  floor: { s: 0x8e, v: 0x68 },
  trunc: { s: 0x8f, v: 0x69 },
};
/** Ops written with native instructions (square: x·x, reciprocal: 1 ÷ x). */
const SIMD_OK = new Set([...Object.keys(NATIVE), "square", "reciprocal"]);

/** Whether the whole program runs on f32x4 lanes. */
export const allSimd = (p: Program) => p.ops.every((o) => SIMD_OK.has(o[0]));

/** Ops a fast program computes in f32x4 lanes (fma as a product and a sum, each rounded). */
const FAST32 = new Set([...SIMD_OK, "fma", "exp", "tanh", "sin", "cos"]);
/** Whether a fast program runs on f32x4 lanes with float32 transcendentals. */
export const fastLanes = (p: Program) => !!p.fast && !allSimd(p) && p.ops.every((o) => FAST32.has(o[0]));

/** Ops computed in f64x2 lanes without a call. */
const VECTOR_F64 = new Set([...SIMD_OK, "fma", "exp", "tanh", "sin", "cos"]);
/** Vector ops that fall back to the scalar function for some inputs (sin/cos of large |x|). */
export const FALLBACK: ReadonlySet<string> = new Set(["sin", "cos"]);

/** The ops that call an imported scalar function (in import order). */
export const importedOps = (p: Program): string[] => [...new Set(p.ops.map((o) => o[0]).filter((op) => !VECTOR_F64.has(op) || FALLBACK.has(op)))];

/**
 * kern(x_0 … x_{in-1}, out, n, start): `modes[k]` says how input k comes: "v" a byte address of
 * n floats, "s" an f32 value, "r" a row repeated along the output (a byte address and the row's
 * length L, a multiple of 4: element i reads x[(start + i) mod L]; a broadcast bias, read in
 * place). Imported functions are 0..m-1 (importedOps order), so this function is m. (Inputs and
 * output have a float of padding, fused.ts allocates it: kernels once ran pairs one past n.)
 */
export function fusedKernel(p: Program, modes: string): FuncDef {
  const f = new Code(kernParams(modes));
  const ins = inputs(f, modes);
  const OUT = ins.next, N = ins.next + 1, START = ins.next + 2;
  const i = f.local(I32);
  f.i32(0).set(i);
  startRows(f, ins.list, START);
  if (allSimd(p)) f32x4Loop(f, p, ins.list, i, OUT, N);
  else if (fastLanes(p)) fastLoop(f, p, ins.list, i, OUT, N, START, importedOps(p));
  else exactLoop(f, p, ins.list, i, OUT, N, START, importedOps(p));
  return { name: "kern", code: f };
}

/** The parameter types of kern (out, n, start after the inputs) and kernShared (out, n, counter). */
const kernParams = (modes: string): ValType[] => [...[...modes].flatMap((m): ValType[] => (m === "v" ? [I32] : m === "r" ? [I32, I32] : [F32])), I32, I32, I32];

/** How kern reads input k: its parameter (and a row's length parameter and position local). */
interface In {
  readonly mode: string;
  readonly ptr: number;
  readonly len: number;
  readonly j: number;
}
function inputs(f: Code, modes: string, positions = true): { list: In[]; next: number } {
  let at = 0;
  const list = [...modes].map((mode): In => {
    const x = { mode, ptr: at, len: mode === "r" ? at + 1 : -1, j: -1 };
    at += mode === "r" ? 2 : 1;
    return x;
  });
  return { list: list.map((x) => (x.mode === "r" && positions ? { ...x, j: f.local(I32) } : x)), next: at };
}

/** The address of input x's element at i (a row: at its position j). */
const inAddr = (f: Code, x: In, i: number) => (x.mode === "r" ? f.get(x.ptr).get(x.j).i32(4).i32Mul().i32Add() : addr(f, x.ptr, i));
/** Each row's position at the first element: start mod L. */
function startRows(f: Code, ins: readonly In[], START: number): void {
  for (const x of ins) if (x.mode === "r") f.get(START).get(x.len).op(0x70).set(x.j); // i32.rem_u
}

/** A row's position advanced by `step`, wrapped at its length. */
function advance(f: Code, ins: readonly In[], step: number): void {
  for (const x of ins) {
    if (x.mode !== "r") continue;
    f.get(x.j).i32(step).i32Add().set(x.j);
    f.get(x.j).get(x.len).i32(0).get(x.j).get(x.len).i32GeS().select().i32Sub().set(x.j); // j −= (j ≥ L ? L : 0)
  }
}

const addr = (f: Code, base: number, i: number) => f.get(base).get(i).i32(4).i32Mul().i32Add();

/** How programNodes reads, computes and writes one unit of a step (a vector, or a pair of floats). */
interface UnitCode {
  /** Pushes vector input k at this unit's elements. */
  load(k: number): void;
  konst(c: number): VNode;
  op(op: string, xs: VNode[]): VNode;
  /** Writes local y (the last op's value) out. */
  store(y: number): void;
}

/**
 * One unit of a graph-built step: the program's ops as nodes of `d` over its inputs (an input read
 * by several ops loaded once; a scalar from its splat local), the last value stored.
 */
function programNodes(f: Code, d: VDag, p: Program, ins: readonly In[], splat: readonly number[], u: UnitCode): void {
  const vals: VNode[] = [];
  const loaded = new Map<number, VNode>();
  const input = (k: number): VNode => {
    if (ins[k].mode === "s") return d.local(splat[k]);
    let v = loaded.get(k);
    if (!v) loaded.set(k, (v = d.node([], () => u.load(k))));
    return v;
  };
  const arg = (a: number | { c: number }) => (typeof a === "object" ? u.konst(a.c) : a < p.in ? input(a) : vals[a - p.in]);
  for (const [op, ...args] of p.ops) vals.push(u.op(op, args.map(arg)));
  d.node([vals[vals.length - 1]], () => {
    const y = f.local(V128);
    f.set(y);
    u.store(y);
  }, true);
}

/**
 * When the main loop noted sin/cos lanes beyond its polynomial's range (any bit of `big`): i and
 * the rows' positions back to the start, and `again` (the careful loop) computes those elements again.
 */
function computeAgainIfNoted(f: Code, ins: readonly In[], i: number, START: number, big: number, again: () => void): void {
  f.get(big).simd(OP.anyTrue);
  f.if(() => {
    f.i32(0).set(i);
    startRows(f, ins, START);
    again();
  });
}

/**
 * A sin/cos result `res` whose lanes `lanes` lie beyond its polynomial's range: in the main loop
 * only noted (or'd into local `big`); `careful`, when there are any, replaced by the exact values
 * `exact` pushes for the input in local x (the scalar function per lane).
 */
function beyondRange(f: Code, d: VDag, big: number, x: VNode, res: VNode, lanes: VNode, careful: boolean, exact: (x: number) => void): VNode {
  if (!careful) {
    d.node([lanes], () => void f.get(big).simd(OP.or).set(big), true);
    return res;
  }
  return d.node([x, res, lanes], () => {
    const xl = f.local(V128), r = f.local(V128), m = f.local(V128);
    f.set(m).set(r).set(xl);
    f.get(m).simd(OP.anyTrue);
    f.if(() => {
      exact(xl);
      f.get(r).get(m).simd(OP.bitselect).set(r);
    });
    f.get(r);
  });
}

/** While i < end: `body`, rows advanced and i by `elems`. */
function stepLoop(f: Code, ins: readonly In[], i: number, end: number, elems: number, body: () => void): void {
  f.block(() =>
    f.loop(() => {
      f.get(i).get(end).i32GeS().brIf(1);
      body();
      advance(f, ins, elems);
      f.get(i).i32(elems).i32Add().set(i);
      f.br(0);
    }),
  );
}

/** How one loop of the float32 chain reads, computes and writes: four lanes or one. */
interface F32Lanes {
  readonly ty: ValType;
  /** Elements a step. */
  readonly step: number;
  konst(c: number): void;
  /** Input k at element i. */
  load(k: number): void;
  /** The op's instruction (NATIVE's opcode for this width). */
  native(op: string): void;
  /** The value on the stack to the output at element i. */
  store(v: number): void;
  /** After a step: rows' positions advanced. */
  next(): void;
}

/** While i < end: the chain over `lanes` elements, written out, i advanced. */
function f32Loop(f: Code, p: Program, i: number, end: () => void, L: F32Lanes): void {
  f.block(() =>
    f.loop(() => {
      f.get(i);
      end();
      f.i32GeS().brIf(1);
      const vals: number[] = [];
      // (an input read by several ops is loaded once a step: V8 would otherwise load it again and
      // keep every copy in a stack slot)
      const loaded = new Map<number, number>();
      const input = (a: number) => {
        const l = loaded.get(a);
        if (l !== undefined) return void f.get(l);
        const t = f.local(L.ty);
        loaded.set(a, t);
        L.load(a);
        f.tee(t);
      };
      const push = (a: number | { c: number }) => (typeof a === "object" ? L.konst(a.c) : a < p.in ? input(a) : f.get(vals[a - p.in]));
      for (const [op, ...args] of p.ops) {
        const r = f.local(L.ty);
        // square: x·x, reciprocal: 1 ÷ x
        if (op === "square") (push(args[0]), push(args[0]), L.native("multiply"));
        else if (op === "reciprocal") (L.konst(1), push(args[0]), L.native("divide"));
        else if (op === "fma") (push(args[0]), push(args[1]), L.native("multiply"), push(args[2]), L.native("add"));
        else (args.forEach(push), L.native(op));
        f.set(r);
        vals.push(r);
      }
      L.store(vals[vals.length - 1]);
      L.next();
      f.get(i).i32(L.step).i32Add().set(i);
      f.br(0);
    }),
  );
}

/** Four elements a step in f32x4 lanes (scalar inputs splatted into `splat`'s locals). */
function fourLanes(f: Code, ins: readonly In[], i: number, OUT: number, splat: readonly number[], native: (op: string) => void): F32Lanes {
  return {
    ty: V128,
    step: 4,
    konst: (c) => f.f32x4Const(c),
    load: (k) => (ins[k].mode === "s" ? f.get(splat[k]) : inAddr(f, ins[k], i).v128Load(0)),
    native,
    store: (v) => addr(f, OUT, i).get(v).v128Store(0),
    next: () => advance(f, ins, 4),
  };
}

/** f32x4 lanes over n − n mod 4 elements, then one element at a time. */
function f32x4Loop(f: Code, p: Program, ins: readonly In[], i: number, OUT: number, N: number): void {
  const splat = ins.map((x) => (x.mode === "s" ? f.local(V128) : -1));
  splat.forEach((l, k) => l >= 0 && f.get(ins[k].ptr).simd(SIMD.f32x4Splat).set(l));
  const n4 = f.local(I32);
  f.get(N).i32(-4).op(0x71).set(n4); // i32.and
  f32Loop(f, p, i, () => f.get(n4), fourLanes(f, ins, i, OUT, splat, (op) => f.simd(NATIVE[op].v)));
  // the tail
  f32Loop(f, p, i, () => f.get(N), {
    ty: F32,
    step: 1,
    konst: (c) => f.op(0x43, ...new Uint8Array(new Float32Array([c]).buffer)),
    load: (k) => (ins[k].mode === "s" ? f.get(ins[k].ptr) : inAddr(f, ins[k], i).f32Load(0)),
    native: (op) => f.op(NATIVE[op].s),
    store: (v) => addr(f, OUT, i).get(v).f32Store(0),
    next: () => advance(f, ins, 1),
  });
}

/**
 * A fast program: f32x4 lanes, two vectors a step (one where an input is a repeated row) while
 * there are eight elements, then one, then the tail one element at a time in the same vector code
 * (the element splatted, lane 0 stored), so that an element's result does not depend on where it
 * falls. A step's work is one graph of values (vdag.ts) emitted with its chains interleaved.
 * Lanes of sin/cos beyond TRIG32_LIMIT take the exact scalar function; the main loop has no
 * branch for them (a branch in the loop made V8 spill its registers around it): it only notes
 * such lanes, and when there were any, a second loop with the per-vector check computes the
 * elements again.
 */
function fastLoop(f: Code, p: Program, ins: readonly In[], i: number, OUT: number, N: number, START: number, imports: string[]): void {
  const splat = ins.map((x) => (x.mode === "s" ? f.local(V128) : -1));
  splat.forEach((l, k) => l >= 0 && f.get(ins[k].ptr).simd(SIMD.f32x4Splat).set(l));
  const big = f.local(V128);
  const trig = p.ops.some((o) => o[0] === "sin" || o[0] === "cos");
  const rows = ins.some((x) => x.mode === "r");

  /** One op of the program as graph nodes; `careful`: sin/cos lanes beyond the limit exact. */
  const opNode = (d: VDag, op: string, xs: VNode[], careful: boolean): VNode => {
    if (NATIVE[op]) return d.simd(NATIVE[op].v, ...xs);
    if (op === "square") return d.mul(xs[0], xs[0]);
    if (op === "reciprocal") return d.div(d.f32(1), xs[0]);
    if (op === "fma") return d.add(d.mul(xs[0], xs[1]), xs[2]);
    if (op === "exp") return exp32(d, xs[0]);
    if (op === "tanh") return tanh32(d, xs[0]);
    const res = sinCos32(d, xs[0], op === "cos");
    const lanes = d.simd(OP.gt, abs32(d, xs[0]), d.f32(TRIG32_LIMIT));
    return beyondRange(f, d, big, xs[0], res, lanes, careful, (x) => {
      const exact = f.local(V128);
      f.get(x).set(exact);
      for (const lane of [0, 1, 2, 3]) {
        f.get(exact).get(x).simd(OP.extract).op(lane).op(0xbb); // f64.promote_f32
        f.call(imports.indexOf(op)).op(0xb6); // f32.demote_f64
        f.simd(OP.replace).op(lane).set(exact);
      }
      f.get(exact);
    });
  };
  /** One step: `copies` vectors from element i on, or (`one`) element i splatted and lane 0 stored. */
  const step = (copies: number, careful: boolean, one = false) => {
    const d = new VDag();
    for (let u = 0; u < copies; u++)
      programNodes(f, d, p, ins, splat, {
        load: (k) => void (one ? inAddr(f, ins[k], i).load32Splat(0) : inAddr(f, ins[k], i).v128Load(16 * u)),
        konst: (c) => d.f32(c),
        op: (op, xs) => opNode(d, op, xs, careful),
        store: (y) => {
          addr(f, OUT, i).get(y);
          if (one) f.simd(OP.extract).op(0).f32Store(0);
          else f.v128Store(16 * u);
        },
      });
    d.emit(f);
  };
  const loop = (end: number, elems: number, body: () => void) => stepLoop(f, ins, i, end, elems, body);
  const n4 = f.local(I32), n8 = f.local(I32);
  f.get(N).i32(-4).op(0x71).set(n4); // i32.and
  f.get(N).i32(-8).op(0x71).set(n8);
  if (!rows) loop(n8, 8, () => step(2, !trig));
  loop(n4, 4, () => step(1, !trig));
  if (trig) computeAgainIfNoted(f, ins, i, START, big, () => loop(n4, 4, () => step(1, true)));
  loop(N, 1, () => step(1, true, true));
}

/**
 * The exact path: four elements a step in one f32x4 vector. Float32 arithmetic runs on the
 * vector as float32 instructions: + − × ÷ √ are correctly rounded, and float64 (53 bits, more
 * than 2·24 + 2) rounds their float64 results to the same float32, so they equal the eager loop's
 * float64-then-fround. exp, tanh, sin, cos, fma and the imported ops run on the vector's two
 * halves widened to f64x2 (vmath.ts: the two halves' long chains interleave in the graph), each
 * half rounded to float32 as the eager loop's store does, and the halves joined again. (The whole
 * chain in f64x2 halves, every op rounded there, took 1.1–1.3x as long: twice the arithmetic
 * and a round trip through float32 after each op.) Lanes of sin/cos beyond TRIG_LIMIT take the
 * scalar function; as in fastLoop, the main loop only notes them, and when there were any its
 * elements are computed again with the per-half check. The last n mod 4 elements run the same
 * vector code one at a time (splatted, lane 0 stored).
 */
function exactLoop(f: Code, p: Program, ins: readonly In[], i: number, OUT: number, N: number, START: number, imports: string[]): void {
  const splat = ins.map((x) => (x.mode === "s" ? f.local(V128) : -1));
  splat.forEach((l, k) => l >= 0 && f.get(ins[k].ptr).simd(SIMD.f32x4Splat).set(l));
  const big = f.local(V128);
  const trig = p.ops.some((o) => FALLBACK.has(o[0]));
  // (once per value: an op reading it twice, or two ops reading it, share its halves)
  const widened = new WeakMap<VNode, [VNode, VNode]>();
  /** The f64x2 pair (lanes 0–1, lanes 2–3) of an f32x4 value. */
  const halvesOf = (d: VDag, v: VNode): [VNode, VNode] => {
    let h = widened.get(v);
    if (!h) widened.set(v, (h = [d.simd(PROMOTE_LOW, v), d.simd(PROMOTE_LOW, d.node([v, v], () => void f.simd(SHUFFLE).op(...HIGH_HALF)))]));
    return h;
  };
  /** Two f64x2 halves rounded to float32 and joined into one f32x4. */
  const joined = (d: VDag, lo: VNode, hi: VNode): VNode => d.node([d.simd(DEMOTE, lo), d.simd(DEMOTE, hi)], () => void f.simd(SHUFFLE).op(...LOWS));
  /** One half of an op that runs in float64 lanes; `careful`: sin/cos lanes beyond the limit exact. */
  const half = (d: VDag, op: string, xs: VNode[], careful: boolean): VNode => {
    if (op === "fma") return d.simd(S.add, d.simd(S.mul, xs[0], xs[1]), xs[2]);
    if (op === "exp") return exp64(d, xs[0]);
    if (op === "tanh") return tanh64(d, xs[0]);
    if (op === "sin" || op === "cos") {
      const res = sinCos64(d, xs[0], op === "cos");
      const lanes = d.simd(S.gt, d.simd(S.abs, xs[0]), d.f64(TRIG_LIMIT));
      return beyondRange(f, d, big, xs[0], res, lanes, careful, (x) => laneCall(f, op, [x], imports));
    }
    return d.node(xs, () => {
      const ls = xs.map(() => f.local(V128));
      for (let k = ls.length - 1; k >= 0; k--) f.set(ls[k]);
      laneCall(f, op, ls, imports);
    });
  };
  const opNode = (d: VDag, op: string, xs: VNode[], careful: boolean): VNode => {
    if (NATIVE[op]) return d.simd(NATIVE[op].v, ...xs);
    if (op === "square") return d.mul(xs[0], xs[0]);
    if (op === "reciprocal") return d.div(d.f32(1), xs[0]);
    const hs = xs.map((x) => halvesOf(d, x));
    return joined(d, half(d, op, hs.map((h) => h[0]), careful), half(d, op, hs.map((h) => h[1]), careful));
  };
  /** One step: four elements from element i on, or (`one`) element i splatted and lane 0 stored. */
  const step = (careful: boolean, one = false) => {
    const d = new VDag();
    programNodes(f, d, p, ins, splat, {
      load: (k) => void (one ? inAddr(f, ins[k], i).load32Splat(0) : inAddr(f, ins[k], i).v128Load(0)),
      konst: (c) => d.f32(c),
      op: (op, xs) => opNode(d, op, xs, careful),
      store: (y) => {
        addr(f, OUT, i).get(y);
        if (one) f.simd(OP.extract).op(0).f32Store(0);
        else f.v128Store(0);
      },
    });
    d.emit(f);
  };
  const loop = (end: number, elems: number, body: () => void) => stepLoop(f, ins, i, end, elems, body);
  // (a row's length is a multiple of 4 and its position starts at one, so four elements never wrap)
  const n4 = f.local(I32);
  f.get(N).i32(-4).op(0x71).set(n4); // i32.and
  loop(n4, 4, () => step(!trig));
  if (trig) computeAgainIfNoted(f, ins, i, START, big, () => loop(n4, 4, () => step(true)));
  loop(N, 1, () => step(true, true));
}

const S = F64X2;
const PROMOTE_LOW = SIMD.f64x2PromoteLowF32x4;
const DEMOTE = SIMD.f32x4DemoteF64x2Zero;
const SHUFFLE = SIMD.i8x16Shuffle;
/** The low halves of two vectors, joined: lanes 0–1 of the first, then lanes 0–1 of the second. */
const LOWS = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** The runtime's scalar function of `op` on each lane of the inputs: the vector on the stack. */
function laneCall(f: Code, op: string, ins: readonly number[], imports: readonly string[]): void {
  f.f32x4Const(0);
  for (const lane of [0, 1]) {
    for (const l of ins) f.get(l).simd(S.extract).op(lane);
    f.call(imports.indexOf(op));
    // (the vector under construction is below the call's result: replace its lane)
    const t = f.local(V128);
    const v = f.local(0x7c);
    f.set(v).set(t).get(t).get(v).simd(S.replace).op(lane);
  }
}

/** Elements a thread takes at a time in kernShared (a multiple of 4). */
export const FUSED_CHUNK = 8192;

/**
 * kernShared(x_0 … x_{in-1}, out, n, counter): runs kern (function m) on chunks of FUSED_CHUNK
 * elements taken from a counter in memory (i32.atomic.rmw.add) until all n are done. Every
 * thread runs it on the same call: the work balances itself whenever each thread starts.
 * (Chunks are multiples of 4 elements, so no vector runs into another thread's chunk.)
 */
export function sharedKernel(p: Program, modes: string, kernIndex: number): FuncDef {
  const f = new Code(kernParams(modes));
  const ins = inputs(f, modes, false);
  const OUT = ins.next, N = ins.next + 1, COUNTER = ins.next + 2;
  const s = f.local(I32), cnt = f.local(I32);
  f.block(() =>
    f.loop(() => {
      f.get(COUNTER).i32(FUSED_CHUNK).op(0xfe, 0x1e, 2, 0).set(s);
      f.get(s).get(N).i32GeS().brIf(1);
      // cnt = min(FUSED_CHUNK, n − s)
      f.get(N).get(s).i32Sub().set(cnt);
      f.i32(FUSED_CHUNK).get(cnt).get(cnt).i32(FUSED_CHUNK).i32GtS().select().set(cnt);
      // vector inputs and the output from element s on; scalars and rows as they are
      for (const x of ins.list) {
        if (x.mode === "v") f.get(x.ptr).get(s).i32(4).i32Mul().i32Add();
        else if (x.mode === "r") f.get(x.ptr).get(x.len);
        else f.get(x.ptr);
      }
      f.get(OUT).get(s).i32(4).i32Mul().i32Add();
      f.get(cnt).get(s).call(kernIndex);
      f.br(0);
    }),
  );
  return { name: "kernShared", code: f };
}
