// lax's convolutions in jax-js's layout (lhs [N, C, ...spatial], rhs [O, C/G, ...kernel], output
// [N, O, ...]): convGeneralDilated and its wrappers, with window strides, "VALID"/"SAME"/
// "SAME_LOWER" or explicit [lo, hi] padding (negative crops), lhs and rhs dilation and feature
// groups. One geometry (an index table: for each kernel position and output position, the input
// element it reads, or -1 for padding and dilation holes) serves the convolution and its two
// adjoints, which the transformer uses as the derivative rules (transformer/prims/conv.ts). The
// convolution is the kernel times each image's columns (im2col through the table); convTLhs, the
// lhs cotangent, is the kernel's transpose times the cotangent, added back through the same table
// (JAX writes it as a convolution of the cotangent with the flipped, transposed kernel at lhs
// dilation = strides: the same sums); convTRhs, the rhs cotangent, the cotangent times the
// columns. Here all three sum products in float64 and round once to float32; from WASM_MIN_WORK
// multiply-adds they run as float32 products on the kernel machine instead (conv-gemm.ts, the
// bound in DESIGN.md's "Numerics"). `k` leading axes of both operands are vmap's batch axes
// (size 1 broadcasts): each batch element is its own convolution.

import { NDArray } from "../array.js";
import { floatsFrom } from "../dtype-cast.js";
import { asArray, astype } from "../numpy/creation.js";
import { alloc, promoteTypes, toInexact } from "../dtype.js";
import type { DType } from "../dtype.js";
import { fmtShape, sizeOf } from "../shape.js";
import { convGemm, convTLhsGemm, convTRhsGemm, gemmPath } from "./conv-gemm.js";
import { arenaFloats } from "../jit/arena.js";

export type Pair = [number, number];
/** Padding per spatial dimension: a name, or [lo, hi] pairs (negative values crop). */
export type PaddingType = "VALID" | "SAME" | "SAME_LOWER" | Pair[];

/** The options of one convolution (what the transformer passes as a constant). */
export interface ConvOpts {
  /** The public function's name, for messages. */
  fn?: string;
  lhsDilation?: readonly number[];
  rhsDilation?: readonly number[];
  featureGroupCount?: number;
  /** convTranspose: `strides` are the lhs dilation and the padding is the transposed one. */
  transpose?: boolean;
  /** convTranspose's transposeKernel: the kernel is [I, O, ...] with its spatial axes flipped. */
  transposeKernel?: boolean;
}

const ints = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d));
const show = (v: unknown) => JSON.stringify(v);

/** convTranspose's padding for an effective kernel size kk and stride s (JAX's consistent padding). */
function transposePad(fn: string, kk: number, s: number, padding: unknown, d: number, at: string): Pair {
  if (padding === "SAME") {
    const len = kk + s - 2;
    const a = s > kk - 1 ? kk - 1 : Math.ceil(len / 2);
    return [a, len - a];
  }
  if (padding === "VALID") {
    const len = kk + s - 2 + Math.max(kk - s, 0);
    return [kk - 1, len - (kk - 1)];
  }
  if (ints(padding) && padding.length === 2) return [kk - 1 - padding[0], kk - 1 - padding[1]];
  throw new TypeError(`${fn}: padding must be "SAME", "VALID" or a list of [lo, hi] pairs, got ${show(padding)} for spatial dimension ${d}${at}`);
}

/** Everything the loops need, checked. */
export interface Geometry {
  /** The result's shape. */
  out: number[];
  /** Leading (vmap) batch: its shape and each batch element's lhs and rhs index. */
  lead: number[];
  lOff: Int32Array;
  rOff: Int32Array;
  /** (the cotangent's, for the adjoints) */
  gOff: Int32Array;
  N: number;
  C: number;
  O: number;
  Cg: number;
  G: number;
  /** Spatial sizes: input X, kernel K, output P (products). */
  X: number;
  K: number;
  P: number;
  /** table[j * P + p]: the input offset (within one channel) kernel position j reads for output p, or -1. */
  table: Int32Array;
}

