// vmap: every batched program against the per-example loop it replaces (the same function run on
// each example and stacked), for elementwise code, reductions, products, movement, indexing,
// branches and loops whose conditions differ per example, pytree axes, and compositions with
// grad, jvp, jit and vmap itself.
import { describe, expect, it } from "vitest";
import { grad, jit, jvp, numpy as jnp, random, valueAndGrad, vmap } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const key = random.key(0);
const rnd = (k: number, shape: number[]) => random.normal(random.foldIn(key, k), shape);

/** The per-example loop: f on each slice along `axis` of the mapped arguments, stacked on axis 0. */
function loop(f: (...a: any[]) => any, args: any[], axes: (number | null)[]): Array {
  const n = args.find((a, i) => axes[i] !== null).shape[axes[args.findIndex((a, i) => axes[i] !== null)]!];
  const outs: Array[] = [];
  for (let e = 0; e < n; e++) outs.push(jnp.array(f(...args.map((a, i) => (axes[i] === null ? a : jnp.take(a, e, axes[i]!))))));
  return jnp.stack(outs);
}
const close = (a: Array, b: Array, tol = 1e-6) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.tolist() as any, y = b.tolist() as any;
  expect(jnp.max(jnp.abs(jnp.subtract(a, b))).item()).toBeLessThanOrEqual(tol * (1 + (jnp.max(jnp.abs(b)).item() as number)));
  void x, y;
};

function ew(x: Array, y: Array): Array {
  return jnp.add(jnp.multiply(jnp.tanh(x), y), jnp.exp(jnp.multiply(x, 0.5)));
}

describe("vmap: elementwise", () => {
  it("maps axis 0 of both arguments", () => {
    const x = rnd(1, [5, 3]), y = rnd(2, [5, 3]);
    close(vmap(ew)(x, y), loop(ew, [x, y], [0, 0]));
  });
  it("an unmapped argument broadcasts against each example", () => {
    const x = rnd(1, [5, 3]), y = rnd(2, [3]);
    close(vmap(ew, [0, null])(x, y), loop(ew, [x, y], [0, null]));
  });
});
