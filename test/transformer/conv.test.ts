// lax's convolutions, reduceWindow, topK and dot, and numpy.convolve/correlate: values against
// numpy references (test/fixtures/gen_conv.py: explicit window sums, cotangents by linearity,
// JAX's conv_transpose padding, select-and-scatter's first maximum, stable top-k, einsum),
// gradients against the fixtures and central differences (second order too), JAX's own
// transpose rules as convolutions, vmap against per-example loops, jit, and the errors.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import ts from "typescript";
import { grad, hessian, jit, jvp, vmap, lax, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { compile, HEADER, RUNTIME } from "./fixtures/compile.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/conv.json", import.meta.url), "utf8"));
type Enc = { shape: number[]; data: number[] };
const A = (e: Enc) => jnp.reshape(jnp.array(e.data), e.shape);
const vals = (x: Array) => globalThis.Array.from(x.data as Float32Array, Number);
const isEnc = (w: Enc | Array): w is Enc => Object.getPrototypeOf(w) === Object.prototype;
function near(got: Array, want: Enc | Array, tol = 1e-5) {
  const w = isEnc(want) ? want : { shape: want.shape, data: vals(want) };
  expect(got.shape).toEqual(w.shape);
  const scale = Math.max(1, ...w.data.map(Math.abs));
  vals(got).forEach((v, i) => expect(Math.abs(v - w.data[i]), `element ${i}: ${v} vs ${w.data[i]}`).toBeLessThanOrEqual(tol * scale));
}
/** Central differences of a scalar function along each element of x (float32 code: a coarse step). */
function fd(f: (x: Array) => number, x: Array, h = 1e-2): Enc {
  const base = vals(x);
  return {
    shape: x.shape,
    data: base.map((_, i) => {
      const at = (d: number) => f(jnp.reshape(jnp.array(base.map((v, j) => (j === i ? v + d : v))), x.shape));
      return (at(h) - at(-h)) / (2 * h);
    }),
  };
}

type ConvCase = { lhs: Enc; rhs: Enc; strides: number[]; padding: lax.PaddingType; lhsDilation: number[] | null; rhsDilation: number[] | null; featureGroupCount: number; out: Enc; ct: Enc; ctLhs: Enc; ctRhs: Enc };
const CONVS = F.convs as ConvCase[];

describe("lax.convGeneralDilated against numpy", () => {
  CONVS.forEach((c, i) =>
    it(`case ${i}: lhs ${c.lhs.shape}, rhs ${c.rhs.shape}, strides ${c.strides}, padding ${JSON.stringify(c.padding)}`, () => {
      const opts = { lhsDilation: c.lhsDilation ?? undefined, rhsDilation: c.rhsDilation ?? undefined, featureGroupCount: c.featureGroupCount };
      near(lax.convGeneralDilated(A(c.lhs), A(c.rhs), c.strides, c.padding, opts), c.out);
    }),
  );
  it("conv and convWithGeneralPadding are convGeneralDilated", () => {
    const c = CONVS[2];
    near(lax.conv(A(c.lhs), A(c.rhs), c.strides, c.padding), c.out);
    const d = CONVS[3];
    near(lax.convWithGeneralPadding(A(d.lhs), A(d.rhs), d.strides, d.padding, d.lhsDilation!, d.rhsDilation!), d.out);
  });
  it("convTranspose with JAX's padding (SAME, VALID, explicit; transposeKernel; rhs dilation; 1-D to 3-D)", () => {
    for (const c of F.transposes as { lhs: Enc; rhs: Enc; strides: number[]; padding: lax.PaddingType; rhsDilation: number[] | null; transposeKernel: boolean; out: Enc }[])
      near(lax.convTranspose(A(c.lhs), A(c.rhs), c.strides, c.padding, { rhsDilation: c.rhsDilation ?? undefined, transposeKernel: c.transposeKernel }), c.out);
  });
});