/**
 * Checks the operands' shapes and the options and works out the output shape and index table.
 * `rshape` is the kernel as the convolution uses it ([O, C/G, ...]: after transposeKernel).
 */
export function convGeometry(lshape: readonly number[], rshape: readonly number[], strides0: unknown, padding: unknown, opts: ConvOpts, k: number, gshape?: readonly number[], table = true): Geometry {
  const fn = opts.fn ?? "convGeneralDilated";
  const ls = lshape.slice(k), rs = rshape.slice(k);
  // (the operands' shapes, for messages about the options)
  const at = ` (lhs ${fmtShape(ls)}, rhs ${fmtShape(rs)})`;
  if (!ints(strides0) || strides0.some((s) => s <= 0)) throw new TypeError(`${fn}: windowStrides must be a list of positive integers (one per spatial dimension), got ${show(strides0)}${at}`);
  const n = strides0.length;
  if (ls.length !== n + 2)
    throw new TypeError(`${fn}: lhs has shape ${fmtShape(ls)}, but windowStrides ${show(strides0)} gives ${n} spatial dimension(s): lhs must be [N, C, ...${n} sizes] (rank ${n + 2})`);
  if (rs.length !== n + 2)
    throw new TypeError(`${fn}: rhs has shape ${fmtShape(rs)}, but windowStrides ${show(strides0)} gives ${n} spatial dimension(s): rhs must be [O, C/G, ...${n} sizes] (rank ${n + 2})`);
  const dil = (v: readonly number[] | undefined, what: string): number[] => {
    if (v === undefined || v === null) return new Array(n).fill(1);
    if (!ints(v) || v.length !== n || v.some((d) => d <= 0)) throw new TypeError(`${fn}: ${what} must be ${n} positive integer(s) (one per spatial dimension), got ${show(v)}${at}`);
    return [...v];
  };
  let strides = [...strides0];
  let ld = dil(opts.lhsDilation, "lhsDilation");
  const rd = dil(opts.rhsDilation, "rhsDilation");
  const G = opts.featureGroupCount ?? 1;
  if (!Number.isInteger(G) || G <= 0) throw new TypeError(`${fn}: featureGroupCount must be a positive integer, got ${show(G)}${at}`);
  const [N, C, ...xs] = ls;
  const [O, Cg, ...ksz] = rs;
  if (C % G !== 0 || Cg * G !== C)
    throw new TypeError(
      `${fn}: lhs of shape ${fmtShape(ls)} has ${C} input channel(s), but rhs of shape ${fmtShape(rs)} takes ${Cg} per group` + (G > 1 ? ` with featureGroupCount ${G} (${Cg}·${G} ≠ ${C})` : ` (they must agree)`),
    );
  if (O % G !== 0) throw new TypeError(`${fn}: featureGroupCount ${G} must divide rhs's ${O} output channel(s) (rhs shape ${fmtShape(rs)})`);
  const kk = ksz.map((s, d) => (s - 1) * rd[d] + 1);
  let pads: Pair[];
  if (opts.transpose) {
    // convTranspose: a fractionally strided convolution
    if (!(typeof padding === "string") && !(Array.isArray(padding) && padding.length === n))
      throw new TypeError(`${fn}: padding must be "SAME", "VALID" or ${n} [lo, hi] pair(s), got ${show(padding)}${at}`);
    pads = kk.map((s, d) => transposePad(fn, s, strides[d], typeof padding === "string" ? padding : (padding as unknown[])[d], d, at));
    ld = strides;
    strides = new Array(n).fill(1);
  } else if (typeof padding === "string") {
    if (padding !== "VALID" && padding !== "SAME" && padding !== "SAME_LOWER") throw new TypeError(`${fn}: padding must be "VALID", "SAME", "SAME_LOWER" or a list of [lo, hi] pairs, got ${show(padding)}${at}`);
    if (ld.some((d) => d !== 1))
      throw new TypeError(`${fn}: a padding name ("${padding}") with lhsDilation ${show(ld)} is not supported (as in JAX): give explicit [lo, hi] pairs, or use convTranspose${at}`);
    pads = xs.map((x, d) => {
      if (padding === "VALID") return [0, 0];
      const o = Math.ceil(x / strides[d]);
      const t = Math.max(0, (o - 1) * strides[d] + kk[d] - x);
      return padding === "SAME" ? [t >> 1, t - (t >> 1)] : [t - (t >> 1), t >> 1];
    });
  } else {
    if (!Array.isArray(padding) || padding.length !== n || !padding.every((p) => ints(p) && p.length === 2))
      throw new TypeError(`${fn}: padding must be "VALID", "SAME", "SAME_LOWER" or ${n} [lo, hi] pair(s) of integers (one per spatial dimension), got ${show(padding)}${at}`);
    pads = padding.map((p) => [p[0], p[1]] as Pair);
  }
  // output sizes (0 where the kernel does not fit, as XLA)
  const ys = xs.map((x, d) => {
    const xd = x === 0 ? 0 : (x - 1) * ld[d] + 1;
    const span = xd + pads[d][0] + pads[d][1] - kk[d];
    return span < 0 ? 0 : Math.floor(span / strides[d]) + 1;
  });
  // leading batch axes: equal sizes or 1 (the cotangent's too, for the adjoints)
  const leads = [lshape.slice(0, k), rshape.slice(0, k), ...(gshape ? [gshape.slice(0, k)] : [])];
  const lead = leads[0].map((_, i) => {
    const sizes = leads.map((l) => l[i]);
    const big = sizes.find((d) => d !== 1) ?? 1;
    if (sizes.some((d) => d !== 1 && d !== big)) throw new TypeError(`${fn}: batched operands of shapes ${fmtShape(lshape)} and ${fmtShape(rshape)} differ in batch axis ${i}`);
    return big;
  });
  const B = sizeOf(lead);
  const offs = leads.map(() => new Int32Array(B));
  for (let b = 0; b < B; b++) {
    let rem = b;
    const m = leads.map(() => 1);
    for (let i = k - 1; i >= 0; i--) {
      const idx = rem % lead[i];
      rem = Math.floor(rem / lead[i]);
      leads.forEach((l, q) => {
        if (l[i] !== 1) offs[q][b] += idx * m[q];
        m[q] *= l[i];
      });
    }
  }
  const [lOff, rOff, gOff = offs[0]] = offs;
  const X = sizeOf(xs), K = sizeOf(ksz), P = sizeOf(ys);
  const geo: Geometry = { out: [...lead, N, O, ...ys], lead, lOff, rOff, gOff, N, C, O, Cg, G, X, K, P, table: new Int32Array(0) };
  if (!table) return geo;
  // the table, one spatial dimension at a time (kernel-major, then output, row-major each)
  let t = new Int32Array([0]);
  let tk = 1, tp = 1;
  for (let d = 0; d < n; d++) {
    const one = new Int32Array(ksz[d] * ys[d]);
    for (let j = 0; j < ksz[d]; j++)
      for (let i = 0; i < ys[d]; i++) {
        const u = i * strides[d] + j * rd[d] - pads[d][0];
        const q = u >= 0 && u % ld[d] === 0 ? u / ld[d] : -1;
        one[j * ys[d] + i] = q < xs[d] ? q : -1;
      }
    const nk = tk * ksz[d], np = tp * ys[d];
    const next = new Int32Array(nk * np);
    for (let a = 0; a < tk; a++)
      for (let j = 0; j < ksz[d]; j++)
        for (let p = 0; p < tp; p++)
          for (let i = 0; i < ys[d]; i++) {
            const prev = t[a * tp + p], q = one[j * ys[d] + i];
            next[(a * ksz[d] + j) * np + p * ys[d] + i] = prev < 0 || q < 0 ? -1 : prev * xs[d] + q;
          }
    t = next;
    tk = nk;
    tp = np;
  }
  geo.table = t;
  return geo;
}

