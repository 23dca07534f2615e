// What generated code calls: every primitive (the same functions as jnp.*), plus the
// AD plumbing the derivative rules use (broadcast/reduce adjoints, seeds, input checks).
// Each helper here is itself a primitive with a rule in transformer/rules/vjp.ts.

import { asFloat, floatDTypeOf } from "./dtype-cast.js";
import { NDArray } from "./array.js";
import type { ArrayLike, Axis, ReduceOpts, SliceSpec } from "./array.js";
import { broadcastShapes, fmtShape, normAxes, sameShape, sizeOf } from "./shape.js";
import { asArray, astype, ones, zeros } from "./numpy/creation.js";
import { isFloat } from "./dtype.js";
import { add, divide, elementwiseOp, equal, multiply, where } from "./numpy/elementwise.js";
import { sum, sumToShape } from "./numpy/reduce.js";
import { matmul, matmul2dT, productShape } from "./numpy/linalg.js";
import { broadcastTo, concatenate, expandDims, reshape, stack, transpose } from "./numpy/shape.js";
import * as ix from "./numpy/indexing.js";

export * from "./numpy/creation.js";
export * from "./numpy/elementwise.js";
export * from "./numpy/reduce.js";
export * from "./numpy/linalg.js";
export * from "./numpy/shape.js";
export * from "./numpy/arrange.js";
export { inv, det, slogdetSign, logAbsDet, solve, choleskyLower } from "./numpy/la.js";
export { einsum } from "./numpy/einsum.js";
export * from "./lax/kernels.js";
export { eighW, eighV, svdS, svdU, svdVt, qrQ, qrR, triSolve, pinvOf, matrixRank, luFactors, luPivots, luPermutation, gradShapeCheck } from "./numpy/decomp.js";
export { cpack, dft, rdft, irdft, fftRoll } from "./fft-core.js";
export { fftfreq, rfftfreq } from "./numpy/fft.js";
export { erf, erfc, erfinv, gammaln, digamma, polygamma } from "./numpy/special.js";
export { index, slice, take } from "./numpy/indexing.js";
export { moreIdx, tdot, tdotGradA, tdotGradB, diagOp, diagOpT, alongAxis, moreEager } from "./numpy/more-prims.js";
export { stopGradient } from "./transforms.js";
export { mchain, mdotEnd, mdotDrop } from "./numpy/multidot.js";
export { diffStep } from "./numpy/diff-step.js";
export { bitcastConvertType } from "./lax/bitcast.js";
export { cumprodTangent2, cumprodT2 } from "./numpy/cumprod-grad2.js";
export { luL, luU, luLT, luUT, rowsPerm, rowsPermT } from "./numpy/lu-parts.js";
export { rankAtMost } from "./numpy/rank-check.js";
export { castAs } from "./dtype-cast.js";

/** `throw new <name>(...args)` from generated code (a global error class: Error, TypeError, RangeError). */
export function raise(name: string, ...args: unknown[]): never {
  const Ctor = (globalThis as unknown as Record<string, new (...a: unknown[]) => Error>)[name];
  throw new Ctor(...args);
}
export { vjpOf, linearizeOf, jacfwdOf, jacrevOf, jacfwdBatchedOf, jacrevBatchedOf, jacSize, jacBasis, jacStack, jacUnstack } from "./jacobian.js";
export { vmapSize, vIn, vOut, vBcast, vAlign, vAxes, vReshape, vReshapeLike, vBroadcastTo, vMatmul, vMatmulGradA, vMatmulGradB, vAny, vTake, vTakeTranspose, vTapePush, vTapePop } from "./batching.js";
export { fused, FUSED_MIN_SIZE } from "./jit/fused.js";

type N = NDArray | number;

// (cotangents take the primal's float dtype; ints and bool become float32)
const f32 = asFloat;

/** Sum a cotangent back down to the shape (and number-ness) of the operand it belongs to. */
export function unbroadcast(g: N, like: N): N {
  if (typeof like === "number") return typeof g === "number" ? g : (sum(g).item() as number);
  if (typeof g === "number") return reshape(asArray(g), like.shape);
  if (sameShape(g.shape, like.shape)) return g;
  return like.ndim === 0 ? sum(g) : sumToShape(g, like.shape);
}

