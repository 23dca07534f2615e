// Elementwise primitives: unary math, binary arithmetic, comparisons, logical ops, where, fma.
//
// Numerics: every op reads its operands converted to the *compute dtype* (JAX's promotion),
// computes in float64 and stores into the output typed array, which rounds once (Math.fround
// for float32) or wraps (ToInt32 / ToUint32 for int32 / uint32), as XLA's int arithmetic does.
// JS numbers and weakly typed Arrays promote as JAX's weak types (dtype.ts promoteAll).
//
// Ops are rules in a table (SPECS): a promotion category and one scalar function per compute
// kind (float, int, bool); a missing kind is a TypeError, like JAX's "sub does not accept dtype
// bool". Loops are generated once per (op, compute dtype, operand layout) with `new Function`,
// so each op gets its own monomorphic loop in which V8 inlines the scalar function: one loop for
// contiguous same-shape / scalar operands, one strided loop for general broadcasting. Where
// `new Function` is forbidden (a strict CSP), generic closures run instead (slower, same results).

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import type { DType, TypedArray } from "../dtype.js";
import { alloc, castScalar, isFloat, promoteAll, toInexact, weakKindOf, weakKindOfValue } from "../dtype.js";
import type { Shape } from "../shape.js";
import { broadcastShapes, fmtShape, sameShape, sizeOf } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { vectorMath } from "../jit/fused.js";
import { anyOnGpu, deviceHooks } from "../device-hooks.js";

type ScalarFn = (...xs: number[]) => number;

/**
 * How operands are promoted to the compute dtype:
 * - same:    the promoted dtype (add, maximum, comparisons, …)
 * - numeric: the promoted dtype with bool lifted to int32 (power, square: JAX's promote_args_numeric)
 * - inexact: the promoted float dtype, float32 for ints and bool (divide, sqrt, exp, arctan2, …:
 *            JAX's promote_args_inexact)
 * - raw:     no conversion: the scalar function only asks "is it nonzero" (logical ops)
 */
type Promote = "same" | "numeric" | "inexact" | "raw";

interface OpSpec {
  readonly name: string;
  readonly arity: number;
  readonly promote: Promote;
  /** Scalar functions per compute kind: float (any width), int32/uint32, bool. Missing: TypeError. */
  readonly f?: ScalarFn;
  readonly i?: ScalarFn;
  readonly b?: ScalarFn;
  /** Result dtype, when not the compute dtype. */
  readonly out?: DType;
  /** Leading operands that are read raw, outside the promotion (where's condition). */
  readonly rawArgs?: number;
  readonly cache: Map<string, Kernel>;
  /** Hot-path kernels by operand count and vector/scalar pattern, float32 and int32. */
  readonly fast: Kernel[];
  readonly fastInt: Kernel[];
}

