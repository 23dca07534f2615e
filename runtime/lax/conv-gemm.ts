// The convolution and its two adjoints as float32 matrix products on the kernel machine
// (runtime/jit/matmul.ts: WebAssembly SIMD, rows split between the threads). One product covers
// all images of a batch element (their output positions side by side), in slices of at most
// SLICE_FLOATS of columns and results. Per batch element, feature group and slice:
//   convolution       out  [rows × O/G]   = colsᵀ · W_gᵀ   (cols: im2col, [C/G·K × rows]), then
//                     transposed; or, with few columns a row, outᵀ = W_g · cols (no transpose)
//   lhs cotangent     gcᵀ  [rows × C/G·K] = ctᵀ · W_g      then col2im (float64 sums)
//   rhs cotangent     dWᵀ  [C/G·K × O/G]  = cols · ctᵀ     added over slices (float64 sums)
// with rows the output positions and ct the cotangent gathered as [O/G × rows]. Every matrix the
// kernel reads is stored the way its layout is cheapest to write (transA/transB say which way
// round). Each product sums in float32 (the bound is in DESIGN.md, "Numerics"); smaller or
// channel-thin convolutions keep conv.ts's float64 loops.

import { gemmWasm, WASM_MIN_WORK } from "../jit/matmul.js";
import { machine } from "../jit/machine.js";
import { NR } from "../jit/gemm-kernel.js";
import { arenaFloats, arenaOpen, arenaRelease, kernelAddress } from "../jit/arena.js";
import type { Geometry } from "./conv.js";

/** Column and result floats one product takes at most (8 MiB; the kernel copies them once more). */
const SLICE_FLOATS = 1 << 21;
/** Fewer output channels a group than this: the kernel's 8-wide panels would be mostly padding. */
const MIN_GROUP_OUT = 4;

/** Whether a convolution (or adjoint) of this geometry runs as products on the kernel machine. */
export function gemmPath(g: Geometry, ...data: ArrayLike<number>[]): boolean {
  const Og = g.O / g.G;
  const work = g.lOff.length * g.N * g.P * g.O * g.Cg * g.K;
  return work >= WASM_MIN_WORK && Og >= MIN_GROUP_OUT && data.every((d) => d instanceof Float32Array) && machine() !== null;
}

/**
 * Working arrays kept from call to call (columns, cotangent, product: at most about SLICE_FLOATS
 * each): fresh ones of several MiB a call cost a page fault every 4 KiB and the collector's time.
 * The calls are synchronous and never nest, so one set serves them all.
 */
const kept: Float32Array[] = [];
const work = (slot: number, n: number): Float32Array => (kept[slot]?.length >= n ? kept[slot] : (kept[slot] = new Float32Array(n)));
const [COLS, CT, PRODUCT] = [0, 1, 2];

/**
 * `f` with `operand(slot, n)`: n floats for a product's A, written here and then read by the
 * kernel in place (a block of kernel memory for the call, where it is shared; the kernel copies A
 * in otherwise). Only written from JavaScript, never read (see gemm).
 */
function withOperands<T>(f: (operand: (slot: number, n: number) => Float32Array) => T): T {
  const token = arenaOpen();
  try {
    return f((slot, n) => arenaFloats(n) ?? work(slot, n));
  } finally {
    arenaRelease(token);
  }
}

/** Output positions (rows) a slice takes, for `width` floats of columns and products a row. */
const sliceRows = (g: Geometry, width: number) => Math.min(g.N * g.P, Math.max(1, Math.floor(SLICE_FLOATS / Math.max(1, width))));

/**
 * C = A·B (gemmWasm's operands, see there) into `c`, an ordinary array of at least M·⌈N/8⌉·8
 * floats; returns C's row stride. The product is made in a block of kernel memory of its own
 * (whole panels a row, no per-row copies) and copied out in one piece: the loops here only
 * touch ordinary arrays (read element by element, a view of the shared memory was up to several
 * times slower in V8 here).
 */