/** unbroadcast(g, kind(a, b)) without the product: its shape is all unbroadcast reads (the jit's shape pass). */
export function unbroadcastProduct(g: N, a: ArrayLike, b: ArrayLike, kind: "matmul" | "dot"): N {
  const shape = productShape(kind, a, b);
  if (typeof g === "number") return reshape(asArray(g), shape);
  if (sameShape(g.shape, shape)) return g;
  return shape.length === 0 ? sum(g) : sumToShape(g, shape);
}

/** Broadcast a cotangent up to the shape (and number-ness) of `like`. */
export function broadcastLike(g: N, like: N): N {
  if (typeof like === "number") return typeof g === "number" ? g : (reshape(g, []).item() as number);
  // (a weak g, as the seed 1, takes like's float dtype: a float64 output's cotangent is float64)
  const g0 = asArray(g);
  const a = g0.weakType ? astype(g0, floatDTypeOf(like)) : f32(g0);
  return sameShape(a.shape, like.shape) ? a : broadcastTo(a, like.shape);
}

/** The adjoint of a reduction: re-insert the reduced axes and broadcast back to x's shape. */
export function unreduce(g: NDArray, x: N, axis?: Axis, opts?: ReduceOpts): NDArray {
  // hot path: a whole-array reduction's cotangent is one value spread over x
  if ((axis === undefined || axis === null) && g.size === 1 && x instanceof NDArray && g.dtype === "float32")
    return new NDArray(new Float32Array(x.size).fill(g.data[0]), x.shape, "float32");
  const xa = asArray(x);
  const axes = normAxes("grad", axis, xa.shape);
  const kept = opts?.keepdims ? g : expandDims(g, axes);
  return broadcastTo(kept, xa.shape);
}

/** How many elements each output of a reduction over `axis` averaged. */
export function reduceCount(x: N, axis?: Axis): number {
  const xa = asArray(x);
  return normAxes("mean", axis, xa.shape).reduce((n, a) => n * xa.shape[a], 1);
}

/** var's `ddof` option (0 when absent). */
export function ddofOf(opts?: { ddof?: number }): number {
  return opts?.ddof ?? 0;
}

/** Where x attains its max/min y, 1/count (ties share the gradient, as JAX does). */
export function maxMask(x: N, y: NDArray, axis?: Axis, opts?: ReduceOpts): NDArray {
  const m = f32(equal(x, unreduce(y, x, axis, opts)));
  const cnt = unreduce(sum(m, axis, opts), x, axis, opts);
  return divide(m, cnt);
}

/** JAX's balanced_eq for max/min: 1 where x alone is the result, 0.5 where both tie. */
export function balancedEq(x: N, z: N, y: N): N {
  if (typeof x === "number" && typeof z === "number" && typeof y === "number") return x === z ? (y === z ? 0.5 : 1) : 0;
  return elementwiseOp("balancedEq", x, z, y);
}

/** The output cotangent 1, after JAX's checks that the output is a real scalar. */
export function seed(y: N, api = "grad"): N {
  if (typeof y === "number") return 1;
  if (!(y instanceof NDArray)) throw new TypeError(`${api}: the function must return a number or an Array, got ${describe(y)}`);
  if (y.ndim !== 0)
    throw new TypeError(`${api}: Gradient only defined for scalar-output functions. Output had shape: ${fmtShape(y.shape)}.`);
  if (!isFloat(y.dtype))
    throw new TypeError(`${api} needs a float output to differentiate, but the function returned ${y.dtype} (convert it with .astype("float32"), or return a float value).`);
  return ones([], { dtype: y.dtype });
}

/** JAX refuses integer and boolean inputs at differentiated positions. */
export function checkGradInput(x: unknown, api = "grad"): void {
  if (typeof x === "number") return;
  if (!(x instanceof NDArray)) throw new TypeError(`${api}: expected a number or an Array at a differentiated position, got ${describe(x)}`);
  if (!isFloat(x.dtype))
    throw new TypeError(
      `${api} differentiates with respect to float Arrays (float32, float64, float16) and numbers, but got ${x.dtype.startsWith("i") ? "an" : "a"} ${x.dtype} Array. ` +
        `To differentiate at integer or boolean values, convert them with .astype("float32").`,
    );
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return `a JS array of length ${x.length}`;
  return typeof x === "object" ? `an object (${Object.prototype.toString.call(x)})` : `${typeof x} ${String(x)}`;
}