// one loss per fixture case, its options written literally (they are static, as in JAX)
const L0 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.convGeneralDilated(l, r, [1], "VALID"), g)).item() as number;
const L1 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.convGeneralDilated(l, r, [2], "SAME", { rhsDilation: [2] }), g)).item() as number;
const L2 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.conv(l, r, [1, 1], "SAME"), g)).item() as number;
const L3 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.convGeneralDilated(l, r, [2, 1], [[1, 0], [2, -1]], { lhsDilation: [1, 2], rhsDilation: [2, 1] }), g)).item() as number;
const L4 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.convGeneralDilated(l, r, [2, 2], "SAME_LOWER", { featureGroupCount: 2 }), g)).item() as number;
const L5 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.convGeneralDilated(l, r, [1, 2, 1], "VALID", { rhsDilation: [1, 1, 2] }), g)).item() as number;
const L6 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.convGeneralDilated(l, r, [1], [[1, 1]], { featureGroupCount: 3 }), g)).item() as number;
const L7 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.convWithGeneralPadding(l, r, [1, 1], [[1, 1], [1, 1]], [2, 2]), g)).item() as number;
const L8 = (l: Array, r: Array, g: Array) => jnp.sum(jnp.multiply(lax.conv(l, r, [1], "SAME"), g)).item() as number;
const LOSSES = [L0, L1, L2, L3, L4, L5, L6, L7, L8];
const GRADS = [grad(L0, { argnums: [0, 1] }), grad(L1, { argnums: [0, 1] }), grad(L2, { argnums: [0, 1] }), grad(L3, { argnums: [0, 1] }), grad(L4, { argnums: [0, 1] }), grad(L5, { argnums: [0, 1] }), grad(L6, { argnums: [0, 1] }), grad(L7, { argnums: [0, 1] }), grad(L8, { argnums: [0, 1] })];

describe("the convolution's gradients", () => {
  CONVS.forEach((c, i) =>
    it(`case ${i}: both cotangents against numpy's transposed Jacobian`, () => {
      const [gl, gr] = GRADS[i](A(c.lhs), A(c.rhs), A(c.ct));
      near(gl, c.ctLhs);
      near(gr, c.ctRhs);
      // (the loss itself is the forward convolution)
      expect(LOSSES[i](A(c.lhs), A(c.rhs), A(c.ct))).toBeCloseTo(c.out.data.reduce((s, v, j) => s + v * c.ct.data[j], 0), 3);
    }),
  );
  it("against central differences (a loss not linear in either operand)", () => {
    const c = CONVS[3];
    const loss = (l: Array, r: Array) => jnp.sum(jnp.tanh(lax.convGeneralDilated(l, r, [2, 1], [[1, 0], [2, -1]], { lhsDilation: [1, 2], rhsDilation: [2, 1] }))).item() as number;
    const [gl, gr] = grad(loss, { argnums: [0, 1] })(A(c.lhs), A(c.rhs));
    near(gl, fd((l) => loss(l, A(c.rhs)), A(c.lhs)), 2e-3);
    near(gr, fd((r) => loss(A(c.lhs), r), A(c.rhs)), 2e-3);
  });
  it("JAX's rules: the lhs cotangent is a convolution of the cotangent with the flipped, transposed kernel at lhs dilation = strides; the rhs cotangent one of lhs with the cotangent", () => {
    const c = CONVS[1]; // lhs [2, 3, 9], rhs [2, 3, 3], strides [2], "SAME" (pads (2, 2)), rhs dilation [2]
    const [l, r, g] = [A(c.lhs), A(c.rhs), A(c.ct)];
    const [gl, gr] = GRADS[1](l, r, g);
    // _conv_general_vjp_lhs_padding: before = dilated kernel - lo - 1, after = lhs + kernel - 1 - dilated out - before
    const [x, kd, lo, o] = [9, 5, 2, 5];
    const before = kd - lo - 1, after = x + kd - 1 - ((o - 1) * 2 + 1) - before;
    const kernelT = jnp.transpose(jnp.flip(r, 2), [1, 0, 2]);
    near(gl, lax.convGeneralDilated(g, kernelT, [1], [[before, after]], { lhsDilation: [2], rhsDilation: [2] }));
    // _conv_general_vjp_rhs_padding: lo as the forward's, hi = dilated out - lhs + dilated kernel - lo - 1;
    // window strides = the forward's rhs dilation, rhs dilation = its strides (both 2 here)
    const hi = (o - 1) * 2 + 1 - x + (kd - lo - 1);
    const swap = (t: Array) => jnp.transpose(t, [1, 0, 2]);
    near(gr, swap(lax.convGeneralDilated(swap(l), swap(g), [2], [[lo, hi]], { rhsDilation: [2] })));
  });
  it("convTranspose (VALID, transposeKernel) is the gradient of conv", () => {
    const c = CONVS[1];
    const l = A(c.lhs), r = A(c.rhs);
    const g = jnp.reshape(jnp.linspace(-1, 1, 2 * 2 * 4), [2, 2, 4]);
    const f = (x: Array) => jnp.sum(jnp.multiply(lax.conv(x, r, [2], "VALID"), g)).item() as number;
    near(grad(f)(l), lax.convTranspose(g, r, [2], "VALID", { transposeKernel: true }));
  });
  it("convTranspose's gradients (with and without transposeKernel) against central differences", () => {
    const T = F.transposes as { lhs: Enc; rhs: Enc }[];
    const [l1, r1] = [A(T[1].lhs), A(T[1].rhs)]; // [2, 2, 3] and [2, 3, 3], strides [2], VALID, transposeKernel
    const f1 = (l: Array, r: Array) => jnp.sum(jnp.tanh(lax.convTranspose(l, r, [2], "VALID", { transposeKernel: true }))).item() as number;
    const [a1, b1] = grad(f1, { argnums: [0, 1] })(l1, r1);
    near(a1, fd((l) => f1(l, r1), l1), 2e-3);
    near(b1, fd((r) => f1(l1, r), r1), 2e-3);
    const [l2, r2] = [A(T[2].lhs), A(T[2].rhs)]; // 2-D, strides [2, 1], SAME, rhs dilation [1, 2]
    const f2 = (l: Array, r: Array) => jnp.sum(jnp.sin(lax.convTranspose(l, r, [2, 1], "SAME", { rhsDilation: [1, 2] }))).item() as number;
    const [a2, b2] = grad(f2, { argnums: [0, 1] })(l2, r2);
    near(a2, fd((l) => f2(l, r2), l2), 2e-3);
    near(b2, fd((r) => f2(l2, r), r2), 2e-3);
  });
  it("second order: grad of a gradient, a Hessian, and jvp against vjp", () => {
    const c = CONVS[2];
    const [l, r] = [A(c.lhs), A(c.rhs)];
    const v = jnp.reshape(jnp.linspace(-1, 1, l.size), l.shape);
    const inner = (a: Array, b: Array) => jnp.sum(jnp.square(lax.conv(a, b, [1, 1], "SAME"))).item() as number;
    const gl = grad(inner);
    // d/db <grad_a inner(a, b), v>, against differences of the first derivative
    const outer = (b: Array) => jnp.sum(jnp.multiply(gl(l, b), v)).item() as number;
    near(grad(outer)(r), fd(outer, r, 1e-2), 3e-3);
    // a Hessian (forward over reverse: the adjoints' own tangent rules) against differences of the gradient
    const lx = jnp.array([[[0.5, -1, 2, 0.25, 1.5]]]);
    const h = (k: Array) => jnp.sum(jnp.tanh(lax.conv(lx, k, [1], [[1, 0]]))).item() as number;
    const H = hessian(h)(jnp.array([[[0.3, -0.7]]])) as Array;
    expect(H.shape).toEqual([1, 1, 2, 1, 1, 2]);
    const gh = grad(h);
    const fdH = [0, 1].flatMap((i) => {
      const at = (d: number) => vals(gh(jnp.array([[[0.3 + (i === 0 ? d : 0), -0.7 + (i === 1 ? d : 0)]]])));
      const [p, m] = [at(1e-2), at(-1e-2)];
      return p.map((v, j) => (v - m[j]) / 2e-2);
    });
    vals(H).forEach((v, i) => expect(Math.abs(v - fdH[i])).toBeLessThan(3e-3));
    // forward mode: the directional derivative equals <gradient, direction>
    const f = (a: Array) => jnp.sum(jnp.tanh(lax.conv(a, r, [1, 1], "SAME")));
    const [, t] = jvp(f, [l], [v]);
    const gf = grad((a: Array) => f(a).item() as number)(l);
    expect((t as Array).item() as number).toBeCloseTo(jnp.sum(jnp.multiply(gf, v)).item() as number, 3);
  });
});

