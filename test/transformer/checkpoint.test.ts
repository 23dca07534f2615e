// checkpoint(f): the same numbers as f, with only f's arguments taped per call between the
// forward and the adjoint sweep (f's intermediates are recomputed in the adjoint). The tape's
// buffer size is read after each gradient; this file runs in its own process, so the buffer pool
// starts empty and the checkpointed gradient runs first.
import { describe, expect, it } from "vitest";
import { checkpoint, grad, jvp, valueAndGrad } from "../../runtime/index.js";
import * as __rt from "../../runtime/rt.js";

/** 50 steps of a contraction: taped per step when differentiated as it is. */
const heavy = (x: number) => {
  let s = x;
  for (let i = 0; i < 50; i++) s = Math.sin(s) * 0.9 + 0.1 * x;
  return s;
};
const light = checkpoint(heavy);
const plain = (x: number) => {
  let s = x;
  for (let i = 0; i < 200; i++) s = heavy(s) + 0.1 * Math.cos(x);
  return s;
};
const remat = (x: number) => {
  let s = x;
  for (let i = 0; i < 200; i++) s = light(s) + 0.1 * Math.cos(x);
  return s;
};

describe("checkpoint", () => {
  it("tapes the arguments only: 200 calls × 50 steps fit the smallest buffer (1024 numbers)", () => {
    const g = grad(remat)(0.3);
    expect(__rt.tapeStats.capacity).toBe(1024);
    expect(__rt.tapeStats.left).toBe(0);
    expect(grad(plain)(0.3)).toBe(g);
    // without checkpoint every step of every call is taped: 10 000 numbers
    expect(__rt.tapeStats.capacity).toBeGreaterThanOrEqual(10_000);
  });
  it("the same numbers at first and second order, and in forward mode", () => {
    for (const x of [-0.4, 0.3, 1.1]) {
      expect(valueAndGrad(remat)(x)).toEqual(valueAndGrad(plain)(x));
      expect(grad(grad(remat))(x)).toBe(grad(grad(plain))(x));
      expect(jvp(remat, [x], [1])).toEqual(jvp(plain, [x], [1]));
    }
  });
  it("outside a differentiated function it is the function", () => {
    expect(light(0.3)).toBe(heavy(0.3));
  });
});