/** Zeros shaped like x (a number, or a value never computed on this path, gives 0). */
export function zerosLike(x: N): N {
  return x instanceof NDArray ? zeros(x.shape, { dtype: floatDTypeOf(x) }) : 0;
}
export function onesLike(x: N): N {
  return x instanceof NDArray ? ones(x.shape, { dtype: floatDTypeOf(x) }) : 1;
}
export function toArray(x: ArrayLike): NDArray {
  return asArray(x);
}
export function item(x: N): number {
  if (typeof x === "number") return x;
  return Number(x.item());
}
export function reshapeLike(x: N, like: N): N {
  if (typeof like === "number") return item(x);
  return reshape(x, like.shape);
}
export function untranspose(g: NDArray, axes?: readonly number[] | null): NDArray {
  if (!axes) return transpose(g);
  const inv = new Array<number>(axes.length);
  axes.forEach((a, i) => (inv[a < 0 ? a + axes.length : a] = i));
  return transpose(g, inv);
}

// ---- adjoints of dot and matmul (bilinear) ------------------------------------------------

/** Cotangent of `a` in dot(a, b): contract g with b over b's non-contracted axes. */
export function dotGradA(g: N, a: N, b: N): NDArray {
  const [A, B, G] = [asArray(a), asArray(b), asArray(g)];
  if (A.ndim === 0 || B.ndim === 0) return unbroadcast(multiply(G, B), A) as NDArray;
  const k = A.shape[A.ndim - 1];
  const M = sizeOf(A.shape) / k;
  if (B.ndim === 1) return reshape(multiply(reshape(G, [M, 1]), reshape(B, [1, k])), A.shape);
  const n = B.shape[B.ndim - 1];
  const Bb = sizeOf(B.shape) / (k * n);
  // b: (Bb, k, n) → (k, Bb, n) → (k, Bb·n); g: (M, Bb·n); ga = g @ b'ᵀ
  const b2 = reshape(transpose(reshape(B, [Bb, k, n]), [1, 0, 2]), [k, Bb * n]);
  return reshape(matmul(reshape(G, [M, Bb * n]), transpose(b2)), A.shape);
}

/** Cotangent of `b` in dot(a, b). */
export function dotGradB(g: N, a: N, b: N): NDArray {
  const [A, B, G] = [asArray(a), asArray(b), asArray(g)];
  if (A.ndim === 2 && B.ndim === 1 && G.ndim === 1 && A.dtype === "float32" && G.dtype === "float32") {
    // hot path (matrix · vector): gb[k] = Σ_m g[m]·A[m, k], accumulated in float64 like dot
    const [M, K] = A.shape;
    const ad = A.data, gd = G.data;
    const out = new Float32Array(K);
    for (let k = 0; k < K; k++) {
      let acc = 0;
      for (let m = 0; m < M; m++) acc += gd[m] * ad[m * K + k];
      out[k] = acc;
    }
    return new NDArray(out, [K], "float32");
  }
  if (A.ndim === 0 || B.ndim === 0) return unbroadcast(multiply(A, G), B) as NDArray;
  const k = A.shape[A.ndim - 1];
  const M = sizeOf(A.shape) / k;
  const a2 = reshape(A, [M, k]);
  if (B.ndim === 1) return reshape(matmul(reshape(G, [1, M]), a2), B.shape);
  const n = B.shape[B.ndim - 1];
  const Bb = sizeOf(B.shape) / (k * n);
  const gb = matmul(transpose(a2), reshape(G, [M, Bb * n])); // (k, Bb·n)
  return reshape(transpose(reshape(gb, [k, Bb, n]), [1, 0, 2]), B.shape);
}

function swapLast(x: NDArray): NDArray {
  const p = x.shape.map((_, i) => i);
  [p[p.length - 2], p[p.length - 1]] = [p[p.length - 1], p[p.length - 2]];
  return transpose(x, p);
}