// strides, padding and options kept in constants (read at run time)
const STRIDES = [2];
const PAD: lax.PaddingType = [[1, 0]];
const OPTS = { rhsDilation: [2] };
const TOPTS = { transposeKernel: true };
describe("options kept in constants", () => {
  it("are the literal options' values and gradients", () => {
    const l = jnp.reshape(jnp.arange(2 * 3 * 7), [2, 3, 7]);
    const r = jnp.reshape(jnp.linspace(-1, 1, 4 * 3 * 3), [4, 3, 3]);
    const g = (a: Array, b: Array) => jnp.sum(jnp.square(lax.convGeneralDilated(a, b, STRIDES, PAD, OPTS))).item() as number;
    const g2 = (a: Array, b: Array) => jnp.sum(jnp.square(lax.convGeneralDilated(a, b, [2], [[1, 0]], { rhsDilation: [2] }))).item() as number;
    expect(grad(g)(l, r).tolist()).toEqual(grad(g2)(l, r).tolist());
    const t = (a: Array, b: Array) => jnp.sum(jnp.square(lax.convTranspose(a, b, STRIDES, "SAME", TOPTS))).item() as number;
    const t2 = (a: Array, b: Array) => jnp.sum(jnp.square(lax.convTranspose(a, b, [2], "SAME", { transposeKernel: true }))).item() as number;
    const rr = jnp.reshape(jnp.linspace(-1, 1, 3 * 4 * 3), [3, 4, 3]);
    expect(grad(t, { argnums: [0, 1] })(l, rr)[1].tolist()).toEqual(grad(t2, { argnums: [0, 1] })(l, rr)[1].tolist());
    const wins = [2], steps = [2];
    const p = (a: Array) => jnp.sum(jnp.square(lax.reduceWindow(a, jnp.max, wins, steps))).item() as number;
    const p2 = (a: Array) => jnp.sum(jnp.square(lax.reduceWindow(a, jnp.max, [2], [2]))).item() as number;
    expect(grad(p)(l).tolist()).toEqual(grad(p2)(l).tolist());
  });
});

