// Products: dot, matmul, vdot, outer. Float products accumulate in float64 (every product of two
// float32 values is exact in float64) and round once to float32 on store, up to WASM_MIN_WORK
// multiply-adds (a packed, register-blocked kernel from PACK_MIN_WORK on; both sum k in ascending
// order, so the result does not depend on which ran). Larger float32 products run on the
// WebAssembly SIMD kernel (runtime/jit/matmul.ts), summing in float32 in blocks of k: the error
// bound is in DESIGN.md ("Numerics").

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { alloc, isFloat, promoteAll, weakKindOf, weakKindOfValue } from "../dtype.js";
import type { Promoted } from "../dtype.js";
import type { DType, TypedArray } from "../dtype.js";
import { fmtShape, sizeOf } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { gemmWasm, gemvWasm, WASM_MIN_WORK } from "../jit/matmul.js";
import { arenaFloats } from "../jit/arena.js";
import { anyOnGpu, deviceHooks } from "../device-hooks.js";

// ---- dtype handling -------------------------------------------------------------------------

/** An operand of a product as promotion sees it: a JS value weak (a boolean a strong bool), an Array its dtype and weakness. */
const promoted = (r: ArrayLike, x: NDArray): Promoted =>
  typeof r === "number" || typeof r === "boolean" ? { dtype: typeof r === "boolean" ? "bool" : null, weak: weakKindOfValue(r) } : { dtype: x.dtype, weak: x.weakType ? weakKindOf(x.dtype) : null };

/** Result dtype of a product: JAX promotion, with JS numbers and weakly typed Arrays weak. */
function productDType(ra: ArrayLike, a: NDArray, rb: ArrayLike, b: NDArray): DType {
  return promoteAll([promoted(ra, a), promoted(rb, b)]).dtype;
}

function cast(x: NDArray, dtype: DType): NDArray {
  return x.dtype === dtype ? x : astype(x, dtype);
}

// ---- kernels --------------------------------------------------------------------------------

const MR = 3; // micro-tile rows
const NR = 4; // micro-tile columns
/** Packed A block budget in float64 elements (256 KiB): mc rows × K stay in L2. */
const A_BLOCK = 32768;
/** Packed B block budget in float64 elements (8 MiB): a 1024×1024 B is packed in one go. */
const B_BLOCK = 1 << 20;
/** Below this many multiply-adds (or for thin shapes) the simple loop is faster than packing. */
const PACK_MIN_WORK = 1 << 14;

let packedA = new Float64Array(0);
let packedB = new Float64Array(0);
let rowAcc = new Float64Array(0);

/**
 * C[cOff + i*N + j] = Σ_k A[aOff + i*K + k] · B[bOff + k*N + j] for float32 operands (row-major),
 * summed in float64 in ascending k and rounded once.
 */
function gemmF32(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number,
  M: number, K: number, N: number, C: Float32Array, cOff: number,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) return; // C is freshly allocated: already zeros
  // matrix-vector products of large matrices: the WebAssembly kernel, reading the matrix once
  const big = M * N * K >= WASM_MIN_WORK && A instanceof Float32Array && B instanceof Float32Array;
  if (big && N === 1 && gemvWasm(A, aOff, B, bOff, M, K, C, cOff, false)) return;
  if (big && M === 1 && gemvWasm(B, bOff, A, aOff, K, N, C, cOff, true)) return;
  if (N === 1) {
    for (let i = 0; i < M; i++) {
      const ar = aOff + i * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ar + k] * B[bOff + k];
      C[cOff + i] = s;
    }
    return;
  }
  // large products: the WebAssembly SIMD kernel on every core (float32 sums, runtime/jit/matmul.ts)
  if (M * N * K >= WASM_MIN_WORK && B instanceof Float32Array && A instanceof Float32Array && gemmWasm(A, aOff, B, bOff, M, K, N, C, cOff)) return;
  if (M < MR || N < NR || M * N * K < PACK_MIN_WORK) {
    gemmSimple(A, aOff, B, bOff, M, K, N, C, cOff);
    return;
  }
  gemmPacked(A, aOff, B, bOff, M, K, N, C, cOff);
}

/** i-k-j loops over a float64 row accumulator: contiguous reads of B, no packing. */
function gemmSimple(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number,
  M: number, K: number, N: number, C: Float32Array, cOff: number,
): void {
  if (rowAcc.length < N) rowAcc = new Float64Array(N);
  const acc = rowAcc;
  for (let i = 0; i < M; i++) {
    acc.fill(0, 0, N);
    const ar = aOff + i * K;
    for (let k = 0; k < K; k++) {
      const a = A[ar + k];
      const br = bOff + k * N;
      for (let j = 0; j < N; j++) acc[j] += a * B[br + j];
    }
    const cr = cOff + i * N;
    for (let j = 0; j < N; j++) C[cr + j] = acc[j];
  }
}

