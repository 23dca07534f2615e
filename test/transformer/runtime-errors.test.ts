// Run-time errors of transformed code: the checks JAX makes (scalar float output, float inputs at
// differentiated positions) and the error of the runtime grad when the transformer did not run.
import { describe, expect, it } from "vitest";
import { grad, jit, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectArr } from "./fixtures/check.js";

const x3 = jnp.array([1, 2, 3]);

describe("non-scalar outputs", () => {
  it("names the output's shape, as JAX does", () => {
    const g = grad((x: Array) => x.mul(2));
    expect(() => g(x3)).toThrow(TypeError);
    expect(() => g(x3)).toThrow("grad: Gradient only defined for scalar-output functions. Output had shape: (3,).");
    const g2 = grad((x: Array) => jnp.outer(x, x));
    expect(() => g2(x3)).toThrow("Output had shape: (3, 3).");
    const g3 = grad((x: Array) => jnp.sum(x, 0, { keepdims: true }));
    expect(() => g3(x3)).toThrow("Output had shape: (1,).");
  });
  it("valueAndGrad and hasAux check too", () => {
    expect(() => valueAndGrad((x: Array) => x.add(1))(x3)).toThrow("valueAndGrad: Gradient only defined for scalar-output functions. Output had shape: (3,).");
    expect(() => grad((x: Array) => [x.mul(x), 1] as [Array, number], { hasAux: true })(x3)).toThrow("Output had shape: (3,).");
  });
  it("a grad of a grad whose inner gradient is not a scalar", () => {
    const dg = grad((x: Array) => jnp.sum(jnp.tanh(x)));
    const ddg = grad(dg);
    expect(() => ddg(x3)).toThrow("Output had shape: (3,).");
    // a 0-d input is fine
    expectArr(ddg(jnp.array(0.5)), [], -2 * Math.tanh(0.5) * (1 - Math.tanh(0.5) ** 2), 1e-6);
  });
  it("an output that does not depend on the input is still checked", () => {
    expect(() => grad((x: Array) => jnp.ones([2]))(x3)).toThrow("Output had shape: (2,).");
  });
});

describe("integer and boolean Arrays at differentiated positions", () => {
  const f = (x: Array) => jnp.sum(x.mul(x));
  const msg = (dt: string) =>
    `grad differentiates with respect to float Arrays (float32, float64, float16) and numbers, but got ${dt.startsWith("i") ? "an" : "a"} ${dt} Array. ` +
    `To differentiate at integer or boolean values, convert them with .astype("float32").`;
  it("int32 and bool inputs are refused, saying what to do", () => {
    expect(() => grad(f)(jnp.array([1, 2], { dtype: "int32" }))).toThrow(msg("int32"));
    expect(() => grad(f)(jnp.array([true, false]))).toThrow(/but got a bool Array\./);
    expect(() => grad(f)(jnp.array([1, 2], { dtype: "uint32" }))).toThrow(/but got a uint32 Array\./);
    expect(() => valueAndGrad(f)(jnp.array([1, 2], { dtype: "int32" }))).toThrow(/^valueAndGrad differentiates with respect to float Arrays/);
  });
  it("inside a pytree", () => {
    const h = grad((p: { a: Array; b: Array }) => jnp.sum(p.a.mul(p.b)));
    expect(() => h({ a: jnp.array([1.5]), b: jnp.array([1], { dtype: "int32" }) })).toThrow(/but got an int32 Array/);
  });
  it("allowed at positions that are not differentiated", () => {
    const h = grad((x: Array, k: Array) => jnp.sum(x.mul(k)));
    expectArr(h(jnp.array([1, 2]), jnp.array([3, 4], { dtype: "int32" })), [2], [3, 4]);
  });
  it("after .astype('float32') they are accepted", () => {
    expectArr(grad(f)(jnp.array([1, 2], { dtype: "int32" }).astype("float32")), [2], [2, 4]);
  });
  it("a non-Array value at an Array position is refused", () => {
    const bad: any = [1, 2];
    expect(() => grad(f)(bad)).toThrow(/grad: expected a number or an Array at a differentiated position, got a JS array of length 2/);
  });
});

describe("integer and boolean outputs", () => {
  it("an int32 output is refused with JAX's message", () => {
    const g = grad((x: Array) => jnp.sum(x).astype("int32"));
    expect(() => g(x3)).toThrow('grad needs a float output to differentiate, but the function returned int32 (convert it with .astype("float32"), or return a float value).');
  });
  it("a bool output is refused", () => {
    expect(() => grad((x: Array) => jnp.greater(jnp.sum(x), 0))(x3)).toThrow(/needs a float output to differentiate, but the function returned bool/);
  });
});

describe("errors from the forward pass propagate", () => {
  it("an out-of-bounds index", () => {
    expect(() => grad((x: Array) => jnp.sum(x.at(5)))(x3)).toThrow(/index 5 is out of bounds for axis 0 with size 3/);
  });
  it("incompatible shapes", () => {
    expect(() => grad((x: Array) => jnp.sum(x.add(jnp.ones([4]))))(x3)).toThrow();
  });
});

describe("the runtime faces without the transformer", () => {
  it("grad and valueAndGrad reached at run time say the transformer did not run", async () => {
    // An indirection the transformer cannot resolve to tsjax's grad: a dynamically imported module
    // read through an `any`.
    const mod: any = await import("../../runtime/transforms.js");
    const g = mod["grad"];
    const vg = mod["valueAndGrad"];
    const f = (x: number) => x * x;
    expect(() => g(f)).toThrow(/^grad\(\) ran without the tsjax transformer: gradients are compiled at build time\./);
    expect(() => g(f)).toThrow(/plugins: \[tsjax\(\)\]/);
    expect(() => vg(f)).toThrow(/^valueAndGrad\(\) ran without the tsjax transformer/);
  });
  it("jit runs eagerly and checks its argument", async () => {
    const f = (x: number) => x + 1;
    expect(jit(f)(1)).toBe(2);
    const j: any = jit;
    expect(() => j(3)).toThrow("jit: expected a function, got number");
  });
});

describe("allocation", () => {
  it("an Array too large to allocate names the op, the shape and the bytes", () => {
    expect(() => jnp.zeros([100000, 100000])).toThrow("zeros: shape (100000, 100000): cannot allocate an Array of 10000000000 float32 elements (40000000000 bytes): too large, or not a whole number of elements");
  });
});
