// The jax.numpy work-alike: every primitive, grouped by concern in the files beside this one.
/**
 * The jax.numpy work-alike: `import { numpy as jnp } from "tsjax"` (or `"tsjax/numpy"`).
 * @module tsjax/numpy
 */
export * from "./creation.js";
export * from "./elementwise.js";
export * from "./reduce.js";
export * from "./linalg.js";
export { transpose, reshape, ravel, expandDims, squeeze, broadcastTo, concatenate, stack } from "./shape.js";
export * from "./indexing.js";
export * from "./composites.js";
export * from "./arrange.js";
export { einsum } from "./einsum.js";
export { convolve, correlate } from "./convolve.js";
export * as linalg from "./la.js";
export * from "./more.js";
export * from "./more-eager.js";
export * as fft from "./fft.js";
