// jnp.fft: every function against numpy.fft (test/fixtures/gen_fft.py: power-of-two, odd and
// prime lengths, 2-D and 3-D arrays, axes arguments), eager and compiled; the gradients of a
// linear and a quadratic loss of each transform against central differences in float64 (numpy's
// own transforms); jvp (a linear map's tangent is the map of the tangent); vmap against the loop;
// jit; and the errors, which name the function, the argument and the shapes.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, jit, jvp, valueAndGrad, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { compile, HEADER } from "./fixtures/compile.js";

type ComplexPair = jnp.fft.ComplexPair;
const F = JSON.parse(readFileSync(new URL("../fixtures/fft.json", import.meta.url), "utf8"));
type Enc = { shape: number[]; data: number[] };
type CEnc = { real: Enc; imag: Enc };
const A = (e: Enc) => jnp.reshape(jnp.array(e.data), e.shape);
const P = (e: CEnc): ComplexPair => ({ real: A(e.real), imag: A(e.imag) });
const isC = (e: Enc | CEnc): e is CEnc => "real" in e;
/** Within tol of the largest magnitude of want (float32 results of float64 sums). */
function near(got: Array, want: Enc, what: string, tol = 2e-6) {
  expect(got.shape, what).toEqual(want.shape);
  const scale = Math.max(1, ...want.data.map(Math.abs));
  globalThis.Array.from(got.data as Float32Array, Number).forEach((v, i) => expect(Math.abs(v - want.data[i]), `${what} element ${i}: ${v} vs ${want.data[i]}`).toBeLessThanOrEqual(tol * scale));
}
const nearC = (got: ComplexPair, want: CEnc, what: string, tol = 2e-6) => {
  near(got.real, want.real, `${what} (real)`, tol);
  near(got.imag, want.imag, `${what} (imag)`, tol);
};
const same = (a: Array, b: Array, what = "") => {
  expect(a.shape, what).toEqual(b.shape);
  const d = jnp.max(jnp.abs(jnp.subtract(a, b))).item() as number;
  expect(d, what).toBeLessThanOrEqual(1e-5 * Math.max(1, jnp.max(jnp.abs(b)).item() as number));
};
const sameC = (a: ComplexPair, b: ComplexPair, what = "") => {
  same(a.real, b.real, `${what} (real)`);
  same(a.imag, b.imag, `${what} (imag)`);
};
const label = (c: { fn: string; axis: unknown; x: Enc | CEnc }) => `${c.fn}(${JSON.stringify(isC(c.x) ? c.x.real.shape : c.x.shape)}, axis ${JSON.stringify(c.axis)})`;

