// prod to second order: grad(grad(jnp.prod)) used to build and then throw
// (`__tsjax_rt.prodOthersVjp is not a function`); the registry's coverage test now requires
// every primitive a rule emits to have a runtime function and a rule (or a stated reason).
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { compile, HEADER } from "./fixtures/compile.js";

const dprod = grad((x: Array) => jnp.prod(x));
const w0 = jnp.array([1, 0, 0]);

describe("prod's second derivative", () => {
  it("Σ x ⊙ ∇prod = n·prod, so its gradient is n·∇prod (with and without zeros)", () => {
    const f = grad((x: Array) => jnp.sum(jnp.multiply(dprod(x), x)));
    expect(f(jnp.array([2, 3, 0.5])).tolist()).toEqual([4.5, 3, 18]);
    expect(f(jnp.array([2, 0, 4])).tolist()).toEqual([0, 24, 0]);
    expect(f(jnp.array([0, 0, 4])).tolist()).toEqual([0, 0, 0]);
  });
  it("a Hessian row: ∂²prod/∂x₀∂x_k = ∏_{j∉{0,k}} x_j", () => {
    const h0 = grad((x: Array) => jnp.sum(jnp.multiply(dprod(x), w0)));
    expect(h0(jnp.array([2, 3, 0.5])).tolist()).toEqual([0, 0.5, 3]);
    expect(h0(jnp.array([2, 0, 4])).tolist()).toEqual([0, 4, 0]);
  });
  it("along an axis: each row's Hessian is its own", () => {
    const d = grad((x: Array) => jnp.sum(jnp.prod(x, 1)));
    const h = grad((x: Array) => jnp.sum(jnp.multiply(d(x), jnp.array([[1, 0, 0], [0, 1, 0]]))));
    // row 0: ∂(x01·x02)/∂x0k = [0, x02, x01]; row 1: ∂(x10·x12)/∂x1k = [x12, 0, x10]
    expect(h(jnp.array([[2, 5, 3], [7, 3, 2]])).tolist()).toEqual([[0, 3, 5], [2, 0, 7]]);
  });
  it("a third derivative is a build error that says why", () => {
    const c = compile({
      "main.ts": `${HEADER}const d1 = grad((x: Array) => jnp.prod(x));\nconst d2 = grad((x: Array) => jnp.sum(d1(x)));\nexport const d3 = grad((x: Array) => jnp.sum(d2(x)));\n`,
    });
    try {
      const msgs = c.emit("main.ts").diagnostics.map((d) => ts_text(d.messageText));
      expect(msgs).toEqual([expect.stringMatching(/'prodOthersVjp' is not differentiable \(third and higher derivatives of prod are not written yet/)]);
    } finally {
      c.cleanup();
    }
  });
});

function ts_text(m: string | { messageText: string }): string {
  return typeof m === "string" ? m : m.messageText;
}

describe("elementwise primitives that had no Array form", () => {
  it("jnp.fmod, hypot, floor, ceil, trunc: values and gradients (JAX's: rounding has zero derivative)", () => {
    const x = jnp.array([-2.5, 1.5, 3]);
    const y = jnp.array([2, -1, 4]);
    expect(jnp.fmod(x, y).tolist()).toEqual([-0.5, 0.5, 3]);
    expect(jnp.hypot(jnp.array([3, 5]), jnp.array([4, 12])).tolist()).toEqual([5, 13]);
    expect(jnp.floor(x).tolist()).toEqual([-3, 1, 3]);
    expect(jnp.ceil(x).tolist()).toEqual([-2, 2, 3]);
    expect(jnp.trunc(x).tolist()).toEqual([-2, 1, 3]);
    // d fmod(x, y)/dx = 1, d/dy = −trunc(x/y)
    const [gx, gy] = grad((a: Array, b: Array) => jnp.sum(jnp.fmod(a, b)), { argnums: [0, 1] })(x, y);
    expect(gx.tolist()).toEqual([1, 1, 1]);
    expect(gy.tolist()).toEqual([1, 1, -0]);
    // d hypot/da = a / hypot
    expect(grad((a: Array) => jnp.sum(jnp.hypot(a, jnp.array([4, 12]))))(jnp.array([3, 5])).tolist()).toEqual([Math.fround(0.6), Math.fround(5 / 13)]);
    expect(grad((a: Array) => jnp.sum(jnp.add(jnp.floor(a), jnp.multiply(jnp.ceil(a), jnp.trunc(a)))))(x).tolist()).toEqual([0, 0, 0]);
  });
});
