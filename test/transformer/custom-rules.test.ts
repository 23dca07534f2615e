// customVjp and customJvp (JAX's custom_vjp / custom_jvp): the user's rule, not the function's own
// math, gives the derivative, in reverse and forward mode and at higher order. Rules are chosen to
// differ from the math where that proves the rule was used.
import { describe, expect, it } from "vitest";
import { customJvp, customVjp, grad, hessian, jvp, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { compile, HEADER } from "./fixtures/compile.js";

/** The identity with its cotangent clipped to [-1, 1] (gradient clipping). */
const clip = customVjp(
  (x: number) => x,
  (x: number) => [x, null] as const,
  (res: null, g: number) => [Math.max(-1, Math.min(1, g))] as const,
);
/** x³ whose bwd computes 3x²·g from a residual: its own derivative (second order) is 6x·g. */
const cube = customVjp(
  (x: number) => x * x * x,
  (x: number) => [x * x * x, x * x] as const,
  (x2: number, g: number) => [3 * x2 * g] as const,
);
/** Clip an Array's cotangent by its norm. */
const clipNorm = customVjp(
  (x: Array) => x,
  (x: Array) => [x, 0] as const,
  (res: number, g: Array) => {
    const n = Math.sqrt(jnp.sum(jnp.square(g)).item() as number);
    return [n > 1 ? jnp.divide(g, n) : g] as const;
  },
);
/** x² with a rule that says the derivative is 10: forward and reverse both give 10·t. */
const fake = customJvp(
  (x: number) => x * x,
  ([x]: [number], [t]: [number]) => [x * x, 10 * t] as const,
);
/** softplus with the stable derivative sigmoid(x), two arguments: a·softplus(x). */
const scaledSoftplus = customJvp(
  (a: number, x: number) => a * Math.log1p(Math.exp(x)),
  ([a, x]: [number, number], [ta, tx]: [number, number]) => [a * Math.log1p(Math.exp(x)), ta * Math.log1p(Math.exp(x)) + (a * tx) / (1 + Math.exp(-x))] as const,
);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("customVjp", () => {
  it("the rule's cotangent, not the math's", () => {
    expect(valueAndGrad((x: number) => clip(x * 3) * 5)(2)).toEqual([30, 3]);
    expect(grad((x: number) => clip(x * 3) * 0.1)(2)).toBeCloseTo(0.3, 15);
  });
  it("called in a loop (residuals taped per call, popped in reverse)", () => {
    const f = (x: number) => {
      let s = x;
      for (let i = 0; i < 4; i++) s = cube(s * 0.5 + 0.1) + clip(s);
      return s;
    };
    // the reverse sweep by hand, with clip's rule: g ← g·3a²·0.5 + clamp(g, −1, 1), a = s/2 + 0.1
    const s = [0.7];
    for (let i = 0; i < 4; i++) s.push((s[i] * 0.5 + 0.1) ** 3 + s[i]);
    let want = 1;
    for (let i = 3; i >= 0; i--) want = want * 3 * (s[i] * 0.5 + 0.1) ** 2 * 0.5 + Math.max(-1, Math.min(1, want));
    expect(grad(f)(0.7)).toBeCloseTo(want, 14);
    // (the clipping did act: the true derivative is larger)
    const h = 1e-6;
    expect((f(0.7 + h) - f(0.7 - h)) / (2 * h)).toBeGreaterThan(want + 1);
  });
  it("second order differentiates through bwd", () => {
    expect(grad(grad((x: number) => cube(x)))(1.5)).toBeCloseTo(6 * 1.5, 14);
    expect(hessian((x: number) => cube(x))(2)).toBeCloseTo(12, 14);
  });
  it("on Arrays: a cotangent clipped by its norm", () => {
    const g = grad((x: Array) => jnp.sum(jnp.multiply(clipNorm(x), jnp.array([3, 4]))))(jnp.array([1, 1]));
    expect(g.tolist()).toEqual([0.6000000238418579, 0.800000011920929]);
  });
});

describe("customJvp", () => {
  it("forward mode uses the rule; reverse mode transposes it", () => {
    expect(jvp(fake, [3], [1])).toEqual([9, 10]);
    expect(grad(fake)(3)).toBe(10);
    expect(grad((x: number) => fake(2 * x) + x)(1)).toBe(21);
  });
  it("two arguments, both modes, second order (through the transposed rule)", () => {
    const [a, x] = [1.5, 0.4];
    expect(jvp(scaledSoftplus, [a, x], [0, 1])[1]).toBeCloseTo(a * sigmoid(x), 15);
    const [ga, gx] = grad(scaledSoftplus, { argnums: [0, 1] })(a, x);
    expect(ga).toBeCloseTo(Math.log1p(Math.exp(x)), 15);
    expect(gx).toBeCloseTo(a * sigmoid(x), 15);
    // ∂²/∂x² = a σ(x)(1 − σ(x))
    expect(grad(grad(scaledSoftplus, { argnums: 1 }), { argnums: 1 })(a, x)).toBeCloseTo(a * sigmoid(x) * (1 - sigmoid(x)), 14);
  });
});

describe("diagnostics", () => {
  it("forward mode of a customVjp function, and a bwd of the wrong shape", () => {
    const rt = HEADER.replace("grad,", "grad, jvp, customVjp,");
    const c = compile({
      "fwd.ts": `${rt}const id = customVjp((x: number) => x, (x: number) => [x, 0] as const, (r: number, g: number) => [g] as const);\nexport const t = jvp((x: number) => id(x), [1], [1]);\n`,
      "bwd.ts": `${rt}const id = customVjp((x: number, y: number) => x * y, (x: number, y: number) => [x * y, 0] as const, (r: number, g: number) => [g] as const);\nexport const d = grad((x: number) => id(x, 2));\n`,
    });
    try {
      const text = (f: string) => c.emit(f).diagnostics.map((d) => (typeof d.messageText === "string" ? d.messageText : d.messageText.messageText));
      expect(text("fwd.ts")).toEqual([expect.stringMatching(/forward mode \(jvp\) of a customVjp function is not supported, as in JAX/)]);
      expect(text("bwd.ts")).toEqual([expect.stringMatching(/customVjp's bwd must return a tuple with one cotangent per parameter \(2\)/)]);
    } finally {
      c.cleanup();
    }
  });
});