describe("vmap and jit of the convolution", () => {
  const c = CONVS[4]; // 2-D, strides, SAME_LOWER, two feature groups
  const l = A(c.lhs), r = A(c.rhs);
  const f = (a: Array, b: Array) => lax.convGeneralDilated(a, b, [2, 2], "SAME_LOWER", { featureGroupCount: 2 });
  const ls = jnp.stack([l, jnp.multiply(l, -0.5), jnp.add(l, 1)]);
  const rs = jnp.stack([r, jnp.multiply(r, 2), jnp.subtract(r, 0.25)]);
  const loop = (fn: (a: Array, b: Array) => Array, la: (i: number) => Array, rb: (i: number) => Array) => jnp.stack([0, 1, 2].map((i) => fn(la(i), rb(i))));
  const at = (s: Array) => (i: number) => jnp.take(s, i, 0);
  it("a batched lhs (folded into N), a batched kernel, both", () => {
    near(vmap(f, [0, null])(ls, r), loop(f, at(ls), () => r));
    near(vmap(f, [null, 0])(l, rs), loop(f, () => l, at(rs)));
    near(vmap(f)(ls, rs), loop(f, at(ls), at(rs)));
  });
  it("vmap of the gradients, and nested vmap", () => {
    const loss = (a: Array, b: Array) => jnp.sum(jnp.tanh(f(a, b))).item() as number;
    const g = grad(loss, { argnums: [0, 1] });
    const [gls, grs] = vmap(g, [0, null])(ls, r);
    near(gls, loop((a, b) => g(a, b)[0], at(ls), () => r));
    near(grs, loop((a, b) => g(a, b)[1], at(ls), () => r));
    const [gl2, gr2] = vmap(g)(ls, rs);
    near(gl2, loop((a, b) => g(a, b)[0], at(ls), at(rs)));
    near(gr2, loop((a, b) => g(a, b)[1], at(ls), at(rs)));
    const nested = vmap(vmap(f, [null, 0]), [0, null])(ls, rs);
    near(nested, jnp.stack([0, 1, 2].map((i) => loop(f, () => at(ls)(i), at(rs)))));
  });
  it("jit gives the eager values", () => {
    near(jit(f)(l, r), f(l, r));
    const loss = (a: Array, b: Array) => jnp.sum(jnp.square(f(a, b))).item() as number;
    const [g1, g2] = jit(grad(loss, { argnums: [0, 1] }))(l, r);
    const [e1, e2] = grad(loss, { argnums: [0, 1] })(l, r);
    near(g1, e1);
    near(g2, e2);
  });
});

type Pool = { x: Enc; kind: "max" | "min" | "sum" | "mean"; window: number[]; strides: number[]; out: Enc; ct: Enc; grad: Enc };
const POOLS = F.pools as Pool[];
const REDUCERS = { max: jnp.max, min: jnp.min, sum: jnp.sum, mean: jnp.mean };