function gemm(A: Float32Array, aOff: number, B: Float32Array, bOff: number, M: number, K: number, N: number, transA: boolean, transB: boolean, c: Float32Array): number {
  const Np = Math.ceil(N / NR) * NR;
  const token = arenaOpen();
  try {
    const blk = arenaFloats(M * Np);
    if (blk === null) {
      gemmWasm(A, aOff, B, bOff, M, K, N, c, 0, Infinity, transA, transB);
      return N;
    }
    gemmWasm(A, aOff, B, bOff, M, K, N, blk, 0, Infinity, transA, transB, kernelAddress(blk)!);
    c.set(blk);
    return Np;
  } finally {
    arenaRelease(token);
  }
}

/** The data as an ordinary array: jit'd code's values may be views of the shared kernel memory, which im2col would read element by element. */
const plain = (d: Float32Array): Float32Array => (typeof SharedArrayBuffer !== "undefined" && d.buffer instanceof SharedArrayBuffer ? d.slice() : d);

/**
 * The index table as runs: for kernel position j, runs at[j]..at[j+1]-1, each `len` output
 * positions from `p` reading the input elements i, i+1, ... (a window row sliding along an image
 * row), or none (i = -1: padding and dilation holes). im2col copies a run without looking each
 * element up. Null where runs would be short (strides, dilation): the table element by element.
 */
interface Runs {
  at: Int32Array;
  p: Int32Array;
  len: Int32Array;
  i: Int32Array;
}

/** Runs shorter than this on average are not worth it. */
const MIN_MEAN_RUN = 4;

function tableRuns(g: Geometry): Runs | null {
  const { K, P, table } = g;
  // (a run ends where the table jumps, or enters or leaves the padding)
  const starts = (t: number, p: number) => p === 0 || (table[t] < 0 ? table[t - 1] >= 0 : table[t - 1] < 0 || table[t] !== table[t - 1] + 1);
  let n = 0;
  for (let j = 0, t = 0; j < K; j++) for (let p = 0; p < P; p++, t++) if (starts(t, p)) n++;
  if (n * MIN_MEAN_RUN > K * P) return null;
  const runs: Runs = { at: new Int32Array(K + 1), p: new Int32Array(n), len: new Int32Array(n), i: new Int32Array(n) };
  let u = -1;
  for (let j = 0, t = 0; j < K; j++) {
    runs.at[j] = u + 1;
    for (let p = 0; p < P; p++, t++) {
      if (starts(t, p)) {
        u++;
        runs.p[u] = p;
        runs.i[u] = table[t] < 0 ? -1 : table[t];
      }
      runs.len[u]++;
    }
  }
  runs.at[K] = n;
  return runs;
}

/**
 * A table whose every row reads the input at one shift (i = p + shift[j] wherever it reads: unit
 * strides and as many outputs as inputs along the image rows, as SAME gives): a row of columns is
 * then one copy of the input span [lo[j], hi[j]) moved by the shift, with the padding entries
 * inside it (holes[holeAt[j]..holeAt[j+1]-1], a few a window row) zeroed after.
 */
interface Shifts {
  shift: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  holeAt: Int32Array;
  holes: Int32Array;
}

function tableShifts(g: Geometry): Shifts | null {
  const { K, P, table } = g;
  const sh: Shifts = { shift: new Int32Array(K), lo: new Int32Array(K), hi: new Int32Array(K), holeAt: new Int32Array(K + 1), holes: new Int32Array(0) };
  const holes: number[] = [];
  for (let j = 0; j < K; j++) {
    let lo = -1, hi = 0;
    for (let p = 0, t = j * P; p < P; p++, t++) {
      if (table[t] < 0) continue;
      if (lo < 0) [lo, sh.shift[j]] = [p, table[t] - p];
      else if (table[t] - p !== sh.shift[j]) return null;
      hi = p + 1;
    }
    [sh.lo[j], sh.hi[j], sh.holeAt[j]] = [Math.max(lo, 0), hi, holes.length];
    for (let p = Math.max(lo, 0), t = j * P + p; p < hi; p++, t++) if (table[t] < 0) holes.push(p);
  }
  sh.holeAt[K] = holes.length;
  // (many holes: the runs do better)
  if (holes.length * MIN_MEAN_RUN > K * P) return null;
  sh.holes = Int32Array.from(holes);
  return sh;
}

