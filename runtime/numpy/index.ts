// The jax.numpy work-alike: every primitive, grouped by concern in the files beside this one.
// Named, not `export *`: the files also hold what generated code and the transformer use (the AD
// transposes, the formula tables), which are runtime/rt.ts's, not the public namespace's.
/**
 * The jax.numpy work-alike: `import { numpy as jnp } from "tsjax"` (or `"tsjax/numpy"`).
 * @module tsjax/numpy
 */
// (the Array methods that are jnp functions: all, any, sort, argsort, diagonal, mod)
import "../array-methods.js";
export * from "./creation.js";
export {
  abs, absolute, add, arccos, arcsin, arctan, arctan2, bitwiseAnd, bitwiseNot, bitwiseOr,
  bitwiseXor, ceil, clip, cos, cosh, divide, equal, exp, expm1, floor, fma, fmod, greater,
  greaterEqual, hypot, invert, less, lessEqual, log, log1p, logicalAnd, logicalNot, logicalOr,
  maximum, minimum, multiply, negative, notEqual, power, reciprocal, sign, sin, sinh, sqrt, square,
  subtract, tan, tanh, trueDivide, trunc, where
} from "./elementwise.js";
export type { VarOpts } from "./reduce.js";
export { argmax, argmin, logsumexp, max, mean, min, prod, std, sum, var } from "./reduce.js";
export { dot, matmul, outer, vdot } from "./linalg.js";
export { transpose, reshape, ravel, expandDims, squeeze, broadcastTo, concatenate, stack } from "./shape.js";
export { index, slice, take } from "./indexing.js";
export {
  all, any, cbrt, copysign, countNonzero, deg2rad, degrees, exp2, floorDivide, fmax, fmin,
  heaviside, isclose, isfinite, isinf, isnan, isneginf, isposinf, log10, log2, logaddexp,
  logaddexp2, matvec, mod, nanToNum, nanmax, nanmean, nanmin, nansum, positive, ptp, rad2deg,
  radians, remainder, signbit, sinc, vecdot, vecmat
} from "./composites.js";
export {
  argsort, arraySplit, atleast1d, atleast2d, atleast3d, columnStack, cumprod, cumsum, diagonal,
  dstack, flip, fliplr, flipud, hstack, moveaxis, pad, repeat, roll, sort, split, swapaxes,
  takeAlongAxis, tile, trace, tril, triu, vstack
} from "./arrange.js";
export { einsum } from "./einsum.js";
export { convolve, correlate } from "./convolve.js";
export * as linalg from "./la.js";
export {
  Array, acos, acosh, append, arccosh, arcsinh, arctanh, around, asin, asinh, atan, atan2, atanh,
  average, broadcastArrays, corrcoef, cov, cross, cumulativeProd, cumulativeSum, diag, diagflat,
  diff, divmod, dsplit, ediff1d, floatPower, hsplit, inner, isin, ldexp, logicalXor,
  matrixTranspose, meshgrid, modf, nanargmax, nanargmin, nancumprod, nancumsum, nanprod, nanstd,
  nanvar, permuteDims, polyadd, polyder, polymul, polysub, polyval, pow, rint, rot90, round,
  select, tensordot, trapezoid, unwrap, vander, vsplit
} from "./more.js";
export * from "./more-eager.js";
export * as fft from "./fft.js";