describe("lax.reduceWindow", () => {
  it("max, min, sum and mean pooling against numpy (eager)", () => {
    for (const p of POOLS) near(lax.reduceWindow(A(p.x), REDUCERS[p.kind], p.window, p.strides), p.out);
  });
  it("another computation runs window by window in eager code", () => {
    const p = POOLS.find((q) => q.kind === "max")!;
    near(lax.reduceWindow(A(p.x), (w: Array) => jnp.max(w), p.window, p.strides), p.out);
    const ptp = lax.reduceWindow(jnp.array([3, 1, 4, 1, 5]), (w: Array) => jnp.subtract(jnp.max(w), jnp.min(w)), [2]);
    expect(ptp.tolist()).toEqual([2, 3, 3, 4]);
  });
  // one gradient per kind on two window shapes (the computation is recognised at build time)
  const byKind = (i: number) => Object.fromEntries(POOLS.filter((_, j) => Math.floor(j / 4) === i).map((p) => [p.kind, p])) as Record<Pool["kind"], Pool>;
  const p0 = byKind(0), p2 = byKind(2);
  it("gradients: max and min to the first extreme element of each window (select-and-scatter), sum and mean spread back", () => {
    const G0 = {
      max: grad((x: Array, g: Array) => jnp.sum(jnp.multiply(lax.reduceWindow(x, jnp.max, [2, 3], [1, 2]), g)).item() as number),
      min: grad((x: Array, g: Array) => jnp.sum(jnp.multiply(lax.reduceWindow(x, jnp.min, [2, 3], [1, 2]), g)).item() as number),
      sum: grad((x: Array, g: Array) => jnp.sum(jnp.multiply(lax.reduceWindow(x, jnp.sum, [2, 3], [1, 2]), g)).item() as number),
      mean: grad((x: Array, g: Array) => jnp.sum(jnp.multiply(lax.reduceWindow(x, jnp.mean, [2, 3], [1, 2]), g)).item() as number),
    };
    const G2 = {
      max: grad((x: Array, g: Array) => jnp.sum(jnp.multiply(lax.reduceWindow(x, jnp.max, [2, 2], [2, 2]), g)).item() as number),
      min: grad((x: Array, g: Array) => jnp.sum(jnp.multiply(lax.reduceWindow(x, jnp.min, [2, 2], [2, 2]), g)).item() as number),
      sum: grad((x: Array, g: Array) => jnp.sum(jnp.multiply(lax.reduceWindow(x, jnp.sum, [2, 2], [2, 2]), g)).item() as number),
      mean: grad((x: Array, g: Array) => jnp.sum(jnp.multiply(lax.reduceWindow(x, jnp.mean, [2, 2], [2, 2]), g)).item() as number),
    };
    for (const k of ["max", "min", "sum", "mean"] as const) {
      near(G0[k](A(p0[k].x), A(p0[k].ct)), p0[k].grad);
      near(G2[k](A(p2[k].x), A(p2[k].ct)), p2[k].grad);
    }
    // (and against differences where there are no ties)
    const f = (x: Array) => jnp.sum(jnp.tanh(lax.reduceWindow(x, jnp.max, [2, 2], [2, 2]))).item() as number;
    near(grad(f)(A(p2.max.x)), fd(f, A(p2.max.x), 1e-3), 3e-3);
  });
  it("compiled values, second order, vmap and jit", () => {
    const x = A(p2.max.x);
    const pool = (a: Array) => lax.reduceWindow(a, jnp.max, [2, 2], [2, 2]);
    near(jit(pool)(x), p2.max.out);
    // grad of a function of the max pool's gradient: the selection is piecewise constant
    const g1 = grad((a: Array) => jnp.sum(jnp.square(pool(a))).item() as number);
    const outer = (a: Array) => jnp.sum(jnp.multiply(g1(a), a)).item() as number;
    near(grad(outer)(x), fd(outer, x, 1e-3), 3e-3);
    const avg = (a: Array) => lax.reduceWindow(a, jnp.mean, [2, 2], [2, 2]);
    const xs = jnp.stack([x, jnp.multiply(x, -1)]);
    near(vmap(pool)(xs), jnp.stack([pool(x), pool(jnp.multiply(x, -1))]));
    const ga = grad((a: Array) => jnp.sum(jnp.square(avg(a))).item() as number);
    near(vmap(ga)(xs), jnp.stack([ga(x), ga(jnp.multiply(x, -1))]));
    const gm = grad((a: Array) => jnp.sum(jnp.sin(pool(a))).item() as number);
    near(vmap(gm)(xs), jnp.stack([gm(x), gm(jnp.multiply(x, -1))]));
    // forward mode: the tangent of each window's max is the tangent at the element selected
    const t = jnp.reshape(jnp.linspace(-1, 1, x.size), x.shape);
    const [y, ty] = jvp(pool, [x], [t]);
    near(y as Array, p2.max.out);
    const sel = grad((a: Array) => jnp.sum(jnp.multiply(pool(a), ty as Array)).item() as number)(x);
    expect(jnp.sum(jnp.multiply(sel, t)).item() as number).toBeCloseTo(jnp.sum(jnp.square(ty as Array)).item() as number, 4);
    const [, ts] = jvp(avg, [x], [t]);
    near(ts as Array, avg(t));
  });
});

