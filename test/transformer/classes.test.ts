// Classes in differentiated code: methods inlined with `this` bound to their receiver, the method
// a value really has (a virtual call resolved at build time, or refused: test/transformer/
// diagnostics.test.ts), getters, class instances as pytree parameters (their fields are the
// leaves; methods and getters are not data), `grad(model.loss)` and `this` at the call site.
import { describe, expect, it } from "vitest";
import { grad, valueAndGrad, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { toVec } from "./fixtures/fd.js";

class Base {
  f(x: number) {
    return 2 * x;
  }
}
class Derived extends Base {
  override f(x: number) {
    return 3 * x * x;
  }
}

class V {
  constructor(
    public x: number,
    public y: number,
  ) {}
  get n() {
    return Math.hypot(this.x, this.y);
  }
  scaled(k: number) {
    return this.n * k + this.x;
  }
}

class Model {
  k = 3;
  offset = jnp.array([1, -1]);
  loss(p: Array) {
    return jnp.sum(jnp.square(jnp.subtract(jnp.multiply(p, this.k), this.offset)));
  }
  // a method that differentiates another through `this`
  gradient(p: Array) {
    return grad((q: Array) => this.loss(q))(p);
  }
  twice(p: Array) {
    return jnp.add(this.loss(p), this.loss(p));
  }
}

describe("classes", () => {
  it("a virtual call differentiates the method the object has (const o: Base = new Derived())", () => {
    const o: Base = new Derived();
    expect(grad((x: number) => o.f(x))(1.5)).toBe(9);
    const b = new Base();
    expect(grad((x: number) => b.f(x))(1.5)).toBe(2);
  });

  it("a getter on a parameter: its fields are the pytree, the getter is inlined with this = the parameter", () => {
    const g = grad((v: V) => v.n)(new V(3, 4));
    expect(g).toEqual({ x: 0.6, y: 0.8 });
    // a method of the parameter, calling the getter
    const h = grad((v: V) => v.scaled(2))(new V(3, 4));
    expect(h.x).toBeCloseTo(2 * 0.6 + 1, 14);
    expect(h.y).toBeCloseTo(2 * 0.8, 14);
  });

  it("a method reading constant fields through this, called on a captured object and passed as grad(model.loss)", () => {
    const m = new Model();
    const p = jnp.array([0.5, 2]);
    // d/dp Σ (3p − o)² = 6 (3p − o)
    const want = [6 * (1.5 - 1), 6 * (6 + 1)];
    expect(toVec(grad((q: Array) => m.loss(q))(p))).toEqual(want);
    expect(toVec(grad(m.loss)(p))).toEqual(want);
    expect(toVec(m.gradient(p))).toEqual(want);
    const [v, gt] = valueAndGrad((q: Array) => m.twice(q))(p);
    expect(v.item()).toBe(2 * (0.25 + 49));
    expect(toVec(gt)).toEqual(want.map((w) => 2 * w));
  });
});