function spec(
  name: string,
  arity: number,
  promote: Promote,
  fns: { f?: ScalarFn; i?: ScalarFn; b?: ScalarFn; all?: ScalarFn },
  extra: { out?: DType; rawArgs?: number } = {},
): OpSpec {
  const { all } = fns;
  return {
    name,
    arity,
    promote,
    f: fns.f ?? all,
    i: fns.i ?? all,
    b: fns.b ?? all,
    ...extra,
    cache: new Map(),
    fast: [],
    fastInt: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Scalar functions that differ from a bare Math.* call

/** C's pow (what NumPy and XLA use): pow(1, y) and pow(-1, ±inf) are 1, where JS gives NaN. */
function powf(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/**
 * Integer power by squaring with wrap-around (Math.imul), so int32 results equal JAX's for every
 * exponent that JAX handles. A negative exponent throws, as NumPy does ("Integers to negative
 * integer powers are not allowed").
 */
function ipow(a: number, e: number): number {
  if (e < 0) throw new TypeError(`power: integers to negative integer powers are not allowed (exponent ${e})`);
  let r = 1;
  let b = a;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
    e = Math.floor(e / 2);
  }
  return r;
}

const isqr = (a: number) => Math.imul(a, a);
const isign = (a: number) => (a > 0 ? 1 : a < 0 ? -1 : 0);

// ---------------------------------------------------------------------------------------------
// The rules table

const SPECS = {
  // unary
  negative: spec("negative", 1, "same", { f: (a) => -a, i: (a) => -a }),
  abs: spec("abs", 1, "same", { f: Math.abs, i: Math.abs, b: (a) => a }),
  sign: spec("sign", 1, "same", { f: Math.sign, i: isign }),
  square: spec("square", 1, "numeric", { f: (a) => a * a, i: isqr }),
  reciprocal: spec("reciprocal", 1, "inexact", { f: (a) => 1 / a }),
  sqrt: spec("sqrt", 1, "inexact", { f: Math.sqrt }),
  exp: spec("exp", 1, "inexact", { f: Math.exp }),
  log: spec("log", 1, "inexact", { f: Math.log }),
  log1p: spec("log1p", 1, "inexact", { f: Math.log1p }),
  expm1: spec("expm1", 1, "inexact", { f: Math.expm1 }),
  tanh: spec("tanh", 1, "inexact", { f: Math.tanh }),
  sin: spec("sin", 1, "inexact", { f: Math.sin }),
  cos: spec("cos", 1, "inexact", { f: Math.cos }),
  tan: spec("tan", 1, "inexact", { f: Math.tan }),
  arcsin: spec("arcsin", 1, "inexact", { f: Math.asin }),
  arccos: spec("arccos", 1, "inexact", { f: Math.acos }),
  arctan: spec("arctan", 1, "inexact", { f: Math.atan }),
  sinh: spec("sinh", 1, "inexact", { f: Math.sinh }),
  cosh: spec("cosh", 1, "inexact", { f: Math.cosh }),
  logicalNot: spec("logicalNot", 1, "raw", { all: (a) => (a === 0 ? 1 : 0) }, { out: "bool" }),
  // rounding: integers are already whole
  floor: spec("floor", 1, "same", { f: Math.floor, i: (a) => a }),
  ceil: spec("ceil", 1, "same", { f: Math.ceil, i: (a) => a }),
  trunc: spec("trunc", 1, "same", { f: Math.trunc, i: (a) => a }),

  // binary arithmetic (bool add is or, bool multiply is and, as jnp does)
  add: spec("add", 2, "same", { f: (a, b) => a + b, i: (a, b) => a + b, b: (a, b) => a | b }),
  subtract: spec("subtract", 2, "same", { f: (a, b) => a - b, i: (a, b) => a - b }),
  multiply: spec("multiply", 2, "same", { f: (a, b) => a * b, i: Math.imul, b: (a, b) => a & b }),
  divide: spec("divide", 2, "inexact", { f: (a, b) => a / b }),
  power: spec("power", 2, "numeric", { f: powf, i: ipow }),
  arctan2: spec("arctan2", 2, "inexact", { f: Math.atan2 }),
  maximum: spec("maximum", 2, "same", { all: Math.max }),
  minimum: spec("minimum", 2, "same", { all: Math.min }),
  // C's fmod (JS %): the result has the dividend's sign; an integer divisor of 0 gives 0
  // bitwise (integers and booleans; floats are a TypeError, as JAX's)
  bitwiseAnd: spec("bitwiseAnd", 2, "same", { i: (a, b) => a & b, b: (a, b) => a & b }),
  bitwiseOr: spec("bitwiseOr", 2, "same", { i: (a, b) => a | b, b: (a, b) => a | b }),
  bitwiseXor: spec("bitwiseXor", 2, "same", { i: (a, b) => a ^ b, b: (a, b) => a ^ b }),
  bitwiseNot: spec("bitwiseNot", 1, "same", { i: (a) => ~a, b: (a) => (a ? 0 : 1) }),
  fmod: spec("fmod", 2, "same", { f: (a, b) => a % b, i: (a, b) => (b === 0 ? 0 : a % b) }),
  hypot: spec("hypot", 2, "inexact", { f: Math.hypot }),

  // comparisons → bool
  equal: spec("equal", 2, "same", { all: (a, b) => (a === b ? 1 : 0) }, { out: "bool" }),
  notEqual: spec("notEqual", 2, "same", { all: (a, b) => (a !== b ? 1 : 0) }, { out: "bool" }),
  less: spec("less", 2, "same", { all: (a, b) => (a < b ? 1 : 0) }, { out: "bool" }),
  lessEqual: spec("lessEqual", 2, "same", { all: (a, b) => (a <= b ? 1 : 0) }, { out: "bool" }),
  greater: spec("greater", 2, "same", { all: (a, b) => (a > b ? 1 : 0) }, { out: "bool" }),
  greaterEqual: spec("greaterEqual", 2, "same", { all: (a, b) => (a >= b ? 1 : 0) }, { out: "bool" }),

  // logical → bool (operands are truthy when nonzero; NaN is truthy, as lax.ne(x, 0) says)
  logicalAnd: spec("logicalAnd", 2, "raw", { all: (a, b) => (a !== 0 && b !== 0 ? 1 : 0) }, { out: "bool" }),
  logicalOr: spec("logicalOr", 2, "raw", { all: (a, b) => (a !== 0 || b !== 0 ? 1 : 0) }, { out: "bool" }),

  // ternary
  where: spec("where", 3, "same", { all: (c, a, b) => (c !== 0 ? a : b) }, { rawArgs: 1 }),
  fma: spec("fma", 3, "inexact", { f: (a, b, c) => a * b + c }),
  // AD's balanced_eq for maximum/minimum (not a numpy name: reached through elementwiseOp)
  balancedEq: spec("balancedEq", 3, "inexact", { f: (x, z, y) => (x === z ? (y === z ? 0.5 : 1) : 0) }),
} as const;

/** An elementwise op of the table by name (the AD helpers that are not numpy functions, and fused kernels' eager path). */
export function elementwiseOp(name: string, ...args: ArrayLike[]): NDArray {
  const s = (SPECS as Record<string, OpSpec>)[name];
  if (!s) throw new Error(`tsjax: unknown elementwise op '${name}'`);
  return applyOp(s, args);
}

/** The float32 scalar function of an elementwise op (what a fused kernel computes per element). */
export function scalarF32(name: string): ((...xs: number[]) => number) | undefined {
  return (SPECS as Record<string, OpSpec>)[name]?.f;
}

// ---------------------------------------------------------------------------------------------
// Kernels

/** A compiled loop. Contiguous: (out, n, x0, x1, …); broadcast: (out, shape, X0, S0, X1, S1, …). */
type Kernel = (...args: any[]) => void;

let codegen = true;
let serial = 0;

function compile(src: string, fn: ScalarFn): Kernel | null {
  if (!codegen) return null;
  try {
    // Each loop's source is made distinct: V8 caches `new Function` by its source text, and loops
    // of one layout (every contig_vv) would share one compiled function and its type feedback, so
    // after a few ops had run none of them inlined its scalar function (adam's eager update ran
    // 2-3x slower once five other binary ops had run).
    return new Function("f", `${src}\n// loop ${serial++}`)(fn) as Kernel;
  } catch {
    codegen = false; // eval is forbidden here (CSP): use the generic loops from now on
    return null;
  }
}

/** modes[k]: "v" operand k is a full contiguous array, "s" it is one scalar value. */
function contigKernel(fn: ScalarFn, modes: string): Kernel {
  const k = modes.length;
  const params = Array.from({ length: k }, (_, j) => `x${j}`);
  const args = params.map((p, j) => (modes[j] === "v" ? `${p}[i]` : p));
  const src =
    `"use strict";\nreturn function contig_${modes}(out, n, ${params.join(", ")}) {\n` +
    `  for (let i = 0; i < n; i++) out[i] = f(${args.join(", ")});\n};`;
  const compiled = compile(src, fn);
  if (compiled) return compiled;
  return (out: TypedArray, n: number, ...xs: (TypedArray | number)[]) => {
    const vals = new Array<number>(k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) vals[j] = modes[j] === "v" ? (xs[j] as TypedArray)[i] : (xs[j] as number);
      out[i] = fn(...vals);
    }
  };
}

/**
 * Strided broadcast loop over a (coalesced) output shape of rank ≥ 1: operand k is read at
 * Σ idx[d]·S_k[d] (stride 0 on broadcast axes); the innermost axis is a tight loop.
 */
function broadcastKernel(fn: ScalarFn, k: number): Kernel {
  const js = Array.from({ length: k }, (_, j) => j);
  const params = js.map((j) => `X${j}, S${j}`).join(", ");
  const src = `"use strict";
return function broadcast_${k}(out, shape, ${params}) {
  const nd = shape.length, last = shape[nd - 1], n = out.length;
  ${js.map((j) => `const t${j} = S${j}[nd - 1];`).join(" ")}
  const idx = new Int32Array(nd);
  ${js.map((j) => `let p${j} = 0;`).join(" ")}
  let o = 0;
  while (o < n) {
    for (let m = 0${js.map((j) => `, q${j} = p${j}`).join("")}; m < last; m++${js.map((j) => `, q${j} += t${j}`).join("")})
      out[o++] = f(${js.map((j) => `X${j}[q${j}]`).join(", ")});
    for (let d = nd - 2; d >= 0; d--) {
      ${js.map((j) => `p${j} += S${j}[d];`).join(" ")}
      if (++idx[d] < shape[d]) break;
      ${js.map((j) => `p${j} -= S${j}[d] * shape[d];`).join(" ")}
      idx[d] = 0;
    }
  }
};
`;
  const compiled = compile(src, fn);
  if (compiled) return compiled;
  return (out: TypedArray, shape: number[], ...xs: (TypedArray | number[])[]) => {
    const nd = shape.length;
    const idx = new Array<number>(nd).fill(0);
    const vals = new Array<number>(k);
    for (let o = 0; o < out.length; o++) {
      for (let j = 0; j < k; j++) {
        const S = xs[2 * j + 1] as number[];
        let p = 0;
        for (let d = 0; d < nd; d++) p += idx[d] * S[d];
        vals[j] = (xs[2 * j] as TypedArray)[p];
      }
      out[o] = fn(...vals);
      for (let d = nd - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
  };
}

function getKernel(s: OpSpec, key: string, make: () => Kernel): Kernel {
  let kern = s.cache.get(key);
  if (kern === undefined) {
    kern = make();
    s.cache.set(key, kern);
  }
  return kern;
}

// ---------------------------------------------------------------------------------------------
// Operands, promotion, dispatch

interface Operand {
  arr: NDArray | null; // null: a weakly typed JS scalar
  weak: number | boolean;
  shape: Shape;
}

function toOperand(x: ArrayLike, op: string): Operand {
  if (typeof x === "number" || typeof x === "boolean") return { arr: null, weak: x, shape: [] };
  const arr = asArray(x, op);
  return { arr, weak: 0, shape: arr.shape };
}

/** JAX's promotion of the operands (dtype.ts promoteAll): an Array's dtype and weakness, a JS value's weak kind. */
function promoteOperands(ops: readonly Operand[]): { dtype: DType; weak: boolean } {
  return promoteAll(ops.map((o) => (o.arr ? { dtype: o.arr.dtype, weak: o.arr.weakType ? weakKindOf(o.arr.dtype) : null } : { dtype: null, weak: weakKindOfValue(o.weak) })));
}

function shapesOf(ops: readonly Operand[]): string {
  return ops.length === 1 ? `shape ${fmtShape(ops[0].shape)}` : `shapes ${ops.map((o) => fmtShape(o.shape)).join(" and ")}`;
}

/** A weak scalar's value in the compute dtype; like JAX, an out-of-range integer is an error. */
function weakValue(op: string, v: number | boolean, cd: DType | "raw"): number {
  const x = typeof v === "boolean" ? +v : v;
  if (cd === "raw") return x;
  if (cd === "int32" && !(x >= -2147483648 && x <= 2147483647))
    throw new TypeError(`${op}: number ${x} is out of range for int32`);
  if (cd === "uint32" && !(x >= 0 && x <= 4294967295)) throw new TypeError(`${op}: number ${x} is out of range for uint32`);
  return castScalar(x, cd);
}

/** Broadcast strides of an input shape against the output shape (0 on broadcast axes). */
function bstrides(inShape: Shape, outShape: Shape): number[] {
  const nd = outShape.length;
  const off = nd - inShape.length;
  const st = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let d = inShape.length - 1; d >= 0; d--) {
    st[d + off] = inShape[d] === 1 ? 0 : acc;
    acc *= inShape[d];
  }
  return st;
}

/**
 * The eager hot path: float32 Arrays of one shape, with JS numbers (weak, rounded to float32).
 * Same result as the general path below, without its per-call bookkeeping (small arrays are
 * dominated by it). Returns null when the operands need the general path.
 */
function fastF32(s: OpSpec, args: readonly ArrayLike[]): NDArray | null {
  if (s.promote === "raw" || s.rawArgs || !s.f) return null;
  let shape: number[] | null = null;
  // operand j is a vector when bit j of `vec` is set, a scalar otherwise
  let vec = 0;
  const k = args.length;
  let x0: TypedArray | number = 0, x1: TypedArray | number = 0, x2: TypedArray | number = 0;
  let hasF32 = false, hasBool = false, intWeak = true, strongF32 = false;
  for (let j = 0; j < k; j++) {
    const x = args[j];
    let v: TypedArray | number;
    if (typeof x === "number") {
      v = x;
      if (!Number.isInteger(x) || x < -2147483648 || x > 2147483647) intWeak = false;
    } else if (x instanceof NDArray && (x.dtype === "float32" || x.dtype === "bool" || (x.dtype === "int32" && exactInF32(x.data)))) {
      // bool storage (0/1) reads the same as float32 once a float32 operand makes float32 the dtype
      if (x.dtype === "float32") {
        hasF32 = true;
        if (!x.weakType) strongF32 = true;
      } else if (x.dtype === "bool") hasBool = true;
      else intWeak = false; // an int32 operand (weak or not) only joins float32 math (JAX converts it first: exact here)
      if (x.ndim === 0 && x.dtype === "float32") v = x.data[0];
      else {
        if (shape === null) shape = x.shape;
        else if (!sameShape(shape, x.shape)) return null;
        v = x.data;
        vec |= 1 << j;
      }
    } else return null;
    if (j === 0) x0 = v;
    else if (j === 1) x1 = v;
    else x2 = v;
  }
  const key = vec | (k << 3);
  let kern: Kernel | undefined;
  let outDtype: DType;
  // (a weak float32 Array joins bool and int32 as a weak float32; numbers keep a weak result weak)
  let weak = !strongF32;
  if (hasF32) {
    // weak numbers round to float32 first
    if (typeof x0 === "number") x0 = Math.fround(x0);
    if (typeof x1 === "number") x1 = Math.fround(x1);
    if (typeof x2 === "number") x2 = Math.fround(x2);
    outDtype = s.out ?? "float32";
    if (s.out) weak = false;
    kern = s.fast[key] ??= contigKernel(s.f!, modesOf(vec, k));
  } else if (hasBool && intWeak && shape !== null && vec !== (1 << k) - 1 && s.promote !== "inexact" && s.i && !s.out) {
    // bool with integral JS numbers under arithmetic is int32 (`1 - mask`), as in JAX
    outDtype = "int32"; // bool + i* is i*: weak
    weak = true;
    kern = s.fastInt[key] ??= contigKernel(s.i, modesOf(vec, k));
  } else return null;
  if (shape === null) shape = [];
  const n = sizeOf(shape);
  const out = outDtype === "float32" ? new Float32Array(n) : alloc(outDtype, n);
  if (k === 1) kern(out, n, x0);
  else if (k === 2) kern(out, n, x0, x1);
  else kern(out, n, x0, x1, x2);
  return new NDArray(out, shape, outDtype, weak);
}

/** Small int32 arrays whose values float32 holds exactly read the same converted or not. */
function exactInF32(d: TypedArray): boolean {
  if (d.length > 64) return false;
  for (let i = 0; i < d.length; i++) if (d[i] > 16777216 || d[i] < -16777216) return false;
  return true;
}

/** "v" for a vector operand, "s" for a scalar, per operand (the kernel's specialisation). */
function modesOf(vec: number, k: number): string {
  let m = "";
  for (let j = 0; j < k; j++) m += vec & (1 << j) ? "v" : "s";
  return m;
}

function applyOp(s: OpSpec, args: readonly ArrayLike[], name: string = s.name): NDArray {
  // an operand on the GPU: the op as one GPU kernel where the GPU has it
  if (anyOnGpu(args)) {
    const r = deviceHooks()!.elementwise(s.name, args);
    if (r) return r;
  }
  if (args.length <= 3) {
    const fast = fastF32(s, args);
    if (fast) return fast;
  }
  const ops = args.map((x) => toOperand(x, name));
  const shape = broadcastShapes(name, ...ops.map((o) => o.shape));

  // Compute dtype and the scalar function for it.
  const raw = s.promote === "raw" ? ops.length : (s.rawArgs ?? 0);
  let cd: DType | "raw" = "raw";
  let weak = false;
  if (raw < ops.length) {
    const p = promoteOperands(ops.slice(raw));
    const d = p.dtype;
    weak = p.weak && !s.out;
    cd = s.promote === "inexact" ? toInexact(d) : s.promote === "numeric" && d === "bool" ? "int32" : d;
  }
  const fn = cd === "raw" ? s.f : isFloat(cd) ? s.f : cd === "bool" ? s.b : s.i;
  if (!fn) throw new TypeError(`${name}: does not accept dtype ${cd} (got ${shapesOf(ops)})`);
  const outDtype: DType = s.out ?? (cd === "raw" ? "bool" : cd);

  // Operand values in the compute dtype.
  const xs: (TypedArray | number)[] = new Array(ops.length);
  for (let j = 0; j < ops.length; j++) {
    const o = ops[j];
    if (o.arr === null) xs[j] = weakValue(name, o.weak, j < raw ? "raw" : cd);
    else {
      // bool storage (0/1) reads the same in every dtype: no conversion needed.
      const conv = j < raw || o.arr.dtype === cd || o.arr.dtype === "bool" ? o.arr : astype(o.arr, cd as DType);
      xs[j] = conv.size === 1 ? conv.data[0] : conv.data;
    }
  }

  const n = sizeOf(shape);
  const out = alloc(outDtype, n);
  if (n > 0) {
    let modes = "";
    for (let j = 0; j < ops.length; j++) {
      modes += typeof xs[j] === "number" ? "s" : sameShape(ops[j].shape, shape) ? "v" : "b";
    }
    if (!modes.includes("b")) {
      getKernel(s, `${cd}:${modes}`, () => contigKernel(fn, modes))(out, n, ...xs);
    } else {
      broadcastCall(s, cd, fn, out, shape, ops, xs);
    }
  }
  return new NDArray(out, shape, outDtype, weak);
}

/** Drops unit axes and merges axes that every operand walks contiguously, then runs the strided loop. */
function broadcastCall(
  s: OpSpec,
  cd: string,
  fn: ScalarFn,
  out: TypedArray,
  shape: Shape,
  ops: readonly Operand[],
  xs: (TypedArray | number)[],
): void {
  const k = ops.length;
  const strides = ops.map((o, j) => (typeof xs[j] === "number" ? new Array<number>(shape.length).fill(0) : bstrides(o.shape, shape)));
  const cshape: number[] = [];
  const cstr: number[][] = ops.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = cshape.length - 1;
    if (last >= 0 && strides.every((st, j) => cstr[j][last] === st[d] * shape[d])) {
      cshape[last] *= shape[d];
      for (let j = 0; j < k; j++) cstr[j][last] = strides[j][d];
    } else {
      cshape.push(shape[d]);
      for (let j = 0; j < k; j++) cstr[j].push(strides[j][d]);
    }
  }
  const args: unknown[] = [out, cshape];
  for (let j = 0; j < k; j++) {
    const x = xs[j];
    args.push(typeof x === "number" ? Float64Array.of(x) : x, cstr[j]);
  }
  getKernel(s, `${cd}:b${k}`, () => broadcastKernel(fn, k))(...args);
}

// ---------------------------------------------------------------------------------------------
// Public functions

/** −a. bool is a TypeError (as in JAX); ints wrap (−(−2³¹) is −2³¹). */
export function negative(a: ArrayLike): NDArray {
  return applyOp(SPECS.negative, [a]);
}
/** |a|; bool and uint32 unchanged, int32 wraps at −2³¹. */
export function abs(a: ArrayLike): NDArray {
  return applyOp(SPECS.abs, [a]);
}
export { abs as absolute };
/** −1, 0 or 1 (NaN stays NaN, ±0 stays ±0); keeps int dtypes; bool is a TypeError as in JAX. */
export function sign(a: ArrayLike): NDArray {
  return applyOp(SPECS.sign, [a]);
}
/** a²; bool becomes int32, ints wrap. */
export function square(a: ArrayLike): NDArray {
  return applyOp(SPECS.square, [a]);
}
/** 1 / a, in float32 (ints and bool promote). */
export function reciprocal(a: ArrayLike): NDArray {
  return applyOp(SPECS.reciprocal, [a]);
}
export function sqrt(a: ArrayLike): NDArray {
  return applyOp(SPECS.sqrt, [a]);
}
// (large float32 Arrays: the jit's vector kernel, so eager and jit'd results are the same bits)
export function exp(a: ArrayLike): NDArray {
  return vectorMath("exp", a) ?? applyOp(SPECS.exp, [a]);
}
export function log(a: ArrayLike): NDArray {
  return applyOp(SPECS.log, [a]);
}
export function log1p(a: ArrayLike): NDArray {
  return applyOp(SPECS.log1p, [a]);
}
export function expm1(a: ArrayLike): NDArray {
  return applyOp(SPECS.expm1, [a]);
}
export function tanh(a: ArrayLike): NDArray {
  return vectorMath("tanh", a) ?? applyOp(SPECS.tanh, [a]);
}
export function sin(a: ArrayLike): NDArray {
  return vectorMath("sin", a) ?? applyOp(SPECS.sin, [a]);
}
export function cos(a: ArrayLike): NDArray {
  return vectorMath("cos", a) ?? applyOp(SPECS.cos, [a]);
}
export function tan(a: ArrayLike): NDArray {
  return applyOp(SPECS.tan, [a]);
}
export function arcsin(a: ArrayLike): NDArray {
  return applyOp(SPECS.arcsin, [a]);
}
export function arccos(a: ArrayLike): NDArray {
  return applyOp(SPECS.arccos, [a]);
}
export function arctan(a: ArrayLike): NDArray {
  return applyOp(SPECS.arctan, [a]);
}
export function sinh(a: ArrayLike): NDArray {
  return applyOp(SPECS.sinh, [a]);
}
export function cosh(a: ArrayLike): NDArray {
  return applyOp(SPECS.cosh, [a]);
}
/** Rounds down; integer dtypes unchanged. */
export function floor(a: ArrayLike): NDArray {
  return applyOp(SPECS.floor, [a]);
}
/** Rounds up; integer dtypes unchanged. */
export function ceil(a: ArrayLike): NDArray {
  return applyOp(SPECS.ceil, [a]);
}
/** Rounds toward zero; integer dtypes unchanged. */
export function trunc(a: ArrayLike): NDArray {
  return applyOp(SPECS.trunc, [a]);
}
/** True where a is zero (NaN is nonzero). Any dtype. */
export function logicalNot(a: ArrayLike): NDArray {
  return applyOp(SPECS.logicalNot, [a]);
}

/** a + b; for two bools, logical or (as jnp.add). */
export function add(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.add, [a, b]);
}
/** a − b; bool − bool is a TypeError (as in JAX). */
export function subtract(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.subtract, [a, b]);
}
/** a · b; for two bools, logical and (as jnp.multiply); ints wrap. */
export function multiply(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.multiply, [a, b]);
}
/** True division: the result is float32 whatever the operand dtypes. */
export function divide(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.divide, [a, b]);
}
export { divide as trueDivide };
/**
 * a ** b. Floats use C's pow (pow(1, NaN) = 1). Ints (and bools, which promote to int32) use
 * exact power by squaring with wrap-around; a negative integer exponent throws a TypeError,
 * like NumPy ("Integers to negative integer powers are not allowed"); JAX does not raise there.
 */