describe("lax.topK", () => {
  const T = F.topks as { x: Enc; k: number; axis: number; values: Enc; indices: Enc }[];
  it("values and indices against numpy's stable sort (ties: the lower index first)", () => {
    for (const t of T) {
      const [v, i] = lax.topK(A(t.x), t.k, t.axis);
      near(v, t.values);
      expect(i.dtype).toBe("int32");
      expect(vals(i)).toEqual(t.indices.data);
    }
  });
  it("the gradient scatters into the chosen positions; vmap", () => {
    const t = T[0];
    const g = jnp.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const f = (x: Array) => jnp.sum(jnp.multiply(lax.topK(x, 3)[0], g)).item() as number;
    const got = grad(f)(A(t.x)).tolist() as number[][];
    const want = (A(t.x).tolist() as number[][]).map((row, r) => row.map(() => 0));
    t.indices.data.forEach((j, n) => (want[Math.floor(n / 3)][j] = (g.tolist() as number[][])[Math.floor(n / 3)][n % 3]));
    expect(got).toEqual(want);
    const top = (x: Array) => lax.topK(x, 2, 0)[1];
    const xs = jnp.stack([A(t.x), jnp.negative(A(t.x))]);
    expect(vmap(top)(xs).tolist()).toEqual([top(A(t.x)).tolist(), top(jnp.negative(A(t.x))).tolist()]);
  });
});

describe("lax.dot with dimension numbers", () => {
  const D = F.dots as { lhs: Enc; rhs: Enc; dims: lax.DotDimensionNumbers; out: Enc }[];
  it("against numpy.einsum", () => {
    for (const d of D) near(lax.dot(A(d.lhs), A(d.rhs), d.dims), d.out);
  });
  it("gradients (against einsum's), jit and vmap", () => {
    const d = D[4]; // ibk,kjb->bij with a negative axis
    const w = jnp.reshape(jnp.linspace(-1, 1, 3 * 4 * 5), [3, 4, 5]);
    const f = (a: Array, b: Array) => jnp.sum(jnp.multiply(jnp.tanh(lax.dot(a, b, { lhsContractingDims: [-1], rhsContractingDims: [0], lhsBatchDims: [1], rhsBatchDims: [2] })), w)).item() as number;
    const e = (a: Array, b: Array) => jnp.sum(jnp.multiply(jnp.tanh(jnp.einsum("ibk,kjb->bij", a, b)), w)).item() as number;
    const [ga, gb] = grad(f, { argnums: [0, 1] })(A(d.lhs), A(d.rhs));
    const [ea, eb] = grad(e, { argnums: [0, 1] })(A(d.lhs), A(d.rhs));
    near(ga, ea);
    near(gb, eb);
    const [ja] = jit(grad(f, { argnums: [0, 1] }))(A(d.lhs), A(d.rhs));
    near(ja, ea);
    const [, tdot] = jvp((a: Array) => lax.dot(a, A(d.rhs), { lhsContractingDims: [-1], rhsContractingDims: [0], lhsBatchDims: [1], rhsBatchDims: [2] }), [A(d.lhs)], [jnp.onesLike(A(d.lhs))]);
    near(tdot as Array, jnp.einsum("ibk,kjb->bij", jnp.onesLike(A(d.lhs)), A(d.rhs)));
    const mv = (a: Array, b: Array) => lax.dot(a, b, { lhsContractingDims: [1], rhsContractingDims: [0] });
    const ms = jnp.stack([A(D[1].lhs), jnp.multiply(A(D[1].lhs), 2)]);
    near(vmap(mv, [0, null])(ms, A(D[1].rhs)), jnp.stack([mv(A(D[1].lhs), A(D[1].rhs)), mv(jnp.multiply(A(D[1].lhs), 2), A(D[1].rhs))]));
    const gm = grad((a: Array, b: Array) => jnp.sum(jnp.square(mv(a, b))).item() as number, { argnums: [0, 1] });
    const [vg0, vg1] = vmap(gm, [0, null])(ms, A(D[1].rhs));
    near(vg1, jnp.stack([gm(A(D[1].lhs), A(D[1].rhs))[1], gm(jnp.multiply(A(D[1].lhs), 2), A(D[1].rhs))[1]]));
    near(vg0, jnp.stack([gm(A(D[1].lhs), A(D[1].rhs))[0], gm(jnp.multiply(A(D[1].lhs), 2), A(D[1].rhs))[0]]));
  });
});