/** matmul with 1-d operands promoted to matrices, and g reshaped to match. */
function promoted(g: N, a: N, b: N): [NDArray, NDArray, NDArray] {
  let [A, B] = [asArray(a), asArray(b)];
  if (A.ndim === 1) A = reshape(A, [1, A.shape[0]]);
  if (B.ndim === 1) B = reshape(B, [B.shape[0], 1]);
  // (the product's shape: batch dimensions broadcast, then M × N; g has that many elements)
  const batch = broadcastShapes("matmul", A.shape.slice(0, -2), B.shape.slice(0, -2));
  const G = reshape(asArray(g), [...batch, A.shape[A.ndim - 2], B.shape[B.ndim - 1]]);
  return [G, A, B];
}

/** Plain float32 matrices: the adjoints read their transposed operand in place (matmul2dT). */
const plain2d = (...xs: NDArray[]) => xs.every((x) => x.ndim === 2 && x.dtype === "float32");

export function matmulGradA(g: N, a: N, b: N): NDArray {
  const [G, A, B] = promoted(g, a, b);
  if (plain2d(G, A, B)) return reshape(matmul2dT(G, B, false, true), asArray(a).shape);
  return reshape(sumToShape(matmul(G, swapLast(B)), A.shape), asArray(a).shape);
}

export function matmulGradB(g: N, a: N, b: N): NDArray {
  const [G, A, B] = promoted(g, a, b);
  if (plain2d(G, A, B)) return reshape(matmul2dT(A, G, true, false), asArray(b).shape);
  return reshape(sumToShape(matmul(swapLast(A), G), B.shape), asArray(b).shape);
}

// ---- indexing adjoints: scatter into zeros of the operand's shape ------------------------

export function indexTranspose(g: N, x: N, i: number): NDArray {
  return ix.indexTranspose(g, asArray(x).shape, i);
}
export function sliceTranspose(g: N, x: N, ...specs: SliceSpec[]): NDArray {
  return ix.sliceTranspose(g, asArray(x).shape, specs);
}
export function takeTranspose(g: N, x: N, indices: ArrayLike, axis?: number | null): NDArray {
  return ix.takeTranspose(g, indices, axis, asArray(x).shape);
}

/**
 * Runs `f` on each fiber of `arrays` (same shape) along `axis`: the fibers' elements are
 * contiguous in the copies `f` gets (offset b, length n); what `f` writes to `out` comes back in
 * the arrays' layout.
 */
type Floats = Float32Array | Float64Array;
function alongAxes(name: string, arrays: NDArray[], axis: Axis | undefined, f: (src: Floats[], out: Floats, b: number, n: number) => void): NDArray {
  // (float64 in float64; float32 and float16 in float32, float16 rounded on construction)
  const dtype = arrays[0].dtype === "float64" ? "float64" : arrays[0].dtype === "float16" ? "float16" : "float32";
  const F = dtype === "float64" ? Float64Array : Float32Array;
  const shape = arrays[0].shape;
  const size = arrays[0].size;
  const axes = normAxes(name, axis, shape);
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = arrays.map((a) => transpose(a, perm));
  const n = axes.reduce((p, a) => p * shape[a], 1);
  const rows = n === 0 ? 0 : size / n;
  const src = moved.map((m) => (size ? F.from(reshape(m, [size]).data as Floats) : new F(0)));
  const out = new F(size);
  for (let r = 0; r < rows; r++) f(src, out, r * n, n);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return transpose(new NDArray(out, moved[0].shape, dtype), inv);
}

/** out[b+k] = the product of v[b+j] for j ≠ k, by prefix and suffix products (exact with zeros). */
function othersProduct(v: Floats, out: Floats, b: number, n: number): void {
  let acc = 1;
  for (let k = 0; k < n; k++) {
    out[b + k] = acc; // product of the elements before k
    acc *= v[b + k];
  }
  acc = 1;
  for (let k = n - 1; k >= 0; k--) {
    out[b + k] = out[b + k] * acc; // times the product of those after k
    acc *= v[b + k];
  }
}

/**
 * JS's Math.round elementwise (halves toward +∞): the Array form of the `Math.round` primitive.
 * Not NumPy's round (halves to even), so not part of jnp. Integer dtypes are unchanged.
 */
export function jsRound(x: N): NDArray {
  const a = asArray(x);
  return isFloat(a.dtype) ? new NDArray((a.data as Float32Array).map(Math.round), a.shape, a.dtype) : a;
}

