// The Array methods that are jnp functions (runtime/array-methods.ts): all, any, sort, argsort,
// diagonal, mod, eager and compiled (grad, jit, vmap) equal to the jnp functions.
import { describe, expect, it } from "vitest";
import { grad, jit, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const X = jnp.array([[3, -1, 2.5, 0], [-2, 4, 1, -3.5], [0.5, 0, -1, 2]]);

describe("Array methods as jnp functions", () => {
  it("eager: the jnp function's values", () => {
    expect(X.sort()).toEqual(jnp.sort(X));
    expect(X.sort(0)).toEqual(jnp.sort(X, 0));
    expect(X.sort(null)).toEqual(jnp.sort(X, null));
    expect(X.argsort()).toEqual(jnp.argsort(X));
    expect(X.argsort(0).tolist()).toEqual([[1, 0, 2, 1], [2, 2, 1, 0], [0, 1, 0, 2]]);
    expect(X.diagonal()).toEqual(jnp.diagonal(X));
    expect(X.diagonal(1).tolist()).toEqual([-1, 1, 2]);
    expect(X.mod(2)).toEqual(jnp.mod(X, 2));
    expect((X.mod(-2).tolist() as number[][])[0]).toEqual([-1, -1, -1.5, 0]);
    const b = jnp.greater(X, -1.5);
    expect(b.all().item()).toBe(false);
    expect(b.all(0).tolist()).toEqual([false, true, true, false]);
    expect(b.any(1, { keepdims: true }).tolist()).toEqual([[true], [true], [true]]);
  });
  it("grad through sort, diagonal and mod (their derivatives are jnp's)", () => {
    const W = jnp.reshape(jnp.arange(12), [3, 4]);
    const f = (x: Array) => jnp.sum(jnp.multiply(x.sort(), W)).item() as number;
    expect(grad(f)(X)).toEqual(grad((x: Array) => jnp.sum(jnp.multiply(jnp.sort(x), W)).item() as number)(X));
    expect(grad((x: Array) => jnp.sum(x.diagonal(1)).item() as number)(X).tolist()).toEqual([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    expect(grad((x: Array) => jnp.sum(x.mod(1.5)).item() as number)(X)).toEqual(jnp.onesLike(X));
    // (all, any and argsort are constants: the product rule keeps only the other factor)
    const g = grad((x: Array) => jnp.sum(jnp.multiply(x, jnp.add(x.argsort(), jnp.astype(x.any(1, { keepdims: true }), "float32")))).item() as number)(X);
    expect(g.tolist()).toEqual(jnp.add(jnp.argsort(X), 1).tolist());
  });
  it("jit and vmap", () => {
    const f = (x: Array) => jnp.add(x.sort().diagonal(), x.mod(2).diagonal(1).sum());
    expect(jit(f)(X)).toEqual(f(X));
    const rows = vmap((r: Array) => r.argsort());
    expect(rows(X)).toEqual(jnp.argsort(X));
    expect(vmap((r: Array) => jnp.astype(jnp.greater(r, 0).all(), "int32"))(X).tolist()).toEqual([0, 0, 0]);
  });
});
