// jax.nn.initializers: each is `(key, shape, dtype?) => Array`, the same algorithms as JAX
// (variance scaling over the fans of the last two axes; the truncated normal rescaled to unit
// variance), so parameters start where a JAX model's would. Params are plain pytrees: an
// initializer makes one leaf.

import { NDArray } from "../array.js";
import { zeros as zerosArr, ones as onesArr, full } from "../numpy/creation.js";
import { normal as normalDraw, truncatedNormal as truncDraw, uniform as uniformDraw } from "../random/index.js";
import type { KeyLike } from "../random/index.js";

export type Initializer = (key: KeyLike, shape: readonly number[], dtype?: "float32") => NDArray;
export type FanMode = "fanIn" | "fanOut" | "fanAvg";
export type Distribution = "truncatedNormal" | "normal" | "uniform";

const fr = Math.fround;
/** The standard deviation of a standard normal truncated to (−2, 2). */
const TRUNC_STDDEV = 0.87962566103423978;

const scaled = (x: NDArray, factor: number): NDArray => {
  const d = x.data as Float32Array;
  const out = new Float32Array(d.length);
  const f = fr(factor);
  for (let i = 0; i < d.length; i++) out[i] = fr(d[i] * f);
  return new NDArray(out, x.shape, "float32");
};

export const zeros: Initializer = (_key, shape) => zerosArr([...shape]);
export const ones: Initializer = (_key, shape) => onesArr([...shape]);
export const constant = (value: number): Initializer => (_key, shape) => full([...shape], value);
/** N(0, stddev²) (default stddev 0.01). */
export const normal = (stddev = 1e-2): Initializer => (key, shape) => scaled(normalDraw(key, [...shape]), stddev);
/** U[0, scale) (default scale 0.01). */
export const uniform = (scale = 1e-2): Initializer => (key, shape) => scaled(uniformDraw(key, [...shape]), scale);
/** stddev · a standard normal truncated to [lower, upper] (default [−2, 2], stddev 0.01). */
export const truncatedNormal = (stddev = 1e-2, lower = -2, upper = 2): Initializer => (key, shape) => scaled(truncDraw(key, lower, upper, [...shape]), stddev);

/** fan in and fan out of a weight shape: the in and out axes' sizes times the other axes' (the receptive field). */
export function computeFans(shape: readonly number[], inAxis = -2, outAxis = -1): [number, number] {
  if (shape.length < 2) throw new RangeError(`nn.initializers: can't compute the fans of a ${shape.length}-dimensional weight of shape (${shape.join(", ")}${shape.length === 1 ? "," : ""}): it must be at least 2-D`);
  const ax = (a: number) => (a < 0 ? a + shape.length : a);
  const inSize = shape[ax(inAxis)], outSize = shape[ax(outAxis)];
  const receptive = shape.reduce((a, b) => a * b, 1) / inSize / outSize;
  return [inSize * receptive, outSize * receptive];
}

/** JAX's variance_scaling: variance scale/fan (fanIn, fanOut or their mean), drawn from `distribution`. */
export function varianceScaling(scale: number, mode: FanMode, distribution: Distribution, opts: { inAxis?: number; outAxis?: number } = {}): Initializer {
  return (key, shape) => {
    const [fanIn, fanOut] = computeFans(shape, opts.inAxis, opts.outAxis);
    const denominator = mode === "fanIn" ? fanIn : mode === "fanOut" ? fanOut : (fanIn + fanOut) / 2;
    const variance = fr(scale / denominator);
    if (distribution === "truncatedNormal") return scaled(truncDraw(key, -2, 2, [...shape]), fr(fr(Math.sqrt(variance)) / fr(TRUNC_STDDEV)));
    if (distribution === "normal") return scaled(normalDraw(key, [...shape]), fr(Math.sqrt(variance)));
    return scaled(uniformDraw(key, [...shape], { minval: -1 }), fr(Math.sqrt(fr(3 * variance))));
  };
}

export const glorotUniform = (): Initializer => varianceScaling(1, "fanAvg", "uniform");
export const glorotNormal = (): Initializer => varianceScaling(1, "fanAvg", "truncatedNormal");
export const lecunUniform = (): Initializer => varianceScaling(1, "fanIn", "uniform");
export const lecunNormal = (): Initializer => varianceScaling(1, "fanIn", "truncatedNormal");
export const heUniform = (): Initializer => varianceScaling(2, "fanIn", "uniform");
export const heNormal = (): Initializer => varianceScaling(2, "fanIn", "truncatedNormal");
/** JAX's aliases. */
export const xavierUniform = glorotUniform;
export const xavierNormal = glorotNormal;
export const kaimingUniform = heUniform;
export const kaimingNormal = heNormal;