type AnyFft = (a: unknown, axis?: unknown) => ComplexPair | Array;
describe("jnp.fft against numpy.fft", () => {
  for (const c of F.cases as { fn: string; axis: unknown; x: Enc | CEnc; y: Enc | CEnc }[])
    it(label(c), () => {
      const f = (jnp.fft as unknown as Record<string, AnyFft>)[c.fn];
      const x = isC(c.x) ? P(c.x) : A(c.x);
      const y = c.axis === null ? f(x) : f(x, c.axis);
      if (isC(c.y)) nearC(y as ComplexPair, c.y, c.fn);
      else near(y as Array, c.y, c.fn);
    });
  it("fftfreq and rfftfreq (n, d) exactly as numpy rounds them to float32", () => {
    for (const f of F.freq as { n: number; d: number; fftfreq: Enc; rfftfreq: Enc }[]) {
      expect(jnp.fft.fftfreq(f.n, f.d).tolist()).toEqual(globalThis.Array.from(Float32Array.from(f.fftfreq.data)));
      expect(jnp.fft.rfftfreq(f.n, f.d).tolist()).toEqual(globalThis.Array.from(Float32Array.from(f.rfftfreq.data)));
    }
    expect(jnp.fft.fftfreq(4).tolist()).toEqual([0, 0.25, -0.5, -0.25]);
  });
  it("fftshift and ifftshift, every axis or some", () => {
    for (const s of F.shift as { axes: number | number[] | null; x: Enc; fftshift: Enc; ifftshift: Enc }[]) {
      expect(jnp.fft.fftshift(A(s.x), s.axes).tolist()).toEqual(A(s.fftshift).tolist());
      expect(jnp.fft.ifftshift(A(s.x), s.axes).tolist()).toEqual(A(s.ifftshift).tolist());
    }
  });
  it("round trips: ifft(fft), irfft(rfft) for even lengths, hfft(ihfft), at a large prime and a power of two", () => {
    for (const n of [1009, 1024]) {
      const re = jnp.sin(jnp.multiply(jnp.arange(n), 0.37)), im = jnp.cos(jnp.multiply(jnp.arange(n), 1.3));
      sameC(jnp.fft.ifft(jnp.fft.fft({ real: re, imag: im })), { real: re, imag: im }, `n=${n}`);
    }
    const x = jnp.sin(jnp.multiply(jnp.arange(64), 0.7));
    same(jnp.fft.irfft(jnp.fft.rfft(x)), x);
    same(jnp.fft.hfft(jnp.fft.ihfft(x)), x);
  });
});

// ---- gradients: (1 − k)·Σ w·y + k·Σ w·|y|², each transform written where the transformer sees it ----
const C = (a: Array, b: Array): ComplexPair => ({ real: a, imag: b });
function cc(y: ComplexPair, wr: Array, wi: Array, k: number): Array {
  const lin = jnp.sum(jnp.add(jnp.multiply(wr, y.real), jnp.multiply(wi, y.imag)));
  const sq = jnp.sum(jnp.multiply(wr, jnp.add(jnp.square(y.real), jnp.square(y.imag))));
  return jnp.add(jnp.multiply(lin, 1 - k), jnp.multiply(sq, k));
}
function rr(y: Array, wr: Array, k: number): Array {
  return jnp.add(jnp.multiply(jnp.sum(jnp.multiply(wr, y)), 1 - k), jnp.multiply(jnp.sum(jnp.multiply(wr, jnp.square(y))), k));
}
type VG = (a: Array, b: Array, wr: Array, wi: Array, k: number) => [Array, [Array, Array]];
const VGS: Record<string, VG> = {
  "fft|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.fft(C(a, b)), wr, wi, k), { argnums: [0, 1] }),
  "fft|0": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.fft(C(a, b), 0), wr, wi, k), { argnums: [0, 1] }),
  "ifft|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.ifft(C(a, b)), wr, wi, k), { argnums: [0, 1] }),
  "fft2|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.fft2(C(a, b)), wr, wi, k), { argnums: [0, 1] }),
  "ifft2|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.ifft2(C(a, b)), wr, wi, k), { argnums: [0, 1] }),
  "fftn|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.fftn(C(a, b)), wr, wi, k), { argnums: [0, 1] }),
  "ifftn|[2,0]": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.ifftn(C(a, b), [2, 0]), wr, wi, k), { argnums: [0, 1] }),
  "rfft|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.rfft(a), wr, wi, k), { argnums: [0, 1] }),
  "rfft|0": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.rfft(a, 0), wr, wi, k), { argnums: [0, 1] }),
  "ihfft|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.ihfft(a), wr, wi, k), { argnums: [0, 1] }),
  "rfft2|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.rfft2(a), wr, wi, k), { argnums: [0, 1] }),
  "rfftn|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.rfftn(a), wr, wi, k), { argnums: [0, 1] }),
  "rfftn|[1,0]": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => cc(jnp.fft.rfftn(a, [1, 0]), wr, wi, k), { argnums: [0, 1] }),
  "irfft|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => rr(jnp.fft.irfft(C(a, b)), wr, k), { argnums: [0, 1] }),
  "irfft|0": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => rr(jnp.fft.irfft(C(a, b), 0), wr, k), { argnums: [0, 1] }),
  "hfft|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => rr(jnp.fft.hfft(C(a, b)), wr, k), { argnums: [0, 1] }),
  "irfft2|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => rr(jnp.fft.irfft2(C(a, b)), wr, k), { argnums: [0, 1] }),
  "irfftn|null": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => rr(jnp.fft.irfftn(C(a, b)), wr, k), { argnums: [0, 1] }),
  "irfftn|[1,0]": valueAndGrad((a: Array, b: Array, wr: Array, wi: Array, k: number) => rr(jnp.fft.irfftn(C(a, b), [1, 0]), wr, k), { argnums: [0, 1] }),
};