/** For prod's adjoint: at each element, the product of the others along `axis` (exact with zeros). */
export function prodOthers(x: N, axis?: Axis): NDArray {
  return alongAxes("prod", [f32(asArray(x))], axis, ([v], out, b, n) => othersProduct(v, out, b, n));
}

/**
 * The adjoint of prodOthers: ct_k = Σ_{i≠k} g_i ∏_{j∉{i,k}} x_j along `axis` (prod's second
 * derivative). For each k, the products of the others with x_k set to 1; O(n²) per fiber.
 */
export function prodOthersVjp(g: N, x: N, axis?: Axis): NDArray {
  const xa = f32(asArray(x));
  const ga = f32(broadcastTo(asArray(g), xa.shape));
  return alongAxes("prod", [xa, ga], axis, ([v, gv], out, b, n) => {
    const w = new Float64Array(n), others = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      w.set(v.subarray(b, b + n));
      w[k] = 1;
      othersProduct(w, others, 0, n);
      let acc = 0;
      for (let i = 0; i < n; i++) if (i !== k) acc += gv[b + i] * others[i];
      out[b + k] = acc;
    }
  });
}

// ---- tapes (loops in reverse mode) -------------------------------------------------------
// A tape is a stack of what the adjoint sweep reads back: numbers on an unboxed Float64Array,
// everything else (Arrays, flags, inner tapes) on a JS array; the generated code knows the type
// of each value, and both stacks are last-in first-out. Higher-order AD sends cotangents back
// through further channels of the same tape.

/** Number buffers of finished tapes, reused by the next ones (a grad call allocates none when warm). */
const pool: Float64Array[] = [];

export class Tape {
  f = pool.pop() ?? new Float64Array(1024);
  n = 0;
  o: unknown[] = [];
  ch?: unknown[][];
  num(v: number): void {
    if (this.n === this.f.length) {
      const g = new Float64Array(this.f.length * 2);
      g.set(this.f);
      this.f = g;
    }
    this.f[this.n++] = v;
  }
  popNum(): number {
    return this.f[--this.n];
  }
}

/** Generated code keeps a tape's number stack in locals; this grows the buffer (kept on the tape). */
export function growTape(t: Tape, f: Float64Array, need: number): Float64Array {
  let size = f.length * 2;
  while (size < need) size *= 2;
  const g = new Float64Array(size);
  g.set(f);
  t.f = g;
  return g;
}

/** What the last finished tape held (for tests: the numbers left unpopped, the buffer size). */
export const tapeStats = { left: 0, capacity: 0 };

/** A finished tape's buffer back to the pool (a few, up to 1M numbers each). */
export function tapeDone(f: Float64Array, left: number): void {
  tapeStats.left = left;
  tapeStats.capacity = f.length;
  if (pool.length < 4 && f.length <= 1 << 20) pool.push(f);
}

export function tapePush(t: Tape, ch: number, ...vals: unknown[]): void {
  if (ch === 0) for (const v of vals) typeof v === "number" ? t.num(v) : t.o.push(v);
  else ((t.ch ??= [])[ch] ??= []).push(...vals);
}

export function tapePop(t: Tape, ch: number): unknown {
  return ch === 0 ? t.o.pop() : t.ch![ch].pop();
}

// ---- local JS arrays in differentiated code (and their cotangent lists) -------------------

type List = (N | undefined)[];

/** A cotangent entry (missing entries of a cotangent list are zeros). */
export function listCtGet(l: List, i: number): N {
  return l[i] ?? 0;
}
/** A list as long as `like`, with `l`'s entries and zeros (of each entry's kind) where l has none. */
export function listDense(l: List, like: List): List {
  const zero = (x: N | undefined) => (x === undefined || typeof x === "number" ? 0 : zerosLike(x));
  if (Array.isArray(like)) return like.map((x, i) => l[i] ?? zero(x));
  // a Record<string, number | Array> parameter: the same keys
  const byKey = l as unknown as Record<string, N>, likeKeys = like as unknown as Record<string, N>;
  return Object.fromEntries(Object.keys(likeKeys).map((k) => [k, byKey[k] ?? zero(likeKeys[k])])) as unknown as List;
}
/** l[i] = v in place (the previous version of l is never read again). */
export function listSetAt(l: List, i: number, v: N): List {
  if (typeof i === "number" && (!Number.isInteger(i) || i < 0)) throw new RangeError(`list index ${i} is not a valid index`);
  l[i] = v;
  return l;
}
/** l[i] += v in place (missing entries are zeros). */
export function listAddAt(l: List, i: number, v: N): List {
  const p = l[i];
  l[i] = p === undefined ? v : typeof p === "number" && typeof v === "number" ? p + v : add(p, v);
  return l;
}
/** Elementwise sum of two cotangent lists (a new list). */
export function listMerge(a: List, b: List): List {
  // (string keys too: the cotangent of a Record parameter)
  const out = Object.assign(a.slice(), a) as List;
  for (const k of Object.keys(b)) {
    const v = (b as unknown as Record<string, N>)[k];
    if (v !== undefined) listAddAt(out, (/^\d+$/.test(k) ? Number(k) : k) as number, v);
  }
  return out;
}

