// tsjax: JAX's transformations for TypeScript, compiled at build time.
/**
 * JAX's transformations (grad, valueAndGrad, jit, vmap…) compiled away at build time by the
 * tsjax transformer, and the float32 Array runtime they run on.
 * @module tsjax
 */
export { NDArray as Array } from "./array.js";
export type { ArrayLike, Axis, ReduceOpts, SliceSpec } from "./array.js";
export type { DType } from "./dtype.js";
export * as numpy from "./numpy/index.js";
export * as random from "./random/index.js";
export * as tree from "./tree.js";
export * as optim from "./optim/index.js";
export * as nn from "./nn/index.js";
export * as lax from "./lax/index.js";
export * as scipySpecial from "./scipy-special.js";
export { grad, valueAndGrad, jit, jvp, vjp, linearize, jacfwd, jacrev, hessian, vmap, stopGradient, customVjp, customJvp, checkpoint } from "./transforms.js";
export type { GradOptions, JacOptions, JitOptions, Cotangent, GradResult, ValueAndGradResult, Tangent, Tangents, Jacobian } from "./transforms.js";
export { pyrepr } from "./pyrepr.js";
export { devices, type DeviceName } from "./webgpu/device.js";
export { initDevice, setDefaultDevice, defaultDevice, devicePut, deviceGet, blockUntilReady } from "./placement.js";