/** A result of the fast path: in a jit'd call's kernel memory (runtime/jit/arena.ts: no fresh pages, read in place by the next kernel), else an ordinary array; `from`'s values rounded in. */
function resultFloats(n: number, from?: Float64Array): Float32Array {
  const out = arenaFloats(n) ?? new Float32Array(n);
  if (from) out.set(from);
  return out;
}

/**
 * The operands in the float dtype the convolution computes in: their join (float64 stays float64,
 * float16 float16; ints and bool float32). float64 always takes the float64 loops; float16 the
 * float32 kernel, rounded on construction.
 */
function floatOperands(fn: string, ...xs: [unknown, string][]): NDArray[] {
  for (const [a, what] of xs) if (!(a instanceof NDArray)) throw new TypeError(`${fn}: ${what} must be an Array, got ${typeof a}`);
  const arrs = xs.map(([a]) => a as NDArray);
  const dt = toInexact(arrs.reduce((d: DType, a) => promoteTypes(d, a.dtype), arrs[0].dtype));
  return arrs.map((a) => (a.dtype === dt ? a : astype(a, dt)));
}


/** convTranspose's transposeKernel: [.., I, O, ...ks] → [.., O, I, ...ks] with the spatial axes flipped (its own inverse). */
function kernelView(r: NDArray, k: number): NDArray {
  const s = r.shape;
  const lead = sizeOf(s.slice(0, k));
  const [A, Bc] = [s[k], s[k + 1]];
  const K = sizeOf(s.slice(k + 2));
  const out = alloc(r.dtype, r.size);
  for (let l = 0; l < lead; l++)
    for (let a = 0; a < A; a++)
      for (let b = 0; b < Bc; b++)
        for (let j = 0; j < K; j++) out[((l * Bc + b) * A + a) * K + (K - 1 - j)] = r.data[((l * A + a) * Bc + b) * K + j];
  return new NDArray(out, [...s.slice(0, k), Bc, A, ...s.slice(k + 2)], r.dtype);
}