/**
 * Blocked GEMM. B is packed nc columns at a time into k-major panels of NR columns (float64,
 * zero-padded; at most B_BLOCK elements, so the scratch stays bounded whatever K·N is); for each
 * such block, A is packed mc rows at a time into k-major strips of MR rows. The MR×NR micro-kernel
 * keeps its 12 sums in locals over the whole K, so each output is rounded exactly once.
 */
function gemmPacked(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number,
  M: number, K: number, N: number, C: Float32Array, cOff: number,
): void {
  const nc = Math.max(NR, Math.floor(B_BLOCK / K / NR) * NR);
  const mc = Math.max(MR, Math.floor(A_BLOCK / K / MR) * MR);
  const bLen = Math.min(nc, Math.ceil(N / NR) * NR) * K;
  const aLen = Math.min(mc, Math.ceil(M / MR) * MR) * K;
  if (packedB.length < bLen) packedB = new Float64Array(bLen);
  if (packedA.length < aLen) packedA = new Float64Array(aLen);
  const Bp = packedB;
  const Ap = packedA;
  for (let j0 = 0; j0 < N; j0 += nc) {
    const cols = Math.min(nc, N - j0);
    const panels = Math.ceil(cols / NR);
    for (let p = 0; p < panels; p++) {
      const jp = j0 + p * NR;
      const w = Math.min(NR, N - jp);
      let dst = p * K * NR;
      for (let k = 0; k < K; k++, dst += NR) {
        const src = bOff + k * N + jp;
        let j = 0;
        for (; j < w; j++) Bp[dst + j] = B[src + j];
        for (; j < NR; j++) Bp[dst + j] = 0;
      }
    }
    for (let i0 = 0; i0 < M; i0 += mc) {
      const rows = Math.min(mc, M - i0);
      const strips = Math.ceil(rows / MR);
      for (let s = 0; s < strips; s++) {
        const r0 = i0 + s * MR;
        const h = Math.min(MR, M - r0);
        const base = s * K * MR;
        for (let r = 0; r < MR; r++) {
          if (r < h) {
            const src = aOff + (r0 + r) * K;
            for (let k = 0; k < K; k++) Ap[base + k * MR + r] = A[src + k];
          } else {
            for (let k = 0; k < K; k++) Ap[base + k * MR + r] = 0;
          }
        }
      }
      for (let p = 0; p < panels; p++) {
        const j = j0 + p * NR;
        const w = Math.min(NR, N - j);
        const bo = p * K * NR;
        for (let s = 0; s < strips; s++) {
          const i = i0 + s * MR;
          micro3x4(Ap, s * K * MR, Bp, bo, K, C, cOff + i * N + j, N, Math.min(MR, M - i), w);
        }
      }
    }
  }
}

function micro3x4(
  Ap: Float64Array, ao: number, Bp: Float64Array, bo: number, K: number,
  C: Float32Array, co: number, N: number, h: number, w: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let k = 0, a = ao, b = bo; k < K; k++, a += 3, b += 4) {
    const a0 = Ap[a], a1 = Ap[a + 1], a2 = Ap[a + 2];
    const b0 = Bp[b], b1 = Bp[b + 1], b2 = Bp[b + 2], b3 = Bp[b + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
  }
  if (h === 3 && w === 4) {
    C[co] = c00; C[co + 1] = c01; C[co + 2] = c02; C[co + 3] = c03;
    co += N;
    C[co] = c10; C[co + 1] = c11; C[co + 2] = c12; C[co + 3] = c13;
    co += N;
    C[co] = c20; C[co + 1] = c21; C[co + 2] = c22; C[co + 3] = c23;
    return;
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) C[co + r * N + c] = t[r * 4 + c];
}

/** Integer/bool products: int32 arithmetic wrapping modulo 2^32; bool is OR of ANDs. */
function gemmInt(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number,
  M: number, K: number, N: number, C: TypedArray, cOff: number, isBool: boolean,
): void {
  const acc = new Int32Array(N);
  for (let i = 0; i < M; i++) {
    acc.fill(0);
    const ar = aOff + i * K;
    for (let k = 0; k < K; k++) {
      const a = A[ar + k];
      if (a === 0) continue;
      const br = bOff + k * N;
      for (let j = 0; j < N; j++) acc[j] = (acc[j] + Math.imul(a, B[br + j])) | 0;
    }
    const cr = cOff + i * N;
    for (let j = 0; j < N; j++) C[cr + j] = isBool ? (acc[j] !== 0 ? 1 : 0) : acc[j];
  }
}