describe("gradients against central differences of numpy.fft in float64", () => {
  for (const g of F.grads as { fn: string; axis: unknown; kind: "lin" | "sq"; x: Enc | CEnc; w: [Enc, Enc]; loss: number; grad: Enc | CEnc }[])
    it(`${label(g)}, ${g.kind === "lin" ? "linear" : "quadratic"} loss`, () => {
      const f = VGS[`${g.fn}|${JSON.stringify(g.axis)}`];
      const [a, b] = isC(g.x) ? [A(g.x.real), A(g.x.imag)] : [A(g.x), jnp.zerosLike(A(g.x))];
      const [v, [ga, gb]] = f(a, b, A(g.w[0]), A(g.w[1]), g.kind === "sq" ? 1 : 0);
      expect(Math.abs((v.item() as number) - g.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(g.loss)));
      if (isC(g.grad)) {
        near(ga, g.grad.real, "gradient (real)", 1e-5);
        near(gb, g.grad.imag, "gradient (imag)", 1e-5);
      } else {
        near(ga, g.grad, "gradient", 1e-5);
        // (an unused input's gradient is zero)
        expect(jnp.max(jnp.abs(gb)).item()).toBe(0);
      }
    });

  it("a ComplexPair parameter gets a ComplexPair gradient", () => {
    const z = { real: jnp.array([1, 2, -1, 0.5, 3]), imag: jnp.array([0, -1, 2, 1, 0.25]) };
    const energy = (w: ComplexPair) => {
      const y = jnp.fft.fft(w);
      return jnp.sum(jnp.add(jnp.square(y.real), jnp.square(y.imag)));
    };
    // Parseval: Σ|fft(z)|² = n·Σ|z|², so the gradient is 2n·z
    const g = grad(energy)(z);
    same(g.real, jnp.multiply(z.real, 10));
    same(g.imag, jnp.multiply(z.imag, 10));
    expect(energy(z).item()).toBeCloseTo(5 * (jnp.sum(jnp.add(jnp.square(z.real), jnp.square(z.imag))).item() as number), 3);
  });

  it("a captured pair, destructuring, a helper that returns a pair, a pair built from fields", () => {
    const z0: ComplexPair = { real: jnp.array([1, 2, 3, 4]), imag: jnp.array([0, 1, 0, -1]) };
    const spectrum = (z: ComplexPair) => jnp.fft.fft(z);
    // Σ Re fft(x) = n·x₀ and Σ Im fft(x) = 0 for real x (the sines sum to zero)
    const g1 = grad((x: Array) => {
      const { real, imag } = spectrum({ real: x, imag: z0.imag });
      return jnp.sum(jnp.add(real, imag));
    })(z0.real);
    expect(g1.tolist()).toEqual([4, 0, 0, 0]);
    const g2 = grad((x: Array) => jnp.sum(jnp.multiply(jnp.fft.fft(z0).real, x)))(z0.real);
    same(g2, jnp.fft.fft(z0).real);
    const g3 = grad((z: ComplexPair) => jnp.sum(jnp.fft.ifft(jnp.fft.fft(z)).real))(z0);
    same(g3.real, jnp.ones([4]));
    same(g3.imag, jnp.zeros([4]));
  });

  it("fftshift's gradient is the inverse shift; fftfreq is a constant", () => {
    const w = jnp.reshape(jnp.arange(15), [3, 5]);
    const x = jnp.sin(jnp.reshape(jnp.arange(15), [3, 5]));
    const g = grad((v: Array) => jnp.sum(jnp.multiply(jnp.fft.fftshift(v), w)))(x);
    expect(g.tolist()).toEqual(jnp.fft.ifftshift(w).tolist());
    const g1 = grad((v: Array) => jnp.sum(jnp.multiply(jnp.fft.ifftshift(v, 1), w)))(x);
    expect(g1.tolist()).toEqual(jnp.fft.fftshift(w, 1).tolist());
    const gf = grad((v: Array) => jnp.sum(jnp.multiply(v, jnp.fft.fftfreq(5, 0.5))))(jnp.ones([5]));
    expect(gf.tolist()).toEqual(jnp.fft.fftfreq(5, 0.5).tolist());
  });

  it("second order: grad of a gradient through rfft (the quadratic's Hessian diagonal)", () => {
    const x = jnp.array([0.5, -1, 2, 0.25, 1.5, -0.75]);
    const w = jnp.array([1, 0.5, -2, 3]);
    const q = (v: Array) => jnp.sum(jnp.multiply(w, jnp.add(jnp.square(jnp.fft.rfft(v).real), jnp.square(jnp.fft.rfft(v).imag))));
    // d²q/dx_i² = 2·Σ_k w_k |e^{-2πik i/n}|² = 2·Σ_k w_k (each frequency has modulus one)
    for (let i = 0; i < 6; i++) {
      const h = grad((v: Array) => jnp.take(grad(q)(v), i));
      expect((h(x).tolist() as number[])[i]).toBeCloseTo(2 * 2.5, 4);
    }
  });
});

