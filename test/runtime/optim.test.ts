// tsjax/optim against optax's update rules: trajectories of 25 steps on a small problem (params
// {w: a float32 Array, b: a number}) compared with the same rules in float64 NumPy
// (test/fixtures/gen_optim.py → optim.json), schedules value by value, and the API's shape.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { optim, numpy as jnp, tree, Array as TArray } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import * as optimModule from "../../runtime/optim/index.js";

interface Point {
  w: number[];
  b: number;
}
const FIX = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as {
  steps: number;
  p0: Point;
  target: number[];
  cases: Record<string, Point[]>;
  schedules: Record<string, number[]>;
};
interface Params {
  w: Array;
  b: number;
}
const T = jnp.array(FIX.target);
/** The fixture's gradient, in float32 for w and float64 for b. */
const grads = (p: Params): Params => ({
  w: jnp.add(jnp.multiply(jnp.multiply(jnp.subtract(p.w, T), 2), jnp.add(jnp.multiply(jnp.square(p.w), 0.1), 1)), 0.05),
  b: 3 * p.b * p.b - 1,
});

const TXS: Record<string, optim.GradientTransformation> = {
  "sgd(0.1)": optim.sgd(0.1),
  "sgd(0.05, momentum 0.9)": optim.sgd(0.05, { momentum: 0.9 }),
  "sgd(0.05, momentum 0.9, nesterov)": optim.sgd(0.05, { momentum: 0.9, nesterov: true }),
  "adam(0.1)": optim.adam(0.1),
  "adam(exponentialDecay(0.1, 5, 0.5))": optim.adam(optim.exponentialDecay(0.1, 5, 0.5)),
  "adamw(0.05, weightDecay 0.1)": optim.adamw(0.05, { weightDecay: 0.1 }),
  "rmsprop(0.02)": optim.rmsprop(0.02),
  "rmsprop(0.01, momentum 0.5)": optim.rmsprop(0.01, { momentum: 0.5 }),
  "adagrad(0.3)": optim.adagrad(0.3),
  "lion(0.01)": optim.lion(0.01),
  "chain(clipByGlobalNorm(1), sgd(0.2))": optim.chain(optim.clipByGlobalNorm(1), optim.sgd(0.2)),
};

describe("optimizers follow optax's update rules (float64 reference, 25 steps)", () => {
  it("covers every case of the fixture", () => {
    expect(Object.keys(TXS).sort()).toEqual(Object.keys(FIX.cases).sort());
  });
  it.each(Object.keys(TXS))("%s", (name) => {
    const tx = TXS[name];
    let p: Params = { w: new TArray(Float32Array.from(FIX.p0.w), [3], "float32"), b: FIX.p0.b };
    let state = tx.init(p);
    FIX.cases[name].forEach((want, step) => {
      const [updates, next] = tx.update(grads(p), state, p);
      p = optim.applyUpdates(p, updates);
      state = next;
      // float32 w drifts from the float64 path by a few ulps a step; b is float64 throughout
      // (coupled to w only through the clipped chain's global norm)
      const w = [...(p.w.data as Float32Array)];
      w.forEach((v, i) => expect(Math.abs(v - want.w[i]), `${name}: w[${i}] after step ${step + 1}`).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(want.w[i]))));
      expect(Math.abs(p.b - want.b), `${name}: b after step ${step + 1}`).toBeLessThanOrEqual((name.includes("clip") ? 1e-7 : 1e-12) * (1 + Math.abs(want.b)));
    });
    // (they all head for the minimum: w near the target, b near 1/√3)
    expect(Math.abs((p.w.data as Float32Array)[0] - 1)).toBeLessThan(Math.abs(FIX.p0.w[0] - 1));
  });
});

describe("schedules", () => {
  const S: Record<string, optim.Schedule> = {
    "exponentialDecay(1, 10, 0.5)": optim.exponentialDecay(1, 10, 0.5),
    "exponentialDecay(1, 10, 0.5, begin 5, staircase, end 0.2)": optim.exponentialDecay(1, 10, 0.5, { transitionBegin: 5, staircase: true, endValue: 0.2 }),
    "cosineDecaySchedule(2, 30, alpha 0.1)": optim.cosineDecaySchedule(2, 30, { alpha: 0.1 }),
    "warmupCosineDecaySchedule(0, 1, 5, 30, end 0.1)": optim.warmupCosineDecaySchedule(0, 1, 5, 30, { endValue: 0.1 }),
    "piecewiseConstantSchedule(1, {10: 0.5, 20: 0.1})": optim.piecewiseConstantSchedule(1, { 10: 0.5, 20: 0.1 }),
  };
  it.each(Object.keys(S))("%s, steps 0..39", (name) => {
    FIX.schedules[name].forEach((v, step) => expect(S[name](step)).toBeCloseTo(v, 14));
  });
  it("constantSchedule and bad arguments", () => {
    expect(optim.constantSchedule(0.3)(1000)).toBe(0.3);
    expect(() => optim.exponentialDecay(1, 0, 0.5)).toThrow(/transitionSteps must be positive/);
    expect(() => optim.warmupCosineDecaySchedule(0, 1, 10, 5)).toThrow(/decaySteps \(5\) must exceed warmupSteps \(10\)/);
  });
});

describe("the API", () => {
  it("is reached as `optim` from tsjax and as the module tsjax/optim", () => {
    expect(optimModule.adam).toBe(optim.adam);
  });
  it("the state mirrors the parameters' pytree (moments are trees of the same structure)", () => {
    const p = { layer: { W: jnp.ones([2, 3]), b: jnp.zeros([3]) }, scale: 1 };
    const s = optim.adam(1e-3).init(p);
    const inner = s.inner![0];
    expect(tree.structure(inner.mu).toString()).toBe(tree.structure(p).toString());
    expect(inner.count).toBe(0);
    expect((inner.nu as typeof p).layer.W.shape).toEqual([2, 3]);
  });
  it("adamw and lion need the parameters: a clear error without them", () => {
    const p = { w: jnp.ones([2]) };
    const tx = optim.adamw(0.1);
    expect(() => tx.update(p, tx.init(p))).toThrow(/optim\.addDecayedWeights: update needs the parameters/);
  });
  it("a chain's state must come from the same chain", () => {
    const p = { w: jnp.ones([2]) };
    expect(() => optim.chain(optim.sgd(1), optim.sgd(1)).update(p, optim.sgd(1).init(p))).toThrow(/a state for 1 transformations given to a chain of 2/);
  });
  it("clipByGlobalNorm leaves small updates alone and scales large ones to the norm", () => {
    const tx = optim.clipByGlobalNorm(5);
    const small = { a: jnp.array([3, 0]), b: 0 };
    expect(tx.update(small, tx.init(small))[0]).toBe(small);
    const [big] = tx.update({ a: jnp.array([6, 0]), b: 8 }, tx.init(small));
    expect([...(big.a.data as Float32Array)]).toEqual([3, 0]);
    expect(big.b).toBeCloseTo(4, 6);
    expect(optim.globalNorm({ a: jnp.array([3, 0]), b: 4 })).toBe(5);
  });
});