/**
 * One image's channel group as columns: cols[(c·K + j)·P + p] is the input element kernel
 * position j of channel c reads for output p (0 for padding and dilation holes), in float64.
 */
function im2col(xd: ArrayLike<number>, xb: number, Cg: number, X: number, K: number, P: number, table: Int32Array, cols: Float64Array): void {
  for (let c = 0; c < Cg; c++) {
    const src = xb + c * X;
    for (let j = 0; j < K; j++) {
      const row = j * P, dst = (c * K + j) * P;
      for (let p = 0; p < P; p++) {
        const i = table[row + p];
        cols[dst + p] = i >= 0 ? xd[src + i] : 0;
      }
    }
  }
}

/** The convolution primitive: lhs ⊛ rhs with `k` leading batch axes (a product with the columns, float64 sums). */
export function convGeneral(lhs: NDArray, rhs: NDArray, strides: unknown, padding: unknown, opts: ConvOpts = {}, k = 0): NDArray {
  const fn = opts.fn ?? "convGeneralDilated";
  let [x, r] = floatOperands(fn, [lhs, "lhs"], [rhs, "rhs"]);
  if (opts.transposeKernel) r = kernelView(r, k);
  const dt = x.dtype;
  const g = convGeometry(x.shape, r.shape, strides, padding, opts, k);
  const { N, C, O, Cg, G, X, K, P, table } = g;
  const Og = O / G, CK = Cg * K;
  const xd = x.data, wd = r.data;
  if (gemmPath(g, xd, wd)) {
    const out = resultFloats(sizeOf(g.out));
    convGemm(g, xd as Float32Array, wd as Float32Array, out);
    return new NDArray(out, g.out, dt);
  }
  const out = alloc(dt, sizeOf(g.out));
  const cols = new Float64Array(CK * P);
  const [a0, a1, a2, a3] = [0, 1, 2, 3].map(() => new Float64Array(P));
  for (let b = 0; b < g.lOff.length; b++)
    for (let nn = 0; nn < N; nn++)
      for (let grp = 0; grp < G; grp++) {
        im2col(xd, ((g.lOff[b] * N + nn) * C + grp * Cg) * X, Cg, X, K, P, table, cols);
        const ob = (o: number) => ((b * N + nn) * O + o) * P;
        const wb = (o: number) => (g.rOff[b] * O + o) * CK;
        let o = grp * Og;
        // four outputs at a time, two columns a pass (each column read once for four sums)
        for (; o + 4 <= (grp + 1) * Og; o += 4) {
          a0.fill(0), a1.fill(0), a2.fill(0), a3.fill(0);
          const [b0, b1, b2, b3] = [wb(o), wb(o + 1), wb(o + 2), wb(o + 3)];
          let q = 0;
          for (; q + 2 <= CK; q += 2) {
            const x0 = wd[b0 + q], y0 = wd[b0 + q + 1], x1 = wd[b1 + q], y1 = wd[b1 + q + 1];
            const x2 = wd[b2 + q], y2 = wd[b2 + q + 1], x3 = wd[b3 + q], y3 = wd[b3 + q + 1];
            const ca = q * P, cb = ca + P;
            for (let p = 0; p < P; p++) {
              const u = cols[ca + p], v = cols[cb + p];
              a0[p] += u * x0 + v * y0;
              a1[p] += u * x1 + v * y1;
              a2[p] += u * x2 + v * y2;
              a3[p] += u * x3 + v * y3;
            }
          }
          for (; q < CK; q++) {
            const x0 = wd[b0 + q], x1 = wd[b1 + q], x2 = wd[b2 + q], x3 = wd[b3 + q], ca = q * P;
            for (let p = 0; p < P; p++) {
              const u = cols[ca + p];
              a0[p] += u * x0;
              a1[p] += u * x1;
              a2[p] += u * x2;
              a3[p] += u * x3;
            }
          }
          out.set(a0, ob(o)), out.set(a1, ob(o + 1)), out.set(a2, ob(o + 2)), out.set(a3, ob(o + 3));
        }
        for (; o < (grp + 1) * Og; o++) {
          a0.fill(0);
          const b0 = wb(o);
          for (let q = 0; q < CK; q++) {
            const w = wd[b0 + q], ca = q * P;
            for (let p = 0; p < P; p++) a0[p] += cols[ca + p] * w;
          }
          out.set(a0, ob(o));
        }
      }
  return new NDArray(out, g.out, dt);
}