/**
 * cols[(c·K + j)·R + row] for the rows [r0, r1) (R of them) of batch element b's group grp: the
 * input element kernel position j of channel c reads for that output position (0 in padding
 * and dilation holes).
 */
function im2col(g: Geometry, shifts: Shifts | null, runs: Runs | null, xd: Float32Array, b: number, grp: number, r0: number, r1: number, cols: Float32Array): void {
  const { N, C, Cg, X, K, P, table } = g;
  const R = r1 - r0, lb = g.lOff[b];
  for (let r = r0; r < r1; ) {
    const n = Math.floor(r / P), p0 = r - n * P, p1 = Math.min(P, p0 + r1 - r), at = r - r0;
    for (let c = 0; c < Cg; c++) {
      const src = ((lb * N + n) * C + grp * Cg + c) * X;
      for (let j = 0; j < K; j++) {
        const d = (c * K + j) * R + at - p0;
        if (shifts !== null) {
          const a = Math.max(shifts.lo[j], p0), e = Math.min(shifts.hi[j], p1), s = src + shifts.shift[j];
          if (a >= e) {
            cols.fill(0, d + p0, d + p1);
            continue;
          }
          cols.set(xd.subarray(s + a, s + e), d + a);
          cols.fill(0, d + p0, d + a);
          cols.fill(0, d + e, d + p1);
          for (let h = shifts.holeAt[j]; h < shifts.holeAt[j + 1]; h++) {
            const q = shifts.holes[h];
            if (q >= a && q < e) cols[d + q] = 0;
          }
          continue;
        }
        if (runs === null) {
          for (let p = p0, t = j * P + p0; p < p1; p++, t++) {
            const i = table[t];
            cols[d + p] = i >= 0 ? xd[src + i] : 0;
          }
          continue;
        }
        for (let u = runs.at[j], ue = runs.at[j + 1]; u < ue; u++) {
          const q = runs.p[u], a = Math.max(q, p0), e = Math.min(q + runs.len[u], p1), i0 = runs.i[u];
          if (i0 < 0) for (let p = a; p < e; p++) cols[d + p] = 0;
          else for (let p = a, s = src + i0 - q; p < e; p++) cols[d + p] = xd[s + p];
        }
      }
    }
    r += p1 - p0;
  }
}

/** ctg[o·R + row] for the rows [r0, r1): the cotangent of the group's output channel o there. */
function gatherCt(g: Geometry, cd: Float32Array, b: number, grp: number, r0: number, r1: number, ctg: Float32Array): void {
  const { N, O, G, P } = g;
  const Og = O / G, R = r1 - r0, gb = g.gOff[b];
  for (let r = r0; r < r1; ) {
    const n = Math.floor(r / P), p0 = r - n * P, p1 = Math.min(P, p0 + r1 - r), at = r - r0;
    for (let o = 0; o < Og; o++) {
      const s = ((gb * N + n) * O + grp * Og + o) * P;
      ctg.set(cd.subarray(s + p0, s + p1), o * R + at);
    }
    r += p1 - p0;
  }
}

/**
 * col2im: acc[input element] += gc[row·gs + c·K + j] for every (row, channel c, kernel position
 * j) of the rows [r0, r1) that reads an input element (a row of gc at a time, read in order).
 */
