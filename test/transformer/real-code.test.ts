// Code people really write (issue "the code people really write"): polymorphic helpers that
// branch on `typeof`, generic helpers over `T extends number`, branded numbers.
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { toVec } from "./fixtures/fd.js";

/** A helper for numbers and Arrays alike: `typeof` is known at build time, so each call keeps one branch. */
function scale(x: number | Array, k: number): number | Array {
  if (typeof x === "number") return x * k;
  return jnp.multiply(x, k);
}
const twice = <T extends number>(x: T): number => x * 2;
type Meters = number & { readonly __unit: "m" };
const area = (w: Meters, h: Meters) => w * h;

describe("code people write", () => {
  it("a typeof-polymorphic helper, called with a number and with an Array", () => {
    expect(grad((x: number) => (scale(x, 3) as number) * x)(2)).toBe(12);
    expect(toVec(grad((x: Array) => jnp.sum(scale(x, 3) as Array))(jnp.array([1, 2])))).toEqual([3, 3]);
    // typeof of an Array is "object", as in JavaScript
    expect(grad((x: Array) => (typeof x === "object" ? jnp.sum(x) : jnp.sum(jnp.square(x))))(jnp.array([1, 2])).tolist()).toEqual([1, 1]);
  });
  it("a generic helper over T extends number, and branded numbers", () => {
    expect(grad((x: number) => twice(x) * x)(3)).toBe(12);
    expect(grad((w: number) => area(w as Meters, 4 as Meters))(2)).toBe(4);
  });
});

describe("spreads of structures known at build time", () => {
  it("{ ...params, W } replaces a field; [...t, y] extends a tuple; h(...t) spreads arguments", () => {
    const f = (p: { a: number; b: number }) => {
      const q = { ...p, b: p.b * 3 };
      const t = [...([p.a, q.b] as const), 2] as const;
      const h = (x: number, y: number, z: number) => x * y * z;
      return h(...t) + q.a;
    };
    // f = a·3b·2 + a: ∂a = 6b + 1, ∂b = 6a
    expect(grad(f)({ a: 2, b: 5 })).toEqual({ a: 31, b: 12 });
  });
});

describe("the public module", () => {
  it("exposes no internals: generated code imports them from tsjax/internal", async () => {
    const pub = await import("../../runtime/index.js");
    expect(Object.keys(pub).filter((k) => k.startsWith("_"))).toEqual([]);
    // (and none of the runtime's helpers leak through under another name)
    const rt = await import("../../runtime/rt.js");
    expect(Object.keys(pub).filter((k) => k in rt && k !== "stopGradient")).toEqual([]);
  });
});

describe("functions passed to helpers", () => {
  const apply = (f: (x: number) => number, x: number) => f(x) + f(2 * x);
  const sq = (y: number) => y * y;
  function twiceThen(g: (a: Array) => Array, a: Array) {
    return g(g(a));
  }
  it("an inline arrow closing over the differentiated variable, and a named function", () => {
    // apply(y ↦ y²x, x) + apply(sq, x) = 5x³ + 5x²: derivative 15x² + 10x
    expect(grad((x: number) => apply((y) => y * y * x, x) + apply(sq, x))(1)).toBe(25);
    expect(grad((x: number) => apply((y) => y * y * x, x) + apply(sq, x))(2)).toBe(80);
  });
  it("an Array function applied twice", () => {
    const g = grad((a: Array) => jnp.sum(twiceThen((b) => jnp.multiply(b, b), a)));
    // (a²)² = a⁴: 4a³
    expect(toVec(g(jnp.array([1, 2])))).toEqual([4, 32]);
  });
});
