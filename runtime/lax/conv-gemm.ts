// The convolution and its two adjoints as float32 matrix products on the kernel machine
// (runtime/jit/matmul.ts: WebAssembly SIMD, rows split between the threads). The rows of every
// product are output positions, all images of a batch element together (so one product covers
// the batch and parallelises whatever the channel counts), in slices of at most SLICE_FLOATS of
// columns. Per batch element, feature group and slice:
//   convolution       out  [rows × O/G]   = colsᵀ · W_gᵀ   (cols: im2col, [C/G·K × rows])
//   lhs cotangent     gcᵀ  [rows × C/G·K] = ctᵀ · W_g      then col2im (float64 sums)
//   rhs cotangent     dWᵀ  [C/G·K × O/G]  = cols · ctᵀ     added over slices (float64 sums)
// with ct the cotangent gathered as [O/G × rows]. Every matrix the kernel reads is stored the way
// its layout is cheapest to write (transA/transB say which way round). Each product sums in
// float32 (the bound is in DESIGN.md, "Numerics"); smaller or channel-thin convolutions keep
// conv.ts's float64 loops.

import { gemmWasm, WASM_MIN_WORK } from "../jit/matmul.js";
import { machine } from "../jit/machine.js";
import type { Geometry } from "./conv.js";

/** Column floats one product takes at most (16 MiB; the kernel copies them once more). */
const SLICE_FLOATS = 1 << 22;
/** Fewer output channels a group than this: the kernel's 8-wide panels would be mostly padding. */
const MIN_GROUP_OUT = 4;

/** Whether a convolution (or adjoint) of this geometry runs as products on the kernel machine. */
export function gemmPath(g: Geometry, ...data: ArrayLike<number>[]): boolean {
  const Og = g.O / g.G;
  const work = g.lOff.length * g.N * g.P * g.O * g.Cg * g.K;
  return work >= WASM_MIN_WORK && Og >= MIN_GROUP_OUT && data.every((d) => d instanceof Float32Array) && machine() !== null;
}

/** Output positions (rows) a slice takes, for `width` floats of columns a row. */
const sliceRows = (g: Geometry, width: number) => Math.min(g.N * g.P, Math.max(1, Math.floor(SLICE_FLOATS / Math.max(1, width))));

/**
 * Visits the images' runs of positions in rows [r0, r1): f(n, p0, p1, at), `at` the run's first
 * row within the slice.
 */
function runs(P: number, r0: number, r1: number, f: (n: number, p0: number, p1: number, at: number) => void): void {
  for (let r = r0; r < r1; ) {
    const n = Math.floor(r / P), p0 = r - n * P, p1 = Math.min(P, p0 + r1 - r);
    f(n, p0, p1, r - r0);
    r += p1 - p0;
  }
}

/** cols[(c·K + j)·R + row] = the input element kernel position j of channel c reads for the row (0 in padding and holes). */
function im2col(g: Geometry, xd: Float32Array, b: number, grp: number, r0: number, r1: number, cols: Float32Array): void {
  const { N, C, Cg, X, K, P, table } = g;
  const R = r1 - r0, lb = g.lOff[b];
  runs(P, r0, r1, (n, p0, p1, at) => {
    for (let c = 0; c < Cg; c++) {
      const src = ((lb * N + n) * C + grp * Cg + c) * X;
      for (let j = 0; j < K; j++) {
        const row = j * P;
        let d = (c * K + j) * R + at;
        for (let p = p0; p < p1; p++) {
          const i = table[row + p];
          cols[d++] = i >= 0 ? xd[src + i] : 0;
        }
      }
    }
  });
}

/** ctg[o·R + row] = the cotangent of output channel o (of the group) at the row. */
function gatherCt(g: Geometry, cd: Float32Array, b: number, grp: number, r0: number, r1: number, ctg: Float32Array): void {
  const { N, O, G, P } = g;
  const Og = O / G, R = r1 - r0, gb = g.gOff[b];
  runs(P, r0, r1, (n, p0, p1, at) => {
    for (let o = 0; o < Og; o++) {
      const s = ((gb * N + n) * O + grp * Og + o) * P;
      ctg.set(cd.subarray(s + p0, s + p1), o * R + at);
    }
  });
}