function col2im(g: Geometry, shifts: Shifts | null, gc: Float32Array, gs: number, b: number, grp: number, r0: number, r1: number, acc: Float64Array): void {
  const { N, C, Cg, X, K, P, table } = g;
  for (let r = r0; r < r1; ) {
    const n = Math.floor(r / P), p0 = r - n * P, p1 = Math.min(P, p0 + r1 - r);
    const xb = ((b * N + n) * C + grp * Cg) * X;
    if (shifts !== null) {
      // one shift a kernel position: the holes' entries zeroed, then each (c, j) added as a span
      const q0 = (r - r0 - p0) * gs;
      for (let j = 0; j < K; j++) {
        const a = Math.max(shifts.lo[j], p0), e = Math.min(shifts.hi[j], p1);
        if (a >= e) continue;
        for (let h = shifts.holeAt[j]; h < shifts.holeAt[j + 1]; h++) {
          const q = shifts.holes[h];
          if (q >= a && q < e) for (let c = 0; c < Cg; c++) gc[q0 + q * gs + c * K + j] = 0;
        }
        for (let c = 0; c < Cg; c++) {
          const d = xb + c * X + shifts.shift[j];
          for (let p = a, q = q0 + a * gs + c * K + j; p < e; p++, q += gs) acc[d + p] += gc[q];
        }
      }
      r += p1 - p0;
      continue;
    }
    for (let p = p0, q0 = (r - r0) * gs; p < p1; p++, q0 += gs)
      for (let j = 0, t = p; j < K; j++, t += P) {
        const i = table[t];
        if (i < 0) continue;
        for (let c = 0, q = q0 + j, d = xb + i; c < Cg; c++, q += K, d += X) acc[d] += gc[q];
      }
    r += p1 - p0;
  }
}

/** Positions a pass of the output transpose takes (its rows of the product stay in L1). */
const TILE = 64;

/** out[d + o·P + p] = y[s + p·ys + o] for o < Og, p in [p0, p1): tiles of TILE positions. */
function transposeOut(y: Float32Array, s: number, ys: number, out: Float32Array, d: number, P: number, Og: number, p0: number, p1: number): void {
  for (let t0 = p0; t0 < p1; t0 += TILE) {
    const t1 = Math.min(p1, t0 + TILE);
    for (let o = 0; o < Og; o++) {
      const od = d + o * P;
      for (let p = t0, q = s + t0 * ys + o; p < t1; p++, q += ys) out[od + p] = y[q];
    }
  }
}

/**
 * Below this many columns a row (C/G·K), the convolution's product is taken the other way round,
 * out [O/G × rows] = W_g · cols: the kernel then streams the columns once per 6 output channels,
 * but the result is already in the output's layout, and with few columns a row the transpose
 * would cost as much as the product.
 */
const BY_CHANNEL_MAX_COLS = 64;

/** Every (batch element, feature group, slice [r0, r1) of at most S product rows), in order. */
function eachSlice(g: Geometry, S: number, f: (b: number, grp: number, r0: number, r1: number) => void): void {
  const NP = g.N * g.P;
  for (let b = 0; b < g.lOff.length; b++)
    for (let grp = 0; grp < g.G; grp++)
      for (let r0 = 0; r0 < NP; r0 += S) f(b, grp, r0, Math.min(NP, r0 + S));
}