/** One (M×K)·(K×N) product of storage at offsets into C at cOff, by dtype. */
function gemm(
  dtype: DType, A: TypedArray, aOff: number, B: TypedArray, bOff: number,
  M: number, K: number, N: number, C: TypedArray, cOff: number,
): void {
  // (float16 storage is float32 and rounds on construction; float64 never takes the float32 kernel)
  if (isFloat(dtype)) gemmF32(A, aOff, B, bOff, M, K, N, C as Float32Array, cOff);
  else gemmInt(A, aOff, B, bOff, M, K, N, C, cOff, dtype === "bool");
}

/** Elementwise product with a 0-d operand (dot's scalar case), rounded once. */
function scale(s: NDArray, x: NDArray, dtype: DType): NDArray {
  const v = s.data[0];
  const d = x.data;
  const out = alloc(dtype, d.length);
  if (isFloat(dtype)) for (let i = 0; i < d.length; i++) out[i] = v * d[i];
  else if (dtype === "bool") for (let i = 0; i < d.length; i++) out[i] = v && d[i] ? 1 : 0;
  else for (let i = 0; i < d.length; i++) out[i] = Math.imul(v, d[i]);
  return new NDArray(out, x.shape, dtype);
}

// ---- dot ------------------------------------------------------------------------------------

/**
 * NumPy's dot: a 0-d operand multiplies; 1-d·1-d is the inner product; 2-d·2-d is the matrix
 * product; n-d·1-d sums over the last axis of both; n-d·m-d (m ≥ 2) sums over the last axis of
 * `a` and the second-to-last of `b`, giving shape a.shape[:-1] + b.shape[:-2] + b.shape[-1:].
 */
export function dot(a: ArrayLike, b: ArrayLike): NDArray {
  // (float32 operands on the GPU: one matrix product there)
  if (anyOnGpu([a, b])) {
    const r = deviceHooks()!.dot(a, b);
    if (r) return r;
  }
  const x0 = asArray(a, "dot");
  const y0 = asArray(b, "dot");
  const dtype = productDType(a, x0, b, y0);
  const x = cast(x0, dtype);
  const y = cast(y0, dtype);
  if (x.ndim === 0) return scale(x, y, dtype);
  if (y.ndim === 0) return scale(y, x, dtype);
  const K = x.shape[x.ndim - 1];
  const kb = y.ndim === 1 ? 0 : y.ndim - 2;
  if (y.shape[kb] !== K)
    throw new TypeError(
      `dot: shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)} not aligned: ` +
        `${K} (dim ${x.ndim - 1}) != ${y.shape[kb]} (dim ${kb})`,
    );
  const lead = x.shape.slice(0, -1);
  const M = sizeOf(lead);
  if (y.ndim <= 2) {
    const N = y.ndim === 1 ? 1 : y.shape[1];
    const out = outputOf(dtype, M * N);
    gemm(dtype, x.data, 0, y.data, 0, M, K, N, out, 0);
    return new NDArray(out, y.ndim === 1 ? lead : [...lead, N], dtype);
  }
  // b is (...batch, K, N): lay it out as (K, batch·N) so one product gives (M, batch, N) directly.
  const batch = y.shape.slice(0, -2);
  const Bb = sizeOf(batch);
  const N = y.shape[y.ndim - 1];
  const W = Bb * N;
  const yd = y.data;
  const bt = alloc(dtype, K * W);
  for (let q = 0; q < Bb; q++)
    for (let k = 0; k < K; k++) {
      const src = (q * K + k) * N;
      const dst = k * W + q * N;
      for (let n = 0; n < N; n++) bt[dst + n] = yd[src + n];
    }
  const out = alloc(dtype, M * W);
  gemm(dtype, x.data, 0, bt, 0, M, K, W, out, 0);
  return new NDArray(out, [...lead, ...batch, N], dtype);
}