export function power(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.power, [a, b]);
}
/** atan2(a, b) in float32. */
export function arctan2(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.arctan2, [a, b]);
}
/** Bitwise AND of integers (logical AND of booleans). */
export function bitwiseAnd(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.bitwiseAnd, [a, b]);
}
/** Bitwise OR of integers (logical OR of booleans). */
export function bitwiseOr(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.bitwiseOr, [a, b]);
}
/** Bitwise XOR of integers (logical XOR of booleans). */
export function bitwiseXor(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.bitwiseXor, [a, b]);
}
/** Bitwise NOT of integers (logical NOT of booleans); also `invert`. */
export function bitwiseNot(a: ArrayLike): NDArray {
  return applyOp(SPECS.bitwiseNot, [a]);
}
export { bitwiseNot as invert };

/** C's fmod (JS's %): the remainder with the dividend's sign, as jnp.fmod. */
export function fmod(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.fmod, [a, b]);
}
/** √(a² + b²) without overflow, in float32. */
export function hypot(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.hypot, [a, b]);
}
/** Elementwise max; NaN propagates (as jnp.maximum). */
export function maximum(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.maximum, [a, b]);
}
/** Elementwise min; NaN propagates (as jnp.minimum). */
export function minimum(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.minimum, [a, b]);
}
/** `clip(a, min, max)` = minimum(max, maximum(min, a)) as jnp.clip; either bound may be omitted. */
export function clip(a: ArrayLike, min?: ArrayLike | null, max?: ArrayLike | null): NDArray {
  let r: ArrayLike = a;
  if (min !== undefined && min !== null) r = applyOp(SPECS.maximum, [min, r], "clip");
  if (max !== undefined && max !== null) r = applyOp(SPECS.minimum, [max, r], "clip");
  return asArray(r, "clip");
}

export function equal(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.equal, [a, b]);
}
export function notEqual(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.notEqual, [a, b]);
}
export function less(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.less, [a, b]);
}
export function lessEqual(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.lessEqual, [a, b]);
}
export function greater(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.greater, [a, b]);
}
export function greaterEqual(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.greaterEqual, [a, b]);
}
export function logicalAnd(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.logicalAnd, [a, b]);
}
export function logicalOr(a: ArrayLike, b: ArrayLike): NDArray {
  return applyOp(SPECS.logicalOr, [a, b]);
}

/** x where cond is nonzero, else y: cond, x and y broadcast together; x and y promote. */
export function where(cond: ArrayLike, x: ArrayLike, y: ArrayLike): NDArray {
  return applyOp(SPECS.where, [cond, x, y]);
}

/**
 * a·b + c with one rounding to float32 (the product and sum are computed in float64, exact for
 * the product of two float32 values, then rounded once): the fused multiply-add of XLA's
 * fused code, used by the tanh derivative rule.
 */
export function fma(a: ArrayLike, b: ArrayLike, c: ArrayLike): NDArray {
  return applyOp(SPECS.fma, [a, b, c]);
}