/** The convolution: out (shaped g.out) = lhs ⊛ rhs. */
export function convGemm(g: Geometry, x: Float32Array, wd: Float32Array, out: Float32Array): void {
  const { N, O, G, Cg, K, P } = g;
  const xd = plain(x);
  const Og = O / G, CK = Cg * K;
  const S = sliceRows(g, CK + Og);
  const shifts = tableShifts(g), runs = shifts ? null : tableRuns(g);
  if (CK <= BY_CHANNEL_MAX_COLS) {
    // (the columns are B here, which the kernel packs from a copy of its own anyway)
    const cols = work(COLS, CK * S);
    const y = work(PRODUCT, Og * Math.ceil(S / NR) * NR);
    eachSlice(g, S, (b, grp, r0, r1) => {
      const R = r1 - r0;
      im2col(g, shifts, runs, xd, b, grp, r0, r1, cols);
      const ys = gemm(wd, (g.rOff[b] * O + grp * Og) * CK, cols.subarray(0, CK * R), 0, Og, CK, R, false, false, y);
      for (let r = r0; r < r1; ) {
        const n = Math.floor(r / P), p0 = r - n * P, p1 = Math.min(P, p0 + r1 - r);
        for (let o = 0; o < Og; o++) {
          const s = o * ys + r - r0;
          out.set(y.subarray(s, s + p1 - p0), ((b * N + n) * O + grp * Og + o) * P + p0);
        }
        r += p1 - p0;
      }
    });
    return;
  }
  const y = work(PRODUCT, S * Math.ceil(Og / NR) * NR);
  withOperands((operand) => {
    const cols = operand(COLS, CK * S);
    eachSlice(g, S, (b, grp, r0, r1) => {
      const R = r1 - r0;
      im2col(g, shifts, runs, xd, b, grp, r0, r1, cols);
      const ys = gemm(cols.subarray(0, CK * R), 0, wd, (g.rOff[b] * O + grp * Og) * CK, R, CK, Og, true, true, y);
      // rows (positions) × channels → each image's channels × positions
      for (let r = r0; r < r1; ) {
        const n = Math.floor(r / P), p0 = r - n * P, p1 = Math.min(P, p0 + r1 - r);
        transposeOut(y, (r - r0 - p0) * ys, ys, out, ((b * N + n) * O + grp * Og) * P, P, Og, p0, p1);
        r += p1 - p0;
      }
    });
  });
}

/** The lhs cotangent, added into acc (shaped [...lead, N, C, ...xs]). */
export function convTLhsGemm(g: Geometry, cd: Float32Array, wd: Float32Array, acc: Float64Array): void {
  const { O, G, Cg, K } = g;
  const Og = O / G, CK = Cg * K;
  const S = sliceRows(g, CK + Og);
  const gc = work(PRODUCT, S * Math.ceil(CK / NR) * NR), shifts = tableShifts(g);
  withOperands((operand) => {
    const ctg = operand(CT, Og * S);
    eachSlice(g, S, (b, grp, r0, r1) => {
      const R = r1 - r0;
      gatherCt(g, cd, b, grp, r0, r1, ctg);
      const gs = gemm(ctg.subarray(0, Og * R), 0, wd, (g.rOff[b] * O + grp * Og) * CK, R, Og, CK, true, false, gc);
      col2im(g, shifts, gc, gs, b, grp, r0, r1, acc);
    });
  });
}

/** The rhs cotangent, added into acc (shaped [...lead, O, C/G, ...ks]). */
export function convTRhsGemm(g: Geometry, cd: Float32Array, x: Float32Array, acc: Float64Array): void {
  const { O, G, Cg, K } = g;
  const xd = plain(x);
  const Og = O / G, CK = Cg * K;
  const S = sliceRows(g, CK + Og);
  const ctg = work(CT, Og * S), shifts = tableShifts(g), runs = shifts ? null : tableRuns(g);
  const dw = new Float32Array(CK * Math.ceil(Og / NR) * NR);
  withOperands((operand) => {
    const cols = operand(COLS, CK * S);
    eachSlice(g, S, (b, grp, r0, r1) => {
      const R = r1 - r0;
      im2col(g, shifts, runs, xd, b, grp, r0, r1, cols);
      gatherCt(g, cd, b, grp, r0, r1, ctg);
      const ws = gemm(cols.subarray(0, CK * R), 0, ctg.subarray(0, Og * R), 0, CK, R, Og, false, true, dw);
      for (let o = 0; o < Og; o++) {
        const wb = (b * O + grp * Og + o) * CK;
        for (let q = 0; q < CK; q++) acc[wb + q] += dw[q * ws + o];
      }
    });
  });
}