describe("jvp: a transform's tangent is the transform of the tangent", () => {
  const a = jnp.array([[1, -2, 0.5, 3, 1], [0, 1, 2, -1, 0.5], [2, 2, -1, 0, 1], [1, 0, 0, 1, -3]]);
  const b = jnp.cos(a), ta = jnp.sin(a), tb = jnp.multiply(a, 0.5);
  it("fft, fftn, rfft, rfftn, ihfft", () => {
    sameC(jvp((u: Array, v: Array) => jnp.fft.fft(C(u, v)), [a, b], [ta, tb])[1], jnp.fft.fft(C(ta, tb)));
    sameC(jvp((u: Array, v: Array) => jnp.fft.fftn(C(u, v)), [a, b], [ta, tb])[1], jnp.fft.fftn(C(ta, tb)));
    sameC(jvp((u: Array, v: Array) => jnp.fft.ifft2(C(u, v), [1, 0]), [a, b], [ta, tb])[1], jnp.fft.ifft2(C(ta, tb), [1, 0]));
    sameC(jvp((u: Array) => jnp.fft.rfft(u, 0), [a], [ta])[1], jnp.fft.rfft(ta, 0));
    sameC(jvp((u: Array) => jnp.fft.rfftn(u), [a], [ta])[1], jnp.fft.rfftn(ta));
    sameC(jvp((u: Array) => jnp.fft.ihfft(u), [a], [ta])[1], jnp.fft.ihfft(ta));
  });
  it("irfft, irfftn, hfft, fftshift; a tangent on one part only", () => {
    same(jvp((u: Array, v: Array) => jnp.fft.irfft(C(u, v)), [a, b], [ta, tb])[1], jnp.fft.irfft(C(ta, tb)));
    same(jvp((u: Array, v: Array) => jnp.fft.irfftn(C(u, v)), [a, b], [ta, tb])[1], jnp.fft.irfftn(C(ta, tb)));
    same(jvp((u: Array, v: Array) => jnp.fft.hfft(C(u, v), 0), [a, b], [ta, tb])[1], jnp.fft.hfft(C(ta, tb), 0));
    same(jvp((u: Array) => jnp.fft.fftshift(u), [a], [ta])[1], jnp.fft.fftshift(ta));
    sameC(jvp((u: Array) => jnp.fft.fft(C(u, b)), [a], [ta])[1], jnp.fft.fft(C(ta, jnp.zerosLike(b))));
  });
});