describe("numpy.convolve and numpy.correlate", () => {
  const C = F.convolves as { a: Enc; v: Enc; mode: "full" | "same" | "valid"; convolve: Enc; correlate: Enc }[];
  it("every mode, either operand the longer, against numpy", () => {
    for (const c of C) {
      near(jnp.convolve(A(c.a), A(c.v), c.mode), c.convolve);
      near(jnp.correlate(A(c.a), A(c.v), c.mode), c.correlate);
    }
    // (the defaults: full for convolve, valid for correlate)
    const c = C.find((q) => q.mode === "valid")!;
    near(jnp.correlate(A(c.a), A(c.v)), c.correlate);
  });
  it("differentiable through the convolution (against differences), compiled values, vmap", () => {
    const same = (x: Array, y: Array) => jnp.correlate(x, y, "same");
    const full = (x: Array, y: Array) => jnp.convolve(x, y);
    for (const c of C.filter((q) => q.mode !== "full")) {
      const w = jnp.linspace(-1, 2, c.convolve.data.length);
      const [a, v] = [A(c.a), A(c.v)];
      if (c.mode === "same") {
        const f = (x: Array, y: Array) => jnp.sum(jnp.multiply(jnp.tanh(jnp.convolve(x, y, "same")), w)).item() as number;
        const [fa, fv] = grad(f, { argnums: [0, 1] })(a, v);
        near(fa, fd((x) => f(x, v), a), 2e-3);
        near(fv, fd((y) => f(a, y), v), 2e-3);
        near(jit(same)(a, v), c.correlate);
      } else {
        const g = (x: Array, y: Array) => jnp.sum(jnp.multiply(jnp.tanh(jnp.correlate(x, y, "valid")), w)).item() as number;
        const [ga, gv] = grad(g, { argnums: [0, 1] })(a, v);
        near(ga, fd((x) => g(x, v), a), 2e-3);
        near(gv, fd((y) => g(a, y), v), 2e-3);
      }
    }
    const a = A(C[0].a), v = A(C[0].v);
    near(jit(full)(a, v), C[0].convolve);
    const as = jnp.stack([a, jnp.multiply(a, 3)]);
    near(vmap(same, [0, null])(as, v), jnp.stack([same(a, v), same(jnp.multiply(a, 3), v)]));
    near(vmap(full, [null, 0])(a, jnp.stack([v, jnp.negative(v)])), jnp.stack([full(a, v), full(a, jnp.negative(v))]));
  });
});

describe("lax.bitcastConvertType", () => {
  it("float32 ↔ int32 ↔ uint32 keep the bits", () => {
    expect(lax.bitcastConvertType(jnp.array([1, -2, 0.5]), "int32").tolist()).toEqual([1065353216, -1073741824, 1056964608]);
    expect(lax.bitcastConvertType(jnp.array([-1], { dtype: "int32" }), "uint32").tolist()).toEqual([4294967295]);
    expect(lax.bitcastConvertType(lax.bitcastConvertType(jnp.array([1.5, -3.25]), "uint32"), "float32").tolist()).toEqual([1.5, -3.25]);
    expect(() => lax.bitcastConvertType(jnp.array([true]), "int32")).toThrow(/bitcastConvertType: only the 32-bit dtypes .* got bool of shape \(1,\) into "int32"/);
  });
});