/** The shape dot(a, b) or matmul(a, b) has (operands assumed aligned: the product itself checks). */
export function productShape(kind: "matmul" | "dot", a: ArrayLike, b: ArrayLike): number[] {
  const x = asArray(a, kind), y = asArray(b, kind);
  if (x.ndim === 0) return [...y.shape];
  if (y.ndim === 0) return [...x.shape];
  if (kind === "dot") {
    const lead = x.shape.slice(0, -1);
    return y.ndim === 1 ? lead : [...lead, ...y.shape.slice(0, -2), y.shape[y.ndim - 1]];
  }
  const ba = x.ndim > 2 ? x.shape.slice(0, -2) : [], bb = y.ndim > 2 ? y.shape.slice(0, -2) : [];
  const nb = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: nb }, (_, d) => {
    const da = ba[d - (nb - ba.length)] ?? 1, db = bb[d - (nb - bb.length)] ?? 1;
    return da === 1 ? db : da;
  });
  return [...batch, ...(x.ndim === 1 ? [] : [x.shape[x.ndim - 2]]), ...(y.ndim === 1 ? [] : [y.shape[y.ndim - 1]])];
}

/** A product's storage: inside a jit'd call a float32 one lives in the arena (zeroed), else a fresh Array's. */
function outputOf(dtype: DType, n: number): TypedArray {
  return (dtype === "float32" ? arenaFloats(n, true) : null) ?? alloc(dtype, n);
}

// ---- matmul ---------------------------------------------------------------------------------

/**
 * NumPy's matmul (`@`): the last two axes are matrices and the leading (batch) axes broadcast;
 * a 1-d `a` is a row vector and a 1-d `b` a column vector, their unit axis removed from the
 * result. 0-d operands are an error (use multiply).
 */
export function matmul(a: ArrayLike, b: ArrayLike): NDArray {
  // (2-D operands on the GPU: one GPU kernel)
  if (anyOnGpu([a, b])) {
    const r = deviceHooks()!.matmul(a, b);
    if (r) return r;
  }
  const x0 = asArray(a, "matmul");
  const y0 = asArray(b, "matmul");
  for (const [i, t] of [x0, y0].entries())
    if (t.ndim === 0)
      throw new TypeError(
        `matmul: operand ${i} is 0-d (shapes ${fmtShape(x0.shape)} and ${fmtShape(y0.shape)}); ` +
          `matmul needs at least 1 dimension (use multiply for scalars)`,
      );
  const dtype = productDType(a, x0, b, y0);
  const x = cast(x0, dtype);
  const y = cast(y0, dtype);
  const as = x.ndim === 1 ? [1, x.shape[0]] : x.shape;
  const bs = y.ndim === 1 ? [y.shape[0], 1] : y.shape;
  const M = as[as.length - 2];
  const K = as[as.length - 1];
  const N = bs[bs.length - 1];
  if (bs[bs.length - 2] !== K) {
    const kb = y.ndim === 1 ? 0 : y.ndim - 2;
    throw new TypeError(
      `matmul: shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)} not aligned: ` +
        `${K} (dim ${x.ndim - 1}) != ${y.shape[kb]} (dim ${kb})`,
    );
  }
  const ba = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const nb = Math.max(ba.length, bb.length);
  const batch = new Array<number>(nb);
  for (let d = 0; d < nb; d++) {
    const da = d - (nb - ba.length) >= 0 ? ba[d - (nb - ba.length)] : 1;
    const db = d - (nb - bb.length) >= 0 ? bb[d - (nb - bb.length)] : 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new TypeError(
        `matmul: batch dimensions of shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)} cannot be broadcast ` +
          `(${fmtShape(ba)} vs ${fmtShape(bb)})`,
      );
    batch[d] = da === 1 ? db : da;
  }
  const outShape = [...batch, ...(x.ndim === 1 ? [] : [M]), ...(y.ndim === 1 ? [] : [N])];
  const nBatch = sizeOf(batch);
  const out = outputOf(dtype, nBatch * M * N);
  if (out.length === 0) return new NDArray(out, outShape, dtype);
  const bBatch = sizeOf(bb);
  if (bBatch === 1 && sizeOf(ba) === nBatch) {
    // b is one matrix for every batch: fold a's batch into its rows, one product.
    gemm(dtype, x.data, 0, y.data, 0, nBatch * M, K, N, out, 0);
    return new NDArray(out, outShape, dtype);
  }
  // Per-batch offsets with broadcasting (stride 0 where a batch dim is 1).
  const aStr = batchStrides(ba, nb, M * K);
  const bStr = batchStrides(bb, nb, K * N);
  const idx = new Array<number>(nb).fill(0);
  let ao = 0;
  let bo = 0;
  for (let q = 0; q < nBatch; q++) {
    gemm(dtype, x.data, ao, y.data, bo, M, K, N, out, q * M * N);
    for (let d = nb - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) {
        ao += aStr[d];
        bo += bStr[d];
        break;
      }
      ao -= (batch[d] - 1) * aStr[d];
      bo -= (batch[d] - 1) * bStr[d];
      idx[d] = 0;
    }
  }
  return new NDArray(out, outShape, dtype);
}