describe("vmap and jit", () => {
  const xs = jnp.reshape(jnp.sin(jnp.multiply(jnp.arange(3 * 4 * 5), 0.3)), [3, 4, 5]);
  const ys = jnp.cos(xs);
  const each = <T>(f: (i: number) => T) => [0, 1, 2].map(f);
  const stackC = (zs: ComplexPair[]): ComplexPair => ({ real: jnp.stack(zs.map((z) => z.real)), imag: jnp.stack(zs.map((z) => z.imag)) });
  const at = (x: Array, i: number) => jnp.take(x, i, 0);
  it("vmap of rfft, fftn (every axis of an example), irfft along axis 0, fftshift, against the loop", () => {
    sameC(vmap((x: Array) => jnp.fft.rfft(x))(xs), stackC(each((i) => jnp.fft.rfft(at(xs, i)))), "rfft");
    sameC(vmap((u: Array, v: Array) => jnp.fft.fftn(C(u, v)))(xs, ys), stackC(each((i) => jnp.fft.fftn(C(at(xs, i), at(ys, i))))), "fftn");
    sameC(vmap((x: Array) => jnp.fft.rfftn(x))(xs), stackC(each((i) => jnp.fft.rfftn(at(xs, i)))), "rfftn");
    same(vmap((u: Array, v: Array) => jnp.fft.irfft(C(u, v), 0))(xs, ys), jnp.stack(each((i) => jnp.fft.irfft(C(at(xs, i), at(ys, i)), 0))), "irfft");
    same(vmap((u: Array, v: Array) => jnp.fft.irfftn(C(u, v)))(xs, ys), jnp.stack(each((i) => jnp.fft.irfftn(C(at(xs, i), at(ys, i))))), "irfftn");
    same(vmap((x: Array) => jnp.fft.fftshift(x))(xs), jnp.stack(each((i) => jnp.fft.fftshift(at(xs, i)))), "fftshift");
    same(vmap((x: Array) => jnp.fft.ifftshift(x, 0))(xs), jnp.stack(each((i) => jnp.fft.ifftshift(at(xs, i), 0))), "ifftshift");
  });
  it("vmap with a shared imaginary part, and vmap of gradients", () => {
    const b = jnp.cos(at(xs, 0));
    sameC(vmap((u: Array, v: Array) => jnp.fft.fft(C(u, v), 0), [0, null])(xs, b), stackC(each((i) => jnp.fft.fft(C(at(xs, i), b), 0))));
    const w = jnp.reshape(jnp.linspace(-1, 1, 12), [4, 3]);
    const lr = (x: Array) => jnp.sum(jnp.multiply(w, jnp.square(jnp.fft.rfft(x).imag)));
    same(vmap(grad(lr))(xs), jnp.stack(each((i) => grad(lr)(at(xs, i)))), "grad rfft");
    const w8 = jnp.reshape(jnp.linspace(-1, 1, 32), [4, 8]);
    const li = (u: Array, v: Array) => jnp.sum(jnp.multiply(w8, jnp.square(jnp.fft.irfft(C(u, v)))));
    const gs = vmap(grad(li, { argnums: [0, 1] }))(xs, ys);
    const want = each((i) => grad(li, { argnums: [0, 1] })(at(xs, i), at(ys, i)));
    same(gs[0], jnp.stack(want.map((g) => g[0])), "grad irfft (real)");
    same(gs[1], jnp.stack(want.map((g) => g[1])), "grad irfft (imag)");
  });
  it("jit of transforms and of a gradient equals eager code", () => {
    const x = at(xs, 1), y = at(ys, 1);
    sameC(jit((u: Array, v: Array) => jnp.fft.fft2(C(u, v)))(x, y), jnp.fft.fft2(C(x, y)));
    same(jit((u: Array) => jnp.fft.irfft2(jnp.fft.rfft2(u)))(jnp.take(x, [0, 1, 2, 3], 1)), jnp.take(x, [0, 1, 2, 3], 1));
    const f = (u: Array) => jnp.sum(jnp.square(jnp.fft.hfft(C(u, jnp.multiply(u, 0.5)))));
    same(jit(grad(f))(x), grad(f)(x));
    same(jit(() => jnp.fft.rfftfreq(7, 0.5))(), jnp.fft.rfftfreq(7, 0.5));
  });
});

