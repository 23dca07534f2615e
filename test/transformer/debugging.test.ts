// Debugging inside a differentiated function: console.log, String(x), template strings and
// `throw new Error(...)` run in the forward pass (once per call) and have no derivative.
import { afterEach, describe, expect, it, vi } from "vitest";
import { grad, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

afterEach(() => vi.restoreAllMocks());

const loss = (w: Array, x: number) => {
  const y = jnp.sum(jnp.multiply(w, x));
  console.log(`loss at x=${x}:`, String(y));
  if (!(x < 100)) throw new RangeError(`x out of range: ${x}`);
  return jnp.square(y);
};

describe("debugging in the forward pass", () => {
  it("console.log and String(Array) run once per call; the gradient is unchanged", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const [v, g] = valueAndGrad(loss)(jnp.array([1, 2]), 3);
    expect(v.item()).toBe(81);
    // d (Σ w x)² / dw = 2 (Σ w x) x = 54 each
    expect(g.tolist()).toEqual([54, 54]);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith("loss at x=3:", "9.0"); // NumPy's str of a 0-d float32 array
  });
  it("throw new Error(...) in a branch is thrown, with its message", () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    expect(() => grad(loss)(jnp.array([1, 2]), 1000)).toThrow(new RangeError("x out of range: 1000"));
  });
  it("in number code, a loop, and the second derivative", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const f = (x: number) => {
      let s = x;
      for (let i = 0; i < 2; i++) {
        s = s * x;
        console.log("step", i, s);
      }
      return s;
    };
    expect(grad(grad(f))(2)).toBe(12); // x³ → 6x
    expect(log.mock.calls.slice(0, 2)).toEqual([
      ["step", 0, 4],
      ["step", 1, 8],
    ]);
  });
});