// (the kernel keeps a copy of an operand it sees twice when it is a whole Array's data; the
// buffers here are reused with new contents, so they are one float longer than any product's
// operand and never taken for one)

/** The convolution: out (shaped g.out) = lhs ⊛ rhs. */
export function convGemm(g: Geometry, xd: Float32Array, wd: Float32Array, out: Float32Array): void {
  const { N, O, G, Cg, K, P } = g;
  const Og = O / G, CK = Cg * K, NP = N * P;
  const S = sliceRows(g, CK);
  const cols = new Float32Array(CK * S + 1);
  const y = new Float32Array(S * Og);
  for (let b = 0; b < g.lOff.length; b++)
    for (let grp = 0; grp < G; grp++)
      for (let r0 = 0; r0 < NP; r0 += S) {
        const r1 = Math.min(NP, r0 + S), R = r1 - r0;
        im2col(g, xd, b, grp, r0, r1, cols);
        gemmWasm(cols, 0, wd, (g.rOff[b] * O + grp * Og) * CK, R, CK, Og, y, 0, Infinity, true, true);
        runs(P, r0, r1, (n, p0, p1, at) => {
          for (let o = 0; o < Og; o++) {
            const ob = ((b * N + n) * O + grp * Og + o) * P;
            for (let p = p0, q = at * Og + o; p < p1; p++, q += Og) out[ob + p] = y[q];
          }
        });
      }
}

/** The lhs cotangent, added into acc (shaped [...lead, N, C, ...xs]). */
export function convTLhsGemm(g: Geometry, cd: Float32Array, wd: Float32Array, acc: Float64Array): void {
  const { N, C, O, G, Cg, X, K, P, table } = g;
  const Og = O / G, CK = Cg * K, NP = N * P;
  const S = sliceRows(g, CK + Og);
  const ctg = new Float32Array(Og * S + 1);
  const gc = new Float32Array(S * CK);
  for (let b = 0; b < g.lOff.length; b++)
    for (let grp = 0; grp < G; grp++)
      for (let r0 = 0; r0 < NP; r0 += S) {
        const r1 = Math.min(NP, r0 + S), R = r1 - r0;
        gatherCt(g, cd, b, grp, r0, r1, ctg);
        gemmWasm(ctg, 0, wd, (g.rOff[b] * O + grp * Og) * CK, R, Og, CK, gc, 0, Infinity, true, false);
        // col2im: each column element added back to the input element it was read from
        runs(P, r0, r1, (n, p0, p1, at) => {
          const xb = ((b * N + n) * C + grp * Cg) * X;
          for (let c = 0; c < Cg; c++)
            for (let j = 0; j < K; j++) {
              const row = j * P, dst = xb + c * X;
              for (let p = p0, q = at * CK + c * K + j; p < p1; p++, q += CK) {
                const i = table[row + p];
                if (i >= 0) acc[dst + i] += gc[q];
              }
            }
        });
      }
}

/** The rhs cotangent, added into acc (shaped [...lead, O, C/G, ...ks]). */
export function convTRhsGemm(g: Geometry, cd: Float32Array, xd: Float32Array, acc: Float64Array): void {
  const { N, O, G, Cg, K, P } = g;
  const Og = O / G, CK = Cg * K, NP = N * P;
  const S = sliceRows(g, CK + Og);
  const cols = new Float32Array(CK * S + 1);
  const ctg = new Float32Array(Og * S + 1);
  const dw = new Float32Array(CK * Og);
  for (let b = 0; b < g.lOff.length; b++)
    for (let grp = 0; grp < G; grp++)
      for (let r0 = 0; r0 < NP; r0 += S) {
        const r1 = Math.min(NP, r0 + S), R = r1 - r0;
        im2col(g, xd, b, grp, r0, r1, cols);
        gatherCt(g, cd, b, grp, r0, r1, ctg);
        gemmWasm(cols, 0, ctg, 0, CK, R, Og, dw, 0, Infinity, false, true);
        for (let o = 0; o < Og; o++) {
          const wb = (b * O + grp * Og + o) * CK;
          for (let q = 0; q < CK; q++) acc[wb + q] += dw[q * Og + o];
        }
      }
}