const checkCt = (fn: string, g: NDArray, want: readonly number[], k: number) => {
  const ok = g.shape.length === want.length && g.shape.every((d, i) => d === want[i] || (i < k && d === 1));
  if (!ok) throw new TypeError(`${fn}: the cotangent has shape ${fmtShape(g.shape)}, the convolution's output ${fmtShape(want)}`);
};

/**
 * The lhs cotangent: the transpose of lhs ↦ conv(lhs, rhs) applied to the cotangent `ct`
 * (shaped like `lhs`; with batch axes, per batch element): the columns' cotangent, then each
 * column element added back to the input element it was read from.
 */
export function convTLhs(ct: NDArray, rhs: NDArray, lhs: NDArray, strides: unknown, padding: unknown, opts: ConvOpts = {}, k = 0): NDArray {
  const fn = opts.fn ?? "convGeneralDilated";
  let [r, gd] = floatOperands(fn, [rhs, "rhs"], [ct, "cotangent"]);
  if (opts.transposeKernel) r = kernelView(r, k);
  const dt = r.dtype;
  const g = convGeometry(lhs.shape, r.shape, strides, padding, opts, k, gd.shape);
  checkCt(fn, gd, g.out, k);
  const { N, C, O, Cg, G, X, K, P, table } = g;
  const Og = O / G, CK = Cg * K;
  const wd = r.data, cd = gd.data;
  const shape = [...g.lead, ...lhs.shape.slice(k)];
  const acc = new Float64Array(sizeOf(shape));
  if (gemmPath(g, cd, wd)) {
    convTLhsGemm(g, cd as Float32Array, wd as Float32Array, acc);
    return new NDArray(resultFloats(acc.length, acc), shape, dt);
  }
  const gcols = new Float64Array(CK * P);
  for (let b = 0; b < g.lOff.length; b++)
    for (let nn = 0; nn < N; nn++)
      for (let grp = 0; grp < G; grp++) {
        gcols.fill(0);
        const gb = (o: number) => ((g.gOff[b] * N + nn) * O + o) * P;
        const wb = (o: number) => (g.rOff[b] * O + o) * CK;
        let o = grp * Og;
        // four outputs' cotangents at a time (each column's sum read and written once for four)
        for (; o + 4 <= (grp + 1) * Og; o += 4) {
          const [g0, g1, g2, g3] = [gb(o), gb(o + 1), gb(o + 2), gb(o + 3)];
          const [b0, b1, b2, b3] = [wb(o), wb(o + 1), wb(o + 2), wb(o + 3)];
          for (let q = 0; q < CK; q++) {
            const w0 = wd[b0 + q], w1 = wd[b1 + q], w2 = wd[b2 + q], w3 = wd[b3 + q], c0 = q * P;
            for (let p = 0; p < P; p++) gcols[c0 + p] += cd[g0 + p] * w0 + cd[g1 + p] * w1 + cd[g2 + p] * w2 + cd[g3 + p] * w3;
          }
        }
        for (; o < (grp + 1) * Og; o++) {
          const g0 = gb(o), b0 = wb(o);
          for (let q = 0; q < CK; q++) {
            const w = wd[b0 + q], c0 = q * P;
            for (let p = 0; p < P; p++) gcols[c0 + p] += cd[g0 + p] * w;
          }
        }
        const xb = ((b * N + nn) * C + grp * Cg) * X;
        for (let c = 0; c < Cg; c++)
          for (let j = 0; j < K; j++) {
            const row = j * P, src = (c * K + j) * P, dst = xb + c * X;
            for (let p = 0; p < P; p++) {
              const i = table[row + p];
              if (i >= 0) acc[dst + i] += gcols[src + p];
            }
          }
      }
  return floatsFrom(acc, shape, dt);
}

