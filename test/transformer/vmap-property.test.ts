// Property-based checks of vmap's batching rules (fast-check). vmap is compiled at build time, so
// the functions and their in_axes are a FIXED table written out below; fast-check draws what the
// build cannot see: one example's shape (rank 1 to 3, sizes 1 to 4, size-1 axes included), the
// batch size (1 to 4) and which compiled variant maps it (in_axes 0, 1 or -1). Each batched
// result must equal the per-example loop (f on each slice, stacked) to float32 rounding.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { vmap, numpy as jnp, random } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

type F = (x: Array) => Array;
/** One function, compiled three times: batch axis first, second, last. */
interface Case {
  name: string;
  f: F;
  variants: [F, F, F];
  /** The smallest per-example rank it takes. */
  minRank: number;
}
const c = (name: string, f: F, variants: [F, F, F], minRank = 1): Case => ({ name, f, variants, minRank });

const ewF = (x: Array) => jnp.add(jnp.multiply(x, jnp.sin(x)), jnp.exp(jnp.multiply(x, -0.5)));
const sumLast = (x: Array) => jnp.sum(x, -1);
const maxFirst = (x: Array) => jnp.max(x, 0);
const meanAll = (x: Array) => jnp.mean(x);
const lseKeep = (x: Array) => jnp.logsumexp(x, 0, { keepdims: true });
const prodLast = (x: Array) => jnp.prod(x, -1);
const trRev = (x: Array) => jnp.transpose(x);
const expFirst = (x: Array) => jnp.expandDims(x, 0);
const expLast = (x: Array) => jnp.expandDims(x, -1);
const flat = (x: Array) => jnp.ravel(x);
const selfOuter = (x: Array) => jnp.outer(x, x);
const argmaxFlat = (x: Array) => jnp.argmax(x);
const normed = (x: Array) => jnp.divide(x, jnp.sum(jnp.abs(x), -1, { keepdims: true }));

const CASES: Case[] = [
  c("elementwise chain", ewF, [vmap(ewF, 0), vmap(ewF, 1), vmap(ewF, -1)]),
  c("sum over the last axis", sumLast, [vmap(sumLast, 0), vmap(sumLast, 1), vmap(sumLast, -1)]),
  c("max over the first axis", maxFirst, [vmap(maxFirst, 0), vmap(maxFirst, 1), vmap(maxFirst, -1)]),
  c("mean of everything", meanAll, [vmap(meanAll, 0), vmap(meanAll, 1), vmap(meanAll, -1)]),
  c("logsumexp keepdims", lseKeep, [vmap(lseKeep, 0), vmap(lseKeep, 1), vmap(lseKeep, -1)]),
  c("prod over the last axis", prodLast, [vmap(prodLast, 0), vmap(prodLast, 1), vmap(prodLast, -1)]),
  c("transpose, reversed", trRev, [vmap(trRev, 0), vmap(trRev, 1), vmap(trRev, -1)]),
  c("expandDims 0", expFirst, [vmap(expFirst, 0), vmap(expFirst, 1), vmap(expFirst, -1)]),
  c("expandDims -1", expLast, [vmap(expLast, 0), vmap(expLast, 1), vmap(expLast, -1)]),
  c("ravel", flat, [vmap(flat, 0), vmap(flat, 1), vmap(flat, -1)]),
  c("outer of an example with itself", selfOuter, [vmap(selfOuter, 0), vmap(selfOuter, 1), vmap(selfOuter, -1)]),
  c("argmax, flat", argmaxFlat, [vmap(argmaxFlat, 0), vmap(argmaxFlat, 1), vmap(argmaxFlat, -1)]),
  c("normalised by a keepdims sum", normed, [vmap(normed, 0), vmap(normed, 1), vmap(normed, -1)]),
];

/** The per-example loop: f on each slice along `axis`, stacked on axis 0. */
function loop(f: F, x: Array, axis: number): Array {
  const ax = axis < 0 ? axis + x.ndim : axis;
  return jnp.stack(globalThis.Array.from({ length: x.shape[ax] }, (_, e) => jnp.array(f(jnp.take(x, e, ax)))));
}

