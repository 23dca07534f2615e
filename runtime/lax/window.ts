// lax.reduceWindow as jax-js has it: windows over the trailing `windowDimensions.length` axes, no
// padding, strides 1 by default; the computation reduces one window (an Array shaped like the
// window) to a scalar. jnp.max, jnp.min, jnp.sum and jnp.mean run as window kernels (the
// transformer recognises them by name at build time: pooling); any other function runs eagerly,
// window by window. The derivative rules (transformer/prims/conv.ts): a sum's cotangent spreads
// back over every window an element is in (windowSumT, the transpose of the sum); max and min
// send each window's cotangent to the first element that attains the window's value
// (windowScatter, JAX's select-and-scatter with `>=` / `<=`), whose transpose is windowGather.

import { asFloat } from "../dtype-cast.js";
import { floatsFrom } from "../dtype-cast.js";
import { NDArray } from "../array.js";
import { asArray, astype } from "../numpy/creation.js";
import { alloc } from "../dtype.js";
import type { DType, TypedArray } from "../dtype.js";
import { max, mean, min, sum } from "../numpy/reduce.js";
import { fmtShape, sizeOf } from "../shape.js";

export type WindowKind = "max" | "min" | "sum";

interface Windows {
  out: number[];
  /** Leading elements (the axes outside the window), window and output sizes. */
  L: number;
  W: number;
  P: number;
  X: number;
  /** table[j * P + p]: the offset (within one leading element) of window element j of output p. */
  table: Int32Array;
}

function windows(fn: string, shape: readonly number[], win: unknown, str: unknown): Windows {
  const isInts = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d > 0);
  if (!isInts(win)) throw new TypeError(`${fn}: windowDimensions must be a list of positive integers, got ${JSON.stringify(win)}`);
  const n = win.length;
  const strides = str === undefined || str === null ? new Array<number>(n).fill(1) : str;
  if (!isInts(strides) || strides.length !== n) throw new TypeError(`${fn}: windowStrides must be ${n} positive integer(s) (one per window dimension), got ${JSON.stringify(str)}`);
  if (n > shape.length) throw new TypeError(`${fn}: windowDimensions ${JSON.stringify(win)} has ${n} dimensions, more than the operand of shape ${fmtShape(shape)}`);
  const lead = shape.slice(0, shape.length - n), xs = shape.slice(shape.length - n);
  xs.forEach((x, d) => {
    if (win[d] > x) throw new TypeError(`${fn}: window ${JSON.stringify(win)} does not fit the operand of shape ${fmtShape(shape)} (window dimension ${d}: ${win[d]} > ${x})`);
  });
  const ys = xs.map((x, d) => Math.floor((x - win[d]) / strides[d]) + 1);
  let t = new Int32Array([0]);
  let tw = 1, tp = 1;
  for (let d = 0; d < n; d++) {
    const nw = tw * win[d], np = tp * ys[d];
    const next = new Int32Array(nw * np);
    for (let a = 0; a < tw; a++)
      for (let j = 0; j < win[d]; j++)
        for (let p = 0; p < tp; p++) for (let i = 0; i < ys[d]; i++) next[(a * win[d] + j) * np + p * ys[d] + i] = t[a * tp + p] * xs[d] + i * strides[d] + j;
    t = next;
    tw = nw;
    tp = np;
  }
  return { out: [...lead, ...ys], L: sizeOf(lead), W: tw, P: tp, X: sizeOf(xs), table: t };
}

// (float dtypes as they are: float64 stays float64, float16 float16; ints and bool as float32)
const floats = asFloat;

/** The window reduction primitive: max, min or sum over each window (float64 sums, rounded once). */
export function windowReduce(operand: NDArray, kind: WindowKind, windowDimensions: unknown, windowStrides?: unknown): NDArray {
  const x = operand.dtype === "bool" ? astype(operand, "int32") : operand;
  const w = windows("reduceWindow", x.shape, windowDimensions, windowStrides);
  const out = alloc(x.dtype, w.L * w.P);
  const d = x.data;
  for (let l = 0; l < w.L; l++)
    for (let p = 0; p < w.P; p++) {
      const base = l * w.X;
      let acc = kind === "max" ? -Infinity : kind === "min" ? Infinity : 0;
      for (let j = 0; j < w.W; j++) {
        const v = d[base + w.table[j * w.P + p]];
        if (kind === "sum") acc += v;
        // (NaN wins, as jnp.max)
        else if (v !== v || (kind === "max" ? v > acc : v < acc)) acc = v;
        if (acc !== acc) break;
      }
      out[l * w.P + p] = acc;
    }
  return new NDArray(out, w.out, x.dtype);
}

