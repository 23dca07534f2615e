// lax's convolution and its two adjoints on the kernel machine (runtime/lax/conv-gemm.ts): shapes
// around the matmul kernel's tile edges (rows of 6, panels of 8 columns, blocks of 256 steps of
// k), feature groups, lhs and rhs dilation, strides and every padding form, 1-3 spatial
// dimensions, vmap's leading batch axes, products taken in slices of output positions, and
// convTranspose; each result against the float64 reference (fixtures/conv-ref.ts) within the
// bound DESIGN.md states: (k + 2)·2⁻²⁴·Σ|products| for an inner sum of length k.
import { xorshift } from "../float32.js";
import { describe, expect, it } from "vitest";
import { grad, jit, lax, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { NDArray } from "../../runtime/array.js";
import { convGeneral, convGeometry, convTLhs, convTRhs, type ConvOpts } from "../../runtime/lax/conv.js";
import { gemmPath } from "../../runtime/lax/conv-gemm.js";
import { convRef } from "./fixtures/conv-ref.js";

const rand = xorshift;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Every element within (len + 2)·2⁻²⁴·Σ|products| of the float64 value; returns the largest error / bound seen. */
function within(what: string, got: ArrayLike<number>, want: Float64Array, abs: Float64Array, len: number): number {
  expect(got.length, what).toBe(want.length);
  let worst = 0, bad = -1;
  for (let i = 0; i < want.length; i++) {
    const bound = (len + 2) * 2 ** -24 * abs[i];
    const err = Math.abs(got[i] - want[i]);
    if (err > bound && bad < 0) bad = i;
    if (bound > 0) worst = Math.max(worst, err / bound);
  }
  expect(bad, bad < 0 ? what : `${what}: element ${bad} is ${got[bad]}, float64 ${want[bad]} (Σ|ab| ${abs[bad]}, k ${len})`).toBe(-1);
  return worst;
}

interface Spec {
  x: number[];
  w: number[];
  strides: number[];
  padding: lax.PaddingType;
  opts?: ConvOpts;
  k?: number;
}

/** The convolution and both adjoints of one geometry on the fast path, against the reference. */
function checkSpec(s: Spec, seed: number): void {
  const opts = s.opts ?? {}, k = s.k ?? 0;
  const xd = rand(size(s.x), seed), wd = rand(size(s.w), seed + 1);
  const g = convGeometry(s.x, s.w, s.strides, s.padding, opts, k);
  expect(gemmPath(g, xd, wd), "takes the fast path").toBe(true);
  const cd = rand(size(g.out), seed + 2);
  const [x, w, ct] = [new NDArray(xd, s.x, "float32"), new NDArray(wd, s.w, "float32"), new NDArray(cd, g.out, "float32")];
  const ref = convRef(xd, s.x, wd, s.w, cd, s.strides, s.padding, opts, k);
  const y = convGeneral(x, w, s.strides, s.padding, opts, k);
  expect(y.shape).toEqual(g.out);
  within("convolution", y.data, ref.out, ref.outAbs, ref.lens.out);
  const dx = convTLhs(ct, w, x, s.strides, s.padding, opts, k);
  expect(dx.shape).toEqual([...g.lead, ...s.x.slice(k)]);
  within("lhs cotangent", dx.data, ref.dx, ref.dxAbs, ref.lens.dx);
  const dw = convTRhs(ct, x, w, s.strides, s.padding, opts, k);
  expect(dw.shape).toEqual([...g.lead, ...s.w.slice(k)]);
  within("rhs cotangent", dw.data, ref.dw, ref.dwAbs, ref.lens.dw);
}

const TILES: [string, Spec][] = [
  ["8 output channels (one full panel), C/G·K = 256 (one block of k), 192 rows", { x: [3, 16, 11, 11], w: [8, 16, 4, 4], strides: [1, 1], padding: "VALID" }],
  ["9 output channels (a panel and one column), C/G·K = 257 (a block and one step), 572 rows", { x: [13, 1, 300], w: [9, 1, 257], strides: [1], padding: "VALID" }],
  ["7 output channels (a partial panel), C/G·K = 255, 195 rows (a partial strip)", { x: [3, 15, 81], w: [7, 15, 17], strides: [1], padding: "VALID" }],
  ["17 output channels, C/G·K = 27 (the kernel cotangent's rows: a partial strip), 2185 rows (9 blocks of k there)", { x: [5, 3, 23, 19], w: [17, 3, 3, 3], strides: [1, 1], padding: "SAME" }],
  ["16 output channels, C/G·K = 513 (two blocks and one step), strides 2", { x: [2, 57, 12, 12], w: [16, 57, 3, 3], strides: [2, 2], padding: "SAME" }],
];

const OPTIONS: [string, Spec][] = [
  ["three feature groups (5 output channels each), strides [2, 1], SAME, rhs dilation", { x: [6, 12, 15, 14], w: [15, 4, 3, 3], strides: [2, 1], padding: "SAME", opts: { featureGroupCount: 3, rhsDilation: [1, 2] } }],
  ["lhs and rhs dilation, explicit padding with a crop", { x: [12, 6, 10, 9], w: [8, 6, 3, 2], strides: [1, 2], padding: [[2, 1], [-1, 3]], opts: { lhsDilation: [2, 1], rhsDilation: [1, 2] } }],
  ["3-D, SAME_LOWER, strides and rhs dilation", { x: [3, 4, 8, 9, 7], w: [6, 4, 2, 3, 3], strides: [1, 2, 1], padding: "SAME_LOWER", opts: { rhsDilation: [2, 1, 1] } }],
  ["1-D, two groups, SAME, stride 3", { x: [6, 8, 700], w: [12, 4, 5], strides: [3], padding: "SAME", opts: { featureGroupCount: 2 } }],
  ["a fractionally strided convolution (convTranspose's geometry): lhs dilation = strides, JAX's SAME", { x: [4, 8, 9, 9], w: [8, 8, 3, 3], strides: [2, 2], padding: "SAME", opts: { transpose: true } }],
  ["vmap: a batched lhs, a shared kernel (leading axis of size 1)", { x: [2, 4, 4, 12, 12], w: [1, 8, 4, 3, 3], strides: [1, 1], padding: "SAME", k: 1 }],
  ["vmap: a shared lhs, batched kernels with two groups", { x: [1, 6, 4, 14, 14], w: [3, 8, 2, 3, 3], strides: [1, 1], padding: "VALID", opts: { featureGroupCount: 2 }, k: 1 }],
];

describe("convolutions on the matmul kernel", () => {
  TILES.forEach(([name, s], i) => it(`tile edges: ${name}`, () => checkSpec(s, 10 * i + 1)));
  OPTIONS.forEach(([name, s], i) => it(name, () => checkSpec(s, 100 + 10 * i)));
  it("in slices of output positions (a slice ends inside an image), 4 output channels, both ways round", () => {
    checkSpec({ x: [2, 1, 512, 512], w: [4, 1, 3, 3], strides: [1, 1], padding: "SAME" }, 7);
    // (72 columns a row: the convolution's product by output position, then transposed)
    checkSpec({ x: [2, 8, 180, 180], w: [4, 8, 3, 3], strides: [1, 1], padding: "SAME" }, 8);
  });
  it("tiny, channel-thin and empty convolutions keep the float64 loops", () => {
    const path = (x: number[], w: number[], opts: ConvOpts = {}) => gemmPath(convGeometry(x, w, [1, 1], "SAME", opts, 0), new Float32Array(1));
    expect(path([1, 2, 8, 8], [4, 2, 3, 3])).toBe(false);
    expect(path([64, 32, 32, 32], [32, 1, 3, 3], { featureGroupCount: 32 })).toBe(false);
    expect(path([0, 32, 32, 32], [32, 32, 3, 3])).toBe(false);
    expect(path([8, 32, 32, 32], [32, 32, 3, 3])).toBe(true);
  });
});

describe("through the public functions and the transformer", () => {
  const X = [8, 6, 20, 20], W = [10, 3, 3, 3];
  const xd = rand(size(X), 5), wd = rand(size(W), 6);
  const [x, w] = [jnp.reshape(jnp.array(xd), X), jnp.reshape(jnp.array(wd), W)];
  const f = (a: Array, b: Array) => lax.convGeneralDilated(a, b, [1, 2], [[1, 1], [2, 0]], { featureGroupCount: 2, rhsDilation: [2, 1] });
  const out = convGeometry(X, W, [1, 2], [[1, 1], [2, 0]], { featureGroupCount: 2, rhsDilation: [2, 1] }, 0).out;
  const cd = rand(size(out), 9);
  const ct = jnp.reshape(jnp.array(cd), out);
  const ref = convRef(xd, X, wd, W, cd, [1, 2], [[1, 1], [2, 0]], { featureGroupCount: 2, rhsDilation: [2, 1] });
  const loss = (a: Array, b: Array, g: Array) => jnp.sum(jnp.multiply(f(a, b), g)).item() as number;
  it("lax.convGeneralDilated and its gradients (eager and jit; jit gives the same bits)", () => {
    expect(gemmPath(convGeometry(X, W, [1, 2], [[1, 1], [2, 0]], { featureGroupCount: 2, rhsDilation: [2, 1] }, 0), xd)).toBe(true);
    within("convGeneralDilated", f(x, w).data, ref.out, ref.outAbs, ref.lens.out);
    const [gx, gw] = grad(loss, { argnums: [0, 1] })(x, w, ct);
    within("grad lhs", gx.data, ref.dx, ref.dxAbs, ref.lens.dx);
    within("grad rhs", gw.data, ref.dw, ref.dwAbs, ref.lens.dw);
    const [jx, jw] = jit(grad(loss, { argnums: [0, 1] }))(x, w, ct);
    expect(globalThis.Array.from(jx.data)).toEqual(globalThis.Array.from(gx.data));
    expect(globalThis.Array.from(jw.data)).toEqual(globalThis.Array.from(gw.data));
  });
  it("jit: a convolution reading another's result in kernel memory, its gradient, the same bits as eager", () => {
    const w2 = jnp.reshape(jnp.array(rand(8 * 10 * 9, 31)), [8, 10, 3, 3]);
    const chain = (a: Array, b: Array, c: Array) => lax.convGeneralDilated(jnp.tanh(f(a, b)), c, [1, 1], "SAME");
    const bits = (v: Array) => globalThis.Array.from(v.data);
    expect(gemmPath(convGeometry([8, 10, 18, 10], [8, 10, 3, 3], [1, 1], "SAME", {}, 0), xd)).toBe(true);
    expect(bits(jit(chain)(x, w, w2))).toEqual(bits(chain(x, w, w2)));
    const loss = (a: Array, b: Array, c: Array) => jnp.sum(jnp.square(chain(a, b, c))).item() as number;
    const eager = grad(loss, { argnums: [0, 1, 2] })(x, w, w2);
    const jitted = jit(grad(loss, { argnums: [0, 1, 2] }))(x, w, w2);
    eager.forEach((e, i) => expect(bits(jitted[i])).toEqual(bits(e)));
  });
  it("convTranspose with transposeKernel: the kernel flipped and its channel axes swapped, and its gradients", () => {
    const [L, R] = [[4, 8, 10, 10], [8, 6, 3, 3]]; // transposeKernel: rhs is [I, O, ...]
    const ld = rand(size(L), 21), rd = rand(size(R), 22);
    const [l, r] = [jnp.reshape(jnp.array(ld), L), jnp.reshape(jnp.array(rd), R)];
    const tc = (a: Array, b: Array) => lax.convTranspose(a, b, [2, 2], "VALID", { transposeKernel: true });
    // the kernel as the convolution uses it: [O, I, ...] with its spatial axes flipped
    const rv = jnp.flip(jnp.transpose(r, [1, 0, 2, 3]), [2, 3]);
    const g = convGeometry(L, rv.shape, [2, 2], "VALID", { transpose: true }, 0);
    const cd2 = rand(size(g.out), 23);
    const ref2 = convRef(ld, L, rv.data, rv.shape, cd2, [2, 2], "VALID", { transpose: true });
    expect(gemmPath(g, ld)).toBe(true);
    within("convTranspose", tc(l, r).data, ref2.out, ref2.outAbs, ref2.lens.out);
    const tl = (a: Array, b: Array, c: Array) => jnp.sum(jnp.multiply(tc(a, b), c)).item() as number;
    const [gl, gr] = grad(tl, { argnums: [0, 1] })(l, r, jnp.reshape(jnp.array(cd2), g.out));
    within("its lhs gradient", gl.data, ref2.dx, ref2.dxAbs, ref2.lens.dx);
    // (the kernel's gradient back through the flip and the swap)
    const back = (v: ArrayLike<number>) => jnp.transpose(jnp.flip(jnp.reshape(jnp.array(globalThis.Array.from(v)), rv.shape), [2, 3]), [1, 0, 2, 3]).data;
    within("its kernel gradient", gr.data, Float64Array.from(back(ref2.dw)), Float64Array.from(back(ref2.dwAbs)), ref2.lens.dw);
  });
});