// ---- stack and concatenate of traced values, and their adjoints ------------------------

export function stackN(axis: number | undefined, ...xs: N[]): NDArray {
  return stack(xs, axis ?? 0);
}
export function concatN(axis: number | undefined, ...xs: N[]): NDArray {
  return concatenate(xs, axis ?? 0);
}
/** Slice i of a stack's cotangent (the axis the stack added is dropped). */
export function stackPart(g: NDArray, axis: number | undefined, i: number): NDArray {
  return ix.take(g, i, axis ?? 0);
}
/** stackPart's transpose: zeros shaped like g with gi at slice i. */
export function stackPartT(gi: N, g: NDArray, axis: number | undefined, i: number): NDArray {
  return ix.takeTranspose(gi, i, axis ?? 0, g.shape);
}
function concatRange(g: NDArray, axis: number | undefined, i: number, xs: N[]): [number, number, number] {
  const ax = normAxes("concatenate", axis ?? 0, g.shape)[0];
  let off = 0;
  for (let j = 0; j < i; j++) off += asArray(xs[j]).shape[ax];
  return [ax, off, off + asArray(xs[i]).shape[ax]];
}
/** Piece i of a concatenation's cotangent. */
export function concatPart(g: NDArray, axis: number | undefined, i: number, ...xs: N[]): NDArray {
  const [ax, a, b] = concatRange(g, axis, i, xs);
  return ix.slice(g, ...g.shape.map((_, d) => (d === ax ? ([a, b] as const) : null)));
}
/** concatPart's transpose: zeros shaped like g with gi in piece i. */
export function concatPartT(gi: N, g: NDArray, axis: number | undefined, i: number, ...xs: N[]): NDArray {
  const [ax, a, b] = concatRange(g, axis, i, xs);
  return ix.sliceTranspose(gi, g.shape, g.shape.map((_, d) => (d === ax ? ([a, b] as const) : null)));
}

// ---- generic trainers (transformer/generic.ts) ------------------------------------------------

const COMPILED = Symbol.for("tsjax.compiled");
type WithCompiled = { [COMPILED]?: Map<string, unknown> };

/** The function `f`, carrying `compiled` (its derivative for the generic site `key`). */
export function attach<F>(f: F, key: string, compiled: unknown): F {
  if (typeof f !== "function") return f;
  const g = f as unknown as WithCompiled;
  if (!g[COMPILED]) Object.defineProperty(g, COMPILED, { value: new Map(), enumerable: false });
  g[COMPILED]!.set(key, compiled);
  return f;
}

/** The derivative a generic site's caller compiled for `f`. */
export function specialized(f: unknown, key: string, what: string): unknown {
  const c = typeof f === "function" ? (f as WithCompiled)[COMPILED]?.get(key) : undefined;
  if (c === undefined)
    throw new Error(
      `${what}: the function it was given was not compiled where it was passed in. tsjax compiles such derivatives at each call ` +
        `whose argument is a function it can see, in files built with the tsjax plugin (a file that mentions neither tsjax nor grad is not); ` +
        `pass the function directly (not through another variable or parameter), or differentiate it where it is defined`,
    );
  return c;
}

// jit'd functions run in an arena frame of their own (runtime/jit/arena.ts)
export { arenaWrap } from "./jit/arena.js";
export { jitSite } from "./jit/site.js";
export { bitwiseCount, leftShift, rightShift } from "./numpy/more-eager.js";
export { cumprodT, cumprodTangent } from "./numpy/cumprod-grad.js";
