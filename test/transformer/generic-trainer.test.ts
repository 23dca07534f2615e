// Generic trainers (transformer/generic.ts): a function that differentiates a function it is
// given is instantiated at each call whose argument tsjax can see.
import { describe, expect, it } from "vitest";
import { grad, valueAndGrad, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { toVec } from "./fixtures/fd.js";
import { descend } from "./fixtures/trainer.js";
import { towardThree } from "./fixtures/trainer-caller.js";

/** A generic trainer: plain gradient descent on any loss of any parameter pytree. */
function fit<P extends { [k: string]: Array }>(loss: (p: P) => Array, p: P, steps: number, lr: number): [number, P] {
  let last = 0;
  for (let i = 0; i < steps; i++) {
    const [l, g] = valueAndGrad(loss)(p);
    last = l.item() as number;
    const next: { [k: string]: Array } = {};
    for (const k of Object.keys(p)) next[k] = jnp.subtract(p[k], jnp.multiply((g as unknown as Record<string, Array>)[k], lr));
    p = next as P;
  }
  return [last, p];
}
const slope = (f: (x: number) => number, x: number) => grad(f)(x);

const X = jnp.array([0, 1, 2, 3]);
const Y = jnp.array([1, 3, 5, 7]);
const line = (p: { w: Array; b: Array }) => jnp.mean(jnp.square(jnp.subtract(jnp.add(jnp.multiply(X, p.w), p.b), Y)));

describe("generic trainers", () => {
  it("a file with no transform call of its own that calls a trainer from another module is compiled too", () => {
    const w = towardThree();
    expect(w.data[0]).toBeCloseTo(3, 4);
    expect(w.data[1]).toBeCloseTo(3, 4);
  });
  it("fit(line, …) trains with the derivative compiled at this call", () => {
    const [l, p] = fit(line, { w: jnp.array(0), b: jnp.array(0) }, 500, 0.05);
    expect(l).toBeLessThan(1e-4);
    expect(p.w.item()).toBeCloseTo(2, 2);
    expect(p.b.item()).toBeCloseTo(1, 2);
  });
  it("two calls with different functions, one an inline arrow closing over a local", () => {
    const k = 3;
    expect(slope((x: number) => x * x * k, 2)).toBe(12);
    const cube = (x: number) => x ** 3;
    expect(slope(cube, 2)).toBe(12);
    const [l0] = fit((p: { a: Array }) => jnp.sum(jnp.square(jnp.subtract(p.a, 5))), { a: jnp.array([0, 1]) }, 1, 0.1);
    expect(l0).toBe(25 + 16);
  });
  it("a trainer imported from another module, instantiated here", () => {
    const target = jnp.array([1, -2, 3]);
    const w = descend((w: Array) => jnp.sum(jnp.square(jnp.subtract(w, target))), jnp.zeros([3]), 200, 0.1);
    toVec(w).forEach((v, i) => expect(v).toBeCloseTo([1, -2, 3][i], 4));
  });
  it("a function passed on through another generic function: compiled at the outer call", () => {
    const f = (x: number) => x * x * x;
    const pass = (g: (x: number) => number) => slope(g, 2); // g reaches slope's grad through pass
    expect(pass(f)).toBe(12);
  });
  it("a function that reaches the trainer without being compiled is a clear run-time error", () => {
    const f = (x: number) => x * 2;
    // (a call tsjax cannot follow: through Function.prototype.call)
    expect(() => slope.call(null, f, 1)).toThrow(/grad\(f\) in slope: the function it was given was not compiled where it was passed in/);
  });
});