/** The rhs cotangent: the transpose of rhs ↦ conv(lhs, rhs) applied to `ct` (shaped like `rhs`; per batch element): the cotangent times the columns. */
export function convTRhs(ct: NDArray, lhs: NDArray, rhs: NDArray, strides: unknown, padding: unknown, opts: ConvOpts = {}, k = 0): NDArray {
  const fn = opts.fn ?? "convGeneralDilated";
  const [x, gd] = floatOperands(fn, [lhs, "lhs"], [ct, "cotangent"]);
  const dt = x.dtype;
  const rshape = opts.transposeKernel ? [...rhs.shape.slice(0, k), rhs.shape[k + 1], rhs.shape[k], ...rhs.shape.slice(k + 2)] : rhs.shape;
  const g = convGeometry(x.shape, rshape, strides, padding, opts, k, gd.shape);
  checkCt(fn, gd, g.out, k);
  const { N, C, O, Cg, G, X, K, P, table } = g;
  const Og = O / G, CK = Cg * K;
  const xd = x.data, cd = gd.data;
  const shape = [...g.lead, ...rshape.slice(k)];
  const acc = new Float64Array(sizeOf(shape));
  if (gemmPath(g, cd, xd)) {
    convTRhsGemm(g, cd as Float32Array, xd as Float32Array, acc);
    const w = new NDArray(resultFloats(acc.length, acc), shape, dt);
    return opts.transposeKernel ? kernelView(w, k) : w;
  }
  const cols = new Float64Array(CK * P);
  for (let b = 0; b < g.lOff.length; b++)
    for (let nn = 0; nn < N; nn++)
      for (let grp = 0; grp < G; grp++) {
        im2col(xd, ((g.lOff[b] * N + nn) * C + grp * Cg) * X, Cg, X, K, P, table, cols);
        const gb = (o: number) => ((g.gOff[b] * N + nn) * O + o) * P;
        const wb = (o: number) => (b * O + o) * CK;
        let o = grp * Og;
        // four outputs at a time (each column read once for four sums)
        for (; o + 4 <= (grp + 1) * Og; o += 4) {
          const [g0, g1, g2, g3] = [gb(o), gb(o + 1), gb(o + 2), gb(o + 3)];
          const [b0, b1, b2, b3] = [wb(o), wb(o + 1), wb(o + 2), wb(o + 3)];
          for (let q = 0; q < CK; q++) {
            const c0 = q * P;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (let p = 0; p < P; p++) {
              const u = cols[c0 + p];
              s0 += cd[g0 + p] * u;
              s1 += cd[g1 + p] * u;
              s2 += cd[g2 + p] * u;
              s3 += cd[g3 + p] * u;
            }
            acc[b0 + q] += s0;
            acc[b1 + q] += s1;
            acc[b2 + q] += s2;
            acc[b3 + q] += s3;
          }
        }
        for (; o < (grp + 1) * Og; o++) {
          const g0 = gb(o), b0 = wb(o);
          for (let q = 0; q < CK; q++) {
            const c0 = q * P;
            let s = 0;
            for (let p = 0; p < P; p++) s += cd[g0 + p] * cols[c0 + p];
            acc[b0 + q] += s;
          }
        }
      }
  const w = floatsFrom(acc, shape, dt);
  return opts.transposeKernel ? kernelView(w, k) : w;
}

