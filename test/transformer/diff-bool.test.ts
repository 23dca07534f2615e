// numpy.diff of bool arrays (not-equal of neighbours, a bool result) and int32 arrays (int32) in
// eager and compiled code (jit, vmap) against NumPy (test/fixtures/gen_diff_bool.py), and a
// gradient through a function whose mask is a diff of bools (the mask itself a constant).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, jit, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fdGrad } from "./fixtures/fd.js";

type Enc = { shape: number[]; dtype: "bool" | "int32"; data: (number | boolean)[] };
type Case = { name: string; x: Enc; n: number; axis: number; prepend?: boolean; append?: Enc; out: Enc };
const F = JSON.parse(readFileSync(new URL("../fixtures/diff_bool.json", import.meta.url), "utf8")) as { cases: Case[] };
const A = (e: Enc) => jnp.reshape(jnp.array(e.data as number[], { dtype: e.dtype }), e.shape);
const same = (got: Array, want: Enc) => {
  expect(got.dtype).toBe(want.dtype);
  expect(got.shape).toEqual(want.shape);
  expect(globalThis.Array.from(got.data as ArrayLike<number>, (v) => (want.dtype === "bool" ? !!v : Number(v)))).toEqual(want.data);
};

// (n and axis are build-time constants in compiled code: one function each)
const JIT: Record<string, (x: Array) => Array> = {
  "1,-1": jit((x: Array) => jnp.diff(x)),
  "2,-1": jit((x: Array) => jnp.diff(x, 2)),
  "3,-1": jit((x: Array) => jnp.diff(x, 3, -1)),
  "1,0": jit((x: Array) => jnp.diff(x, 1, 0)),
  "2,0": jit((x: Array) => jnp.diff(x, 2, 0)),
  "3,0": jit((x: Array) => jnp.diff(x, 3, 0)),
};
const edges = jit((x: Array, app: Array) => jnp.diff(x, 1, 0, { prepend: false, append: app }));

describe("diff of bool and int32 arrays against numpy", () => {
  for (const c of F.cases)
    it(c.name, () => {
      const x = A(c.x);
      if (c.append) {
        same(jnp.diff(x, c.n, c.axis, { prepend: c.prepend, append: A(c.append) }), c.out);
        same(edges(x, A(c.append)), c.out);
        return;
      }
      same(jnp.diff(x, c.n, c.axis), c.out);
      same(JIT[`${c.n},${c.axis}`](x), c.out);
    });
});

describe("compiled diff of bools", () => {
  const b = A(F.cases[0].x);
  it("vmap equals the loop (rows of a bool matrix, and along the batch's own axis 0)", () => {
    const rows = vmap((r: Array) => jnp.diff(r));
    const got = rows(b);
    expect(got.dtype).toBe("bool");
    expect(got).toEqual(jnp.stack([0, 1, 2].map((i) => jnp.diff(jnp.take(b, i, 0)))));
    const cols = vmap((r: Array) => jnp.diff(r, 2), 1);
    expect(cols(jnp.transpose(b))).toEqual(jnp.stack([0, 1, 2].map((i) => jnp.diff(jnp.take(b, i, 0), 2))));
  });
  it("the gradient of a float function masked by a diff of bools: the mask is a constant", () => {
    const x = jnp.array([0.5, -0.7, -0.2, 0.9, 1.3, -0.4]);
    const f = (v: Array) => jnp.sum(jnp.multiply(jnp.diff(jnp.greater(v, 0)), jnp.square(jnp.diff(v)))).item() as number;
    expectVecClose(globalThis.Array.from(grad(f)(x).data as Float32Array, Number), fdGrad(f, x, { eps: 1e-3, fourPoint: true }), { rtol: 1e-3, atol: 1e-4 });
  });
});
