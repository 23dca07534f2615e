// What the README's API table says of vmap, checked by running it: functions of two Arrays whose
// rows say "yes" (the table's probe calls them with two Arrays) give the loop's values under vmap
// with both arguments mapped, with one shared, and inside jit.
import { describe, expect, it } from "vitest";
import { grad, jit, vmap, nn, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const seq = (shape: number[], k: number) => jnp.reshape(jnp.sin(jnp.add(jnp.multiply(jnp.arange(shape.reduce((a, b) => a * b, 1)), 0.9), k)), shape);
const X = seq([3, 4], 1), Y = seq([3, 4], 2), Y3 = seq([3, 3], 4);
const at = (x: Array, i: number) => jnp.take(x, i, 0);
type F2 = (a: Array, b: Array) => Array;
/** vmap over both arguments (`both`), and over the first with the second shared (`shared`), against the loop of f. */
function likeLoop(f: F2, both: F2, shared: F2, xs: Array, ys: Array) {
  const n = xs.shape[0];
  expect(both(xs, ys)).toEqual(jnp.stack(globalThis.Array.from({ length: n }, (_, i) => f(at(xs, i), at(ys, i)))));
  expect(shared(xs, at(ys, 0))).toEqual(jnp.stack(globalThis.Array.from({ length: n }, (_, i) => f(at(xs, i), at(ys, 0)))));
}

describe("vmap of the functions the table says batch", () => {
  it("tensordot, inner, polyadd, polysub, polymul, polyval", () => {
    {
      const f = (a: Array, b: Array) => jnp.tensordot(a, b, 1);
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.inner(a, b);
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.polyadd(a, b);
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, seq([3, 2], 3));
    }
    {
      const f = (a: Array, b: Array) => jnp.polysub(a, b);
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, seq([3, 2], 3));
    }
    {
      const f = (a: Array, b: Array) => jnp.polymul(a, b);
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, seq([3, 2], 3));
    }
    {
      const f = (a: Array, b: Array) => jnp.polyval(a, b);
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
  });
  it("divmod, floatPower, ldexp, logicalXor, isin, append, cross", () => {
    {
      const f = (a: Array, b: Array) => jnp.divmod(a, jnp.add(jnp.abs(b), 0.5))[0];
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.divmod(a, jnp.add(jnp.abs(b), 0.5))[1];
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.floatPower(jnp.abs(a), b);
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.ldexp(a, jnp.astype(jnp.multiply(b, 4), "int32"));
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.logicalXor(jnp.greater(a, 0), jnp.greater(b, 0));
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.isin(jnp.round(jnp.multiply(a, 2)), jnp.round(jnp.multiply(b, 2)));
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.append(a, b);
      likeLoop(f, vmap(f), vmap(f, [0, null]), X, Y);
    }
    {
      const f = (a: Array, b: Array) => jnp.cross(a, b);
      likeLoop(f, vmap(f), vmap(f, [0, null]), Y3, seq([3, 3], 5));
    }
  });
  it("the same inside jit", () => {
    const g = (a: Array, b: Array) => jnp.polymul(jnp.multiply(a, jnp.tensordot(a, b, 1)), b);
    const f = jit((xs: Array, ys: Array) => vmap(g)(xs, ys));
    expect(f(X, Y)).toEqual(jnp.stack([0, 1, 2].map((i) => g(at(X, i), at(Y, i)))));
  });
  it("functions the table probes with literal arguments: split, pad, tile, repeat, einsum, moveaxis, swapaxes, select, matrixPower, oneHot, invert", () => {
    const X3 = seq([2, 4, 6], 6);
    const loop1 = (f: (a: Array) => Array, xs: Array) => jnp.stack([0, 1, 2].slice(0, xs.shape[0]).map((i) => f(at(xs, i))));
    const fs: ((a: Array) => Array)[] = [
      (a) => jnp.split(a, 2)[1],
      (a) => jnp.arraySplit(a, 3, 1)[2],
      (a) => jnp.hsplit(a, 2)[0],
      (a) => jnp.pad(a, 1),
      (a) => jnp.tile(a, 2),
      (a) => jnp.repeat(a, 2),
      (a) => jnp.einsum("ij,kj->ik", a, a),
      (a) => jnp.moveaxis(a, 0, 1),
      (a) => jnp.swapaxes(a, 0, 1),
      (a) => jnp.select([jnp.greater(a, 0.5), jnp.less(a, -0.5)], [a, jnp.negative(a)]),
      (a) => nn.oneHot(jnp.astype(jnp.multiply(jnp.abs(a), 3), "int32"), 3),
      (a) => jnp.invert(jnp.greater(a, 0)),
    ];
    const vs = [
      vmap((a: Array) => jnp.split(a, 2)[1]),
      vmap((a: Array) => jnp.arraySplit(a, 3, 1)[2]),
      vmap((a: Array) => jnp.hsplit(a, 2)[0]),
      vmap((a: Array) => jnp.pad(a, 1)),
      vmap((a: Array) => jnp.tile(a, 2)),
      vmap((a: Array) => jnp.repeat(a, 2)),
      vmap((a: Array) => jnp.einsum("ij,kj->ik", a, a)),
      vmap((a: Array) => jnp.moveaxis(a, 0, 1)),
      vmap((a: Array) => jnp.swapaxes(a, 0, 1)),
      vmap((a: Array) => jnp.select([jnp.greater(a, 0.5), jnp.less(a, -0.5)], [a, jnp.negative(a)])),
      vmap((a: Array) => nn.oneHot(jnp.astype(jnp.multiply(jnp.abs(a), 3), "int32"), 3)),
      vmap((a: Array) => jnp.invert(jnp.greater(a, 0))),
    ];
    fs.forEach((f, i) => expect(vs[i](X3), `function ${i}`).toEqual(loop1(f, X3)));
    const sq = jnp.add(jnp.multiply(seq([2, 3, 3], 7), 0.5), jnp.eye(3));
    expect(vmap((a: Array) => jnp.linalg.matrixPower(a, 2))(sq)).toEqual(loop1((a) => jnp.linalg.matrixPower(a, 2), sq));
  });
  it("logicalAnd, logicalOr, logicalNot compile: jit, vmap, and as a mask inside grad", () => {
    const m = (a: Array, b: Array) => jnp.logicalOr(jnp.logicalAnd(jnp.greater(a, 0), jnp.less(b, 0.5)), jnp.logicalNot(jnp.greater(a, -0.5)));
    expect(jit(m)(X, Y)).toEqual(m(X, Y));
    likeLoop(m, vmap(m), vmap(m, [0, null]), X, Y);
    const g = grad((a: Array) => jnp.sum(jnp.where(jnp.logicalAnd(jnp.greater(a, 0), jnp.logicalNot(jnp.greater(a, 0.9))), jnp.square(a), 0)).item() as number)(X);
    // (+0 and -0 alike: the masked-out cotangents are zeros of either sign)
    expect(jnp.add(g, 0).tolist()).toEqual(jnp.where(jnp.logicalAnd(jnp.greater(X, 0), jnp.logicalNot(jnp.greater(X, 0.9))), jnp.multiply(X, 2), 0).tolist());
  });
  it("nn.glu", () => {
    const f = (a: Array) => nn.glu(a);
    expect(vmap(f)(X)).toEqual(jnp.stack([0, 1, 2].map((i) => f(at(X, i)))));
  });
});