const shapeArb = (minRank: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: minRank, maxLength: 3 });
let seed = 0;

describe("vmap batching rules, property-based over shapes, batch sizes and in_axes", () => {
  for (const cs of CASES)
    it(cs.name, () => {
      fc.assert(
        fc.property(shapeArb(cs.minRank), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), (shape, B, which) => {
          const axis = [0, 1, -1][which];
          const full = [...shape];
          if (axis === -1) full.push(B);
          else full.splice(axis, 0, B);
          const x = random.normal(random.key(seed++), full);
          const got = cs.variants[which](x);
          const want = loop(cs.f, x, axis);
          expect(got.shape).toEqual(want.shape);
          const err = jnp.max(jnp.abs(jnp.subtract(jnp.astype(got, "float32"), jnp.astype(want, "float32")))).item() as number;
          const scale = 1 + (jnp.max(jnp.abs(jnp.astype(want, "float32"))).item() as number);
          expect(err).toBeLessThanOrEqual(2e-6 * scale);
        }),
        { numRuns: 40, seed: 20261201 },
      );
    });
});

type F2 = (x: Array, y: Array) => Array;
const mulAdd = (x: Array, y: Array) => jnp.add(jnp.multiply(x, y), jnp.maximum(x, y));
const mm = (x: Array, y: Array) => jnp.matmul(x, y);
// both mapped, only the first, only the second
const MUL: [F2, F2, F2] = [vmap(mulAdd, [0, 0]), vmap(mulAdd, [0, null]), vmap(mulAdd, [null, 0])];
const MM: [F2, F2, F2] = [vmap(mm, [0, 0]), vmap(mm, [0, null]), vmap(mm, [null, 0])];

function loop2(f: F2, x: Array, y: Array, ax: [number | null, number | null]): Array {
  const n = ax[0] !== null ? x.shape[0] : y.shape[0];
  const at = (a: Array, m: number | null, e: number) => (m === null ? a : jnp.take(a, e, 0));
  return jnp.stack(globalThis.Array.from({ length: n }, (_, e) => f(at(x, ax[0], e), at(y, ax[1], e))));
}
const AXES: [number | null, number | null][] = [[0, 0], [0, null], [null, 0]];
const withBatch = (s: number[], B: number, mapped: boolean) => (mapped ? [B, ...s] : s);

describe("vmap of two operands: broadcasting and matrix products, mapped on either or both", () => {
  it("elementwise operands of different per-example ranks", () => {
    fc.assert(
      fc.property(shapeArb(1), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.boolean(), (sx, cut, B, which, swap) => {
        // y: a suffix of x's shape with some sizes set to 1 (broadcasts against it)
        const sy = sx.slice(Math.min(cut, sx.length)).map((d, i) => (i % 2 === 1 ? 1 : d));
        const [s0, s1] = swap ? [sy, sx] : [sx, sy];
        const [a0, a1] = AXES[which];
        const x = random.normal(random.key(seed++), withBatch(s0, B, a0 !== null));
        const y = random.normal(random.key(seed++), withBatch(s1, B, a1 !== null));
        const got = MUL[which](x, y);
        const want = loop2(mulAdd, x, y, AXES[which]);
        expect(got.shape).toEqual(want.shape);
        expect(jnp.max(jnp.abs(jnp.subtract(got, want))).item()).toBeLessThanOrEqual(1e-6 * (1 + (jnp.max(jnp.abs(want)).item() as number)));
      }),
      { numRuns: 60, seed: 7 },
    );
  });
  it("matmul of vectors and matrices per example", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), (va, vb, n, k, m, B, which) => {
        const [a0, a1] = AXES[which];
        const x = random.normal(random.key(seed++), withBatch(va ? [k] : [n, k], B, a0 !== null));
        const y = random.normal(random.key(seed++), withBatch(vb ? [k] : [k, m], B, a1 !== null));
        const got = MM[which](x, y);
        const want = loop2(mm, x, y, AXES[which]);
        expect(got.shape).toEqual(want.shape);
        expect(jnp.max(jnp.abs(jnp.subtract(got, want))).item()).toBeLessThanOrEqual(1e-5 * (1 + (jnp.max(jnp.abs(want)).item() as number)));
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});