describe("errors name the function, the argument and the shapes", () => {
  const m = jnp.ones([2, 3]);
  it("eager", () => {
    expect(() => jnp.fft.fft({ real: m, imag: m }, 2)).toThrow("jnp.fft.fft: axis 2 is out of bounds for a of shape (2, 3)");
    expect(() => jnp.fft.fft({ real: m, imag: jnp.ones([3]) })).toThrow("jnp.fft.fft: a.real has shape (2, 3) but a.imag has shape (3,); they must be the same");
    expect(() => jnp.fft.fftn({ real: m, imag: m }, [0, -3])).toThrow("jnp.fft.fftn: axis -3 is out of bounds for a of shape (2, 3)");
    expect(() => jnp.fft.fftn({ real: m, imag: m }, [1, -1])).toThrow("jnp.fft.fftn: repeated axis in axes [1,-1]");
    expect(() => jnp.fft.rfft(m, -3)).toThrow("jnp.fft.rfft: axis -3 is out of bounds for a of shape (2, 3)");
    expect(() => jnp.fft.irfft({ real: jnp.ones([3, 1]), imag: jnp.ones([3, 1]) })).toThrow("jnp.fft.irfft: the packed spectrum needs at least 2 frequencies along axis 1, got shape (3, 1)");
    expect(() => jnp.fft.irfft2({ real: m, imag: jnp.ones([2, 2]) })).toThrow("jnp.fft.irfft2: a.real has shape (2, 3) but a.imag has shape (2, 2)");
    expect(() => jnp.fft.fftshift(m, 5)).toThrow("jnp.fft.fftshift: axis 5 is out of bounds for a of shape (2, 3)");
    expect(() => jnp.fft.fftfreq(0)).toThrow("jnp.fft.fftfreq: n must be a positive integer, got 0");
  });
  it("compiled code checks the same things at run time", () => {
    const f = jit((u: Array, v: Array) => jnp.fft.ifft(C(u, v), 1));
    expect(() => f(m, jnp.ones([2, 2]))).toThrow("jnp.fft.ifft: a.real has shape (2, 3) but a.imag has shape (2, 2)");
    expect(() => f(jnp.ones([3]), jnp.ones([3]))).toThrow("jnp.fft.ifft: axis 1 is out of bounds for a of shape (3,)");
    const g = grad((u: Array) => jnp.sum(jnp.fft.rfft(u, 1).real));
    expect(() => g(jnp.ones([4]))).toThrow("jnp.fft.rfft: axis 1 is out of bounds for a of shape (4,)");
  });
  it("an axis the build cannot see is a diagnostic naming the function", () => {
    const c = compile({ "main.ts": HEADER + `export const g = grad((v: Array, ax: number) => jnp.sum(jnp.fft.rfft(v, ax).real));\n` });
    try {
      expect(c.emit("main.ts").diagnostics.map((d) => d.messageText)).toEqual([expect.stringMatching(/jnp\.fft\.rfft: axis must be a number written literally/)]);
    } finally {
      c.cleanup();
    }
  });
});
