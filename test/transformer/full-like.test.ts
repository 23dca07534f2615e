// jnp.fullLike in compiled code: eager code's values and dtypes (the array's, or the options'),
// a traced fill value differentiable, vmap equal to the loop.
import { describe, expect, it } from "vitest";
import { grad, jit, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const x = jnp.array([[1, 2, 3], [4, 5, 6]]);
const i = jnp.array([1, 2, 3], { dtype: "int32" });

describe("compiled fullLike", () => {
  it("the array's dtype, or the options' (jit equals eager)", () => {
    expect(jit((a: Array) => jnp.fullLike(a, 2.5))(x)).toEqual(jnp.fullLike(x, 2.5));
    const ji = jit((a: Array) => jnp.fullLike(a, 2.5))(i);
    expect(ji.dtype).toBe("int32");
    expect(ji.tolist()).toEqual(jnp.fullLike(i, 2.5).tolist());
    const jb = jit((a: Array) => jnp.fullLike(a, 1, { dtype: "bool" }))(x);
    expect(jb.dtype).toBe("bool");
    expect(jb.tolist()).toEqual(jnp.fullLike(x, 1, { dtype: "bool" }).tolist());
  });
  it("a traced fill value is differentiable: d/dv Σ fullLike(a, v)·a = Σ a", () => {
    const f = (v: number) => jnp.sum(jnp.multiply(jnp.fullLike(x, v), x)).item() as number;
    expect(f(0.5)).toBe(10.5);
    expect(grad(f)(0.5)).toBe(21);
    // (and the array's values have no derivative through it)
    expect(grad((a: Array) => jnp.sum(jnp.multiply(jnp.fullLike(a, 3), a)).item() as number)(x).tolist()).toEqual([[3, 3, 3], [3, 3, 3]]);
  });
  it("vmap equals the loop", () => {
    const g = (a: Array) => jnp.add(jnp.fullLike(a, -1), a);
    expect(vmap(g)(x)).toEqual(jnp.stack([g(jnp.take(x, 0, 0)), g(jnp.take(x, 1, 0))]));
  });
});
