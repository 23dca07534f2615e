// Gathers whose indices differ per example inside nested vmaps (vTake's batching rule: each vmap
// level one more leading batch axis of the indices, and of x where x has them): against loops over
// both levels, with x batched at both, one or neither level, and through grad (the scatter-add).
import { describe, expect, it } from "vitest";
import { grad, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const seq = (shape: number[], k: number) => jnp.reshape(jnp.sin(jnp.add(jnp.arange(shape.reduce((a, b) => a * b, 1)), k)), shape);
const ints = (shape: number[], mod: number, k: number) => jnp.reshape(jnp.array(globalThis.Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, j) => (j * 7 + k) % mod), { dtype: "int32" }), shape);
const pick = (x: Array, i: Array) => jnp.take(x, i, 0);
/** f over both levels by loops: operands with a leading level axis are indexed, others shared. */
const loop2 = (f: (...a: Array[]) => Array, args: Array[], lv: [boolean, boolean][], B2: number, B1: number) =>
  jnp.stack(globalThis.Array.from({ length: B2 }, (_, b2) => jnp.stack(globalThis.Array.from({ length: B1 }, (_, b1) => f(...args.map((a, j) => {
    let v = a;
    if (lv[j][0]) v = v.slice(b2);
    if (lv[j][1]) v = v.slice(b1);
    return v;
  }))))));

describe("vmap of vmap of a gather by example", () => {
  const B2 = 3, B1 = 2;
  it("x and the indices batched at both levels", () => {
    const x = seq([B2, B1, 5, 2], 1), i = ints([B2, B1, 4], 5, 1);
    expect(vmap(vmap(pick))(x, i)).toEqual(loop2(pick, [x, i], [[true, true], [true, true]], B2, B1));
  });
  it("x batched at the outer level only, at the inner only, or shared", () => {
    const i = ints([B2, B1, 3], 5, 2);
    const xo = seq([B2, 5], 2);
    expect(vmap(vmap(pick, [null, 0]), [0, 0])(xo, i)).toEqual(loop2(pick, [xo, i], [[true, false], [true, true]], B2, B1));
    const xi = seq([B1, 5], 3);
    expect(vmap(vmap(pick), [null, 0])(xi, i)).toEqual(loop2(pick, [xi, i], [[false, true], [true, true]], B2, B1));
    const xs = seq([5, 3], 4);
    expect(vmap(vmap(pick, [null, 0]), [null, 0])(xs, i)).toEqual(loop2(pick, [xs, i], [[false, false], [true, true]], B2, B1));
  });
  it("indices batched at the inner level only (the same indices for every outer example)", () => {
    const x = seq([B2, B1, 5], 5), i = ints([B1, 2], 5, 3);
    expect(vmap(vmap(pick), [0, null])(x, i)).toEqual(loop2(pick, [x, i], [[true, true], [false, true]], B2, B1));
  });
  it("per-example gradients through a gather by label, nested: the scatter-add per example", () => {
    // a cross-entropy-like loss: -log softmax(z)[label]
    const loss = (w: Array, z: Array, y: Array) => jnp.negative(jnp.take(jnp.subtract(jnp.multiply(z, w), jnp.log(jnp.sum(jnp.exp(jnp.multiply(z, w))))), y, 0));
    const g = grad(loss);
    const w = seq([4], 6), z = seq([B2, B1, 4], 7), y = ints([B2, B1], 4, 1);
    const got = vmap(vmap(g, [null, 0, 0]), [null, 0, 0])(w, z, y);
    const want = loop2(g, [w, z, y], [[false, false], [true, true], [true, true]], B2, B1);
    expect(got.shape).toEqual([B2, B1, 4]);
    (got.data as Float32Array).forEach((v, k) => expect(v).toBeCloseTo((want.data as Float32Array)[k], 6));
    // and the gradient of a shared x through a nested gather: summed over both levels
    const idx = ints([B2, B1, 3], 5, 4);
    const s = (x: Array) => jnp.sum(vmap(vmap(pick, [null, 0]), [null, 0])(x, idx));
    const gs = grad(s)(seq([5], 8));
    const counts = [0, 0, 0, 0, 0];
    (idx.data as Int32Array).forEach((v) => counts[v]++);
    expect(gs.tolist()).toEqual(counts);
  });
  it("batch sizes that disagree name both", () => {
    const f = vmap(vmap(pick));
    expect(() => f(seq([3, 2, 5], 1), ints([3, 4, 1], 5, 1))).toThrow("vmap(pick): the mapped axes have different sizes: 'x' has size 2 along axis 1, 'i' has size 4 along axis 1");
  });
});