describe("errors name the function, the shapes and the argument", () => {
  const x = jnp.ones([1, 3, 5]), w = jnp.ones([2, 3, 3]);
  it("convolutions", () => {
    expect(() => lax.conv(jnp.ones([3, 5]), w, [1], "VALID")).toThrow(/^conv: lhs has shape \(3, 5\), but windowStrides \[1\] gives 1 spatial dimension\(s\): lhs must be \[N, C, \.\.\.1 sizes\] \(rank 3\)/);
    expect(() => lax.conv(x, jnp.ones([2, 4, 3]), [1], "VALID")).toThrow(/^conv: lhs of shape \(1, 3, 5\) has 3 input channel\(s\), but rhs of shape \(2, 4, 3\) takes 4 per group/);
    expect(() => lax.convGeneralDilated(x, jnp.ones([2, 1, 3]), [1], "VALID", { featureGroupCount: 2 })).toThrow(/convGeneralDilated: .*featureGroupCount 2/);
    expect(() => lax.conv(x, w, [1], "FULL" as lax.PaddingType)).toThrow(/^conv: padding must be "VALID", "SAME", "SAME_LOWER" or a list of \[lo, hi\] pairs, got "FULL" \(lhs \(1, 3, 5\), rhs \(2, 3, 3\)\)$/);
    expect(() => lax.conv(x, w, [1], [[1, 1], [0, 0]])).toThrow(/^conv: padding must be .* 1 \[lo, hi\] pair\(s\)/);
    expect(() => lax.convGeneralDilated(x, w, [1], "SAME", { lhsDilation: [2] })).toThrow(/^convGeneralDilated: a padding name \("SAME"\) with lhsDilation \[2\]/);
    expect(() => lax.conv(x, w, [0], "VALID")).toThrow(/^conv: windowStrides must be a list of positive integers .*, got \[0\] \(lhs \(1, 3, 5\), rhs \(2, 3, 3\)\)$/);
    expect(() => lax.convTranspose(x, w, [2], "BAD" as lax.PaddingType)).toThrow(/^convTranspose: padding must be "SAME", "VALID" or a list of \[lo, hi\] pairs, got "BAD"/);
    // (a kernel larger than the padded input gives an empty output, as XLA)
    expect(lax.conv(jnp.ones([1, 1, 2]), jnp.ones([1, 1, 3]), [1], "VALID").shape).toEqual([1, 1, 0]);
  });
  it("reduceWindow, topK, dot, convolve", () => {
    expect(() => lax.reduceWindow(jnp.ones([3, 2]), jnp.max, [2, 3])).toThrow(/^reduceWindow: window \[2,3\] does not fit the operand of shape \(3, 2\) \(window dimension 1: 3 > 2\)/);
    expect(() => lax.reduceWindow(jnp.ones([3]), jnp.max, [2, 2])).toThrow(/^reduceWindow: windowDimensions \[2,2\] has 2 dimensions, more than the operand of shape \(3,\)/);
    expect(() => lax.reduceWindow(jnp.ones([4]), jnp.max, [2], [1, 1])).toThrow(/^reduceWindow: windowStrides must be 1 positive integer/);
    expect(() => lax.topK(jnp.ones([2, 3]), 4)).toThrow(/^topK: k must be an integer in \[0, 3\] for axis -1 of shape \(2, 3\), got 4/);
    expect(() => lax.dot(jnp.ones([2, 3]), jnp.ones([4, 2]), { lhsContractingDims: [1], rhsContractingDims: [0] })).toThrow(/^dot: contracting axis 1 of lhs \(shape \(2, 3\)\) has size 3, axis 0 of rhs \(shape \(4, 2\)\) 4/);
    expect(() => lax.dot(jnp.ones([2, 3]), jnp.ones([3]), { lhsContractingDims: [1] })).toThrow(/^dot: lhsContractingDims \[1\] and rhsContractingDims \[\] differ in length \(lhs \(2, 3\), rhs \(3,\)\)$/);
    expect(() => jnp.convolve(jnp.ones([2, 2]), jnp.ones([2]))).toThrow(/^convolve: both inputs must be 1-D, got shapes \(2, 2\) and \(2,\)/);
    expect(() => jnp.correlate(jnp.ones([3]), jnp.ones([2]), "middle" as "same")).toThrow(/^correlate: mode must be "full", "same" or "valid", got "middle"/);
  });
});

describe("build-time diagnostics", () => {
  const LAX = `import { lax } from ${JSON.stringify(RUNTIME)};\n`;
  const cases: [string, string, RegExp][] = [
    ["a computation reduceWindow cannot recognise", "grad((x: Array) => jnp.sum(lax.reduceWindow(x, (w: Array) => jnp.max(w), [2])).item() as number)", /lax\.reduceWindow: the computation must be jnp\.max, jnp\.min, jnp\.sum or jnp\.mean passed by name/],
    ["a padding name that does not exist", `grad((x: Array) => jnp.sum(lax.conv(x, x, [1], "FULL" as lax.PaddingType)).item() as number)`, /conv: padding must be "VALID", "SAME", "SAME_LOWER" or a list of \[lo, hi\] pairs, got "FULL"/],
    ["strides that are not known at build time", "grad((x: Array, s: number) => jnp.sum(lax.conv(x, x, [s], \"VALID\")).item() as number)", /conv: windowStrides must be known at build time/],
    ["bitcastConvertType into a dtype of another width", `grad((x: Array) => jnp.sum(lax.bitcastConvertType(x, "bool")).item() as number)`, /lax\.bitcastConvertType: newDtype must be "float32", "int32", "uint32" written literally \(known at build time\), got "bool"/],
  ];
  const files = Object.fromEntries(cases.map(([, src], i) => [`c${i}.ts`, `${HEADER}${LAX}export const d = ${src};\n`]));
  const c = compile(files);
  afterAll(() => c.cleanup());
  cases.forEach(([name, , msg], i) =>
    it(name, () => {
      const res = c.emit(`c${i}.ts`);
      const texts = res.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(texts.length, texts.join("\n")).toBe(1);
      expect(texts[0]).toMatch(msg);
    }),
  );
});