/** The position (offset within its leading element) each window selects: the first max / min (a NaN first of all). */
function selected(x: NDArray, kind: WindowKind, w: Windows, l: number, p: number): number {
  const d = x.data, base = l * w.X;
  let best = w.table[p], bv = d[base + best];
  if (bv !== bv) return best;
  for (let j = 1; j < w.W; j++) {
    const i = w.table[j * w.P + p], v = d[base + i];
    if (v !== v) return i;
    if (kind === "max" ? v > bv : v < bv) (best = i), (bv = v);
  }
  return best;
}

/** The transpose of the window sum: each element gets the sum of the cotangents of the windows it is in. */
export function windowSumT(ct: NDArray, operand: NDArray, windowDimensions: unknown, windowStrides?: unknown): NDArray {
  const w = windows("reduceWindow", operand.shape, windowDimensions, windowStrides);
  const g = floats(ct).data;
  const acc = new Float64Array(operand.size);
  for (let l = 0; l < w.L; l++)
    for (let j = 0; j < w.W; j++)
      for (let p = 0; p < w.P; p++) acc[l * w.X + w.table[j * w.P + p]] += g[l * w.P + p];
  return floatsFrom(acc, operand.shape, floats(ct).dtype);
}

/** Select-and-scatter: each window's cotangent to the element the window's max (min) came from. */
export function windowScatter(ct: NDArray, operand: NDArray, kind: WindowKind, windowDimensions: unknown, windowStrides?: unknown): NDArray {
  const w = windows("reduceWindow", operand.shape, windowDimensions, windowStrides);
  const g = floats(ct).data;
  const acc = new Float64Array(operand.size);
  for (let l = 0; l < w.L; l++) for (let p = 0; p < w.P; p++) acc[l * w.X + selected(operand, kind, w, l, p)] += g[l * w.P + p];
  return floatsFrom(acc, operand.shape, floats(ct).dtype);
}

/** The transpose of windowScatter: each window reads t at the element its max (min) came from. */
export function windowGather(t: NDArray, operand: NDArray, kind: WindowKind, windowDimensions: unknown, windowStrides?: unknown): NDArray {
  const w = windows("reduceWindow", operand.shape, windowDimensions, windowStrides);
  const tf = floats(t);
  const td = tf.data;
  const out = alloc(tf.dtype, w.L * w.P);
  for (let l = 0; l < w.L; l++) for (let p = 0; p < w.P; p++) out[l * w.P + p] = td[l * w.X + selected(operand, kind, w, l, p)];
  return new NDArray(out, w.out, tf.dtype);
}

const KINDS = new Map<unknown, WindowKind | "mean">([
  [max, "max"],
  [min, "min"],
  [sum, "sum"],
  [mean, "mean"],
]);

/**
 * Reduces each window of `operand` (over its trailing `windowDimensions.length` axes) with
 * `computation`, a function from one window to a scalar: jnp.max, jnp.min (max/min pooling),
 * jnp.sum, jnp.mean (sum/average pooling), or any other function (eager code only).
 */
export function reduceWindow(operand: NDArray, computation: (x: NDArray) => NDArray, windowDimensions: number[], windowStrides?: number[]): NDArray {
  const x = asArray(operand, "reduceWindow");
  const kind = KINDS.get(computation);
  if (kind === "mean") {
    const s = windowReduce(floats(x), "sum", windowDimensions, windowStrides);
    const n = sizeOf(windowDimensions);
    return new NDArray(s.data.map((v) => v / n), s.shape, s.dtype);
  }
  if (kind) return windowReduce(x, kind, windowDimensions, windowStrides);
  if (typeof computation !== "function") throw new TypeError(`reduceWindow: the computation must be a function of one window (jnp.max, jnp.min, jnp.sum, ...), got ${typeof computation}`);
  // any other reduction: window by window
  const w = windows("reduceWindow", x.shape, windowDimensions, windowStrides);
  const xf = floats(x);
  let out: TypedArray | null = null;
  let dt: DType = xf.dtype;
  const buf = alloc(xf.dtype, w.W);
  for (let l = 0; l < w.L; l++)
    for (let p = 0; p < w.P; p++) {
      for (let j = 0; j < w.W; j++) buf[j] = xf.data[l * w.X + w.table[j * w.P + p]];
      const r = asArray(computation(new NDArray(buf.slice(), [...windowDimensions], xf.dtype)), "reduceWindow");
      if (out === null) (dt = r.dtype), (out = alloc(dt, w.L * w.P));
      if (r.size !== 1) throw new TypeError(`reduceWindow: the computation must reduce a window of shape ${fmtShape(windowDimensions)} to a scalar, got shape ${fmtShape(r.shape)}`);
      out[l * w.P + p] = Number(r.data[0]);
    }
  return new NDArray(out ?? alloc(dt, 0), w.out, dt);
}