/** Element strides of the batch dims of a (…batch, rows, cols) array, right-aligned to nb dims; 0 where broadcast. */
function batchStrides(bshape: readonly number[], nb: number, matSize: number): number[] {
  const st = new Array<number>(nb).fill(0);
  let acc = matSize;
  for (let i = bshape.length - 1; i >= 0; i--) {
    st[nb - bshape.length + i] = bshape[i] === 1 ? 0 : acc;
    acc *= bshape[i];
  }
  return st;
}

// ---- vdot / outer ---------------------------------------------------------------------------

/** Inner product of the flattened operands (same size required); a 0-d result. */
export function vdot(a: ArrayLike, b: ArrayLike): NDArray {
  const x0 = asArray(a, "vdot");
  const y0 = asArray(b, "vdot");
  if (x0.size !== y0.size)
    throw new TypeError(
      `vdot: arrays of shapes ${fmtShape(x0.shape)} and ${fmtShape(y0.shape)} have different sizes ${x0.size} and ${y0.size}`,
    );
  const dtype = productDType(a, x0, b, y0);
  const x = cast(x0, dtype);
  const y = cast(y0, dtype);
  const out = alloc(dtype, 1);
  gemm(dtype, x.data, 0, y.data, 0, 1, x.size, 1, out, 0);
  return new NDArray(out, [], dtype);
}

/** Outer product of the flattened operands: shape (a.size, b.size). */
export function outer(a: ArrayLike, b: ArrayLike): NDArray {
  const x0 = asArray(a, "outer");
  const y0 = asArray(b, "outer");
  const dtype = productDType(a, x0, b, y0);
  const x = cast(x0, dtype);
  const y = cast(y0, dtype);
  const M = x.size;
  const N = y.size;
  const out = alloc(dtype, M * N);
  gemm(dtype, x.data, 0, y.data, 0, M, 1, N, out, 0);
  return new NDArray(out, [M, N], dtype);
}

/**
 * A · B for 2-D float32 Arrays with either operand used transposed (the matmul adjoints' G·Bᵀ
 * and Aᵀ·G) without materialising the transpose: the WebAssembly kernel reads it in place.
 */
export function matmul2dT(a: NDArray, b: NDArray, transA: boolean, transB: boolean): NDArray {
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [K2, N] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (K !== K2) throw new TypeError(`matmul: shapes ${fmtShape(a.shape)}${transA ? "ᵀ" : ""} and ${fmtShape(b.shape)}${transB ? "ᵀ" : ""} not aligned: ${K} != ${K2}`);
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    // other dtypes: the general product of the transposed views
    const tr = (x: NDArray) => new NDArray(transposeAny(x), [x.shape[1], x.shape[0]], x.dtype, x.weakType);
    return matmul(transA ? tr(a) : a, transB ? tr(b) : b);
  }
  // (the kernels write every element: no zeros needed, nor an output where they do not run)
  const big = M * N * K >= WASM_MIN_WORK;
  const out = big ? ((arenaFloats(M * N) ?? new Float32Array(M * N)) as Float32Array) : new Float32Array(0);
  if (big && (N === 1 || M === 1)) {
    // a vector operand: a matrix-vector product over the matrix as stored
    const [S, v, stored, trans] = N === 1 ? [a, b, a.shape, transA] : [b, a, b.shape, !transB];
    if (gemvWasm(S.data as Float32Array, 0, v.data as Float32Array, 0, stored[0], stored[1], out, 0, trans)) return new NDArray(out, [M, N], "float32");
  }
  if (big && gemmWasm(a.data as Float32Array, 0, b.data as Float32Array, 0, M, K, N, out, 0, Infinity, transA, transB)) return new NDArray(out, [M, N], "float32");
  const t = (x: NDArray) => new NDArray(transpose2d(x.data as Float32Array, x.shape[0], x.shape[1]), [x.shape[1], x.shape[0]], "float32");
  return matmul(transA ? t(a) : a, transB ? t(b) : b);
}

function transposeAny(x: NDArray): TypedArray {
  const [r, c] = x.shape;
  const out = alloc(x.dtype, r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x.data[i * c + j];
  return out;
}

function transpose2d(x: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
  return out;
}