/** A user's options object captured whole, with what the calling function adds (generated code). */
export function convOpts(user: ConvOpts | undefined, meta: ConvOpts): ConvOpts {
  return { ...(user ?? {}), ...meta };
}

// ---- the public functions (jax-js's signatures) ----

const arr = (a: unknown, fn: string, what: string): NDArray => floatOperands(fn, [asArray(a as NDArray, fn), what])[0];

/**
 * General n-dimensional convolution (`jax.lax.conv_general_dilated` in NCHW/OIHW layout).
 * @param lhs input, shape `[N, C_in, ...xs]`
 * @param rhs kernel, shape `[C_out, C_in / G, ...ks]`
 * @param windowStrides strides for each spatial dimension
 * @param padding `"VALID"`, `"SAME"`, `"SAME_LOWER"` or `[lo, hi]` per spatial dimension
 */
export function convGeneralDilated(
  lhs: NDArray,
  rhs: NDArray,
  windowStrides: number[],
  padding: PaddingType,
  { lhsDilation, rhsDilation, featureGroupCount }: { lhsDilation?: number[]; rhsDilation?: number[]; featureGroupCount?: number } = {},
): NDArray {
  const fn = "convGeneralDilated";
  return convGeneral(arr(lhs, fn, "lhs"), arr(rhs, fn, "rhs"), windowStrides, padding, { fn, lhsDilation, rhsDilation, featureGroupCount });
}

/** convGeneralDilated with dilations as positional arguments. */
export function convWithGeneralPadding(lhs: NDArray, rhs: NDArray, windowStrides: number[], padding: PaddingType, lhsDilation?: number[], rhsDilation?: number[]): NDArray {
  const fn = "convWithGeneralPadding";
  return convGeneral(arr(lhs, fn, "lhs"), arr(rhs, fn, "rhs"), windowStrides, padding, { fn, lhsDilation, rhsDilation });
}

/** convGeneralDilated with no dilation and one feature group. */
export function conv(lhs: NDArray, rhs: NDArray, windowStrides: number[], padding: PaddingType): NDArray {
  const fn = "conv";
  return convGeneral(arr(lhs, fn, "lhs"), arr(rhs, fn, "rhs"), windowStrides, padding, { fn });
}

/**
 * The transposed ("fractionally strided") convolution, as jax-js computes it (JAX's consistent
 * padding): a convolution with lhs dilation `strides`, unit strides and padding
 * `dilation·(kernel - 1) - padding` on each side. With `transposeKernel` the kernel is given as
 * `[C_in, C_out, ...ks]` and its spatial axes are flipped (PyTorch's and TensorFlow's convention).
 */
export function convTranspose(lhs: NDArray, rhs: NDArray, strides: number[], padding: PaddingType, { rhsDilation, transposeKernel }: { rhsDilation?: number[]; transposeKernel?: boolean } = {}): NDArray {
  const fn = "convTranspose";
  return convGeneral(arr(lhs, fn, "lhs"), arr(rhs, fn, "rhs"), strides, padding, { fn, rhsDilation, transpose: true, transposeKernel: !!transposeKernel });
}
