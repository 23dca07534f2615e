import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import * as random from "../../runtime/random/index.js";
import { PRNGKeyArray } from "../../runtime/random/index.js";
import * as tf from "../../runtime/random/threefry.js";
import { ERFINV_LARGE, ERFINV_SMALL, NORMAL_LO, SQRT2_F32, erfInvF32 } from "../../runtime/random/erfinv.js";

// ---- fixtures and helpers --------------------------------------------------------------------

interface F32Entry {
  repr: string[];
  bits: string[];
  as_float64: number[];
}
interface SeedVectors {
  key_data: number[];
  split2: number[][];
  split3: number[][];
  fold_in_7: number[];
  bits_u32_shape5: number[];
  bits_u32_scalar: number;
  uniform_f32_shape5: F32Entry;
  uniform_f32_scalar: F32Entry;
  normal_f32_shape5: F32Entry;
  normal_f32_scalar: F32Entry;
}
const V = JSON.parse(readFileSync(new URL("../fixtures/prng_vectors.json", import.meta.url), "utf8")) as {
  constants: Record<string, any>;
  threefry2x32_kat: { key: number[]; ctr: number[]; out: string[] }[];
  schemes: Record<"partitionable" | "legacy", Record<string, SeedVectors>>;
  tutorial: { partitionable: { split3: number[][]; W: F32Entry; b: F32Entry } };
};
const SEEDS = Object.keys(V.schemes.partitionable);

const hex = (s: string) => parseInt(s, 16) >>> 0;
/** IEEE bit patterns of float32 values. */
const f32bits = (xs: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(xs).buffer));
const f32 = (bits: number) => new Float32Array(Uint32Array.of(bits).buffer)[0];
const u32 = (a: NDArray) => Array.from(a.data as Uint32Array);
const kd = (k: random.KeyLike) => u32(random.keyData(k));
/** Distance in ulps between two finite float32 values of the same sign. */
const ulps = (a: number, b: number) => Math.abs(f32bits([a])[0] - f32bits([b])[0]);

// ---- threefry ------------------------------------------------------------------------------

describe("threefry2x32", () => {
  it("passes the Random123 known-answer tests", () => {
    expect(V.threefry2x32_kat.length).toBe(3);
    for (const { key, ctr, out } of V.threefry2x32_kat)
      expect(tf.threefry2x32(key[0], key[1], ctr[0], ctr[1])).toEqual(out.map(hex));
  });

  it("bulk kernels agree with the single-block cipher", () => {
    const [k0, k1] = [0x2c2b73d8, 0x6e17d4fd];
    const out = new Uint32Array(70);
    tf.bitsPartitionable(k0, k1, out);
    const sp = tf.splitPartitionable(k0, k1, 70);
    for (let i = 0; i < 70; i++) {
      const [y0, y1] = tf.threefry2x32(k0, k1, 0, i);
      expect(out[i]).toBe((y0 ^ y1) >>> 0);
      expect([sp[2 * i], sp[2 * i + 1]]).toEqual([y0, y1]);
    }
  });

  it("hashFlat pads odd counts as JAX's threefry_2x32 does (SPEC §1a)", () => {
    const [k0, k1] = [0, 1701];
    const h = tf.hashFlat(k0, k1, Uint32Array.of(0, 1, 2, 3, 4));
    const y = (a: number, b: number) => tf.threefry2x32(k0, k1, a, b);
    expect(Array.from(h)).toEqual([y(0, 3)[0], y(1, 4)[0], y(2, 0)[0], y(0, 3)[1], y(1, 4)[1]]);
  });

  it("legacy scheme (JAX < 0.5) split/bits/fold_in match the legacy vectors", () => {
    for (const seed of SEEDS) {
      const v = V.schemes.legacy[seed];
      const [k0, k1] = v.key_data;
      expect(Array.from(tf.splitLegacy(k0, k1, 2))).toEqual(v.split2.flat());
      expect(Array.from(tf.splitLegacy(k0, k1, 3))).toEqual(v.split3.flat());
      expect(Array.from(tf.bitsLegacy(k0, k1, 5))).toEqual(v.bits_u32_shape5);
      expect(tf.bitsLegacy(k0, k1, 1)[0]).toBe(v.bits_u32_scalar);
      expect(tf.foldIn(k0, k1, 7)).toEqual(v.fold_in_7);
    }
    // JAX's own known answers (tests/random_test.py)
    expect(Array.from(tf.splitLegacy(0, 0, 4))).toEqual([
      2285895361, 1501764800, 1518642379, 4090693311, 433833334, 4221794875, 839183663, 3740430601,
    ]);
    expect(Array.from(tf.bitsLegacy(0, 1701, 3))).toEqual([56197195, 4200222568, 961309823]);
  });
});

// ---- the known-answer vectors (partitionable scheme, the JAX >= 0.5 default) ------------------

describe("prng_vectors.json, partitionable scheme", () => {
  it("covers seeds 0, 42 and 1701", () => expect(SEEDS.sort()).toEqual(["0", "1701", "42"]));

  for (const seed of SEEDS) {
    const v = V.schemes.partitionable[seed];
    describe(`key(${seed})`, () => {
      const k = random.key(Number(seed));
      it("key data", () => expect(kd(k)).toEqual(v.key_data));
      it("split(key, 2) and split(key, 3)", () => {
        expect(kd(random.split(k))).toEqual(v.split2.flat());
        expect(kd(random.split(k, 2))).toEqual(v.split2.flat());
        expect(kd(random.split(k, 3))).toEqual(v.split3.flat());
        expect(random.keyData(random.split(k, 3)).shape).toEqual([3, 2]);
      });
      it("foldIn(key, 7)", () => expect(kd(random.foldIn(k, 7))).toEqual(v.fold_in_7));
      it("bits(key, [5]) and bits(key)", () => {
        const b = random.bits(k, [5]);
        expect(b.dtype).toBe("uint32");
        expect(b.shape).toEqual([5]);
        expect(u32(b)).toEqual(v.bits_u32_shape5);
        const s = random.bits(k);
        expect(s.shape).toEqual([]);
        expect(s.item()).toBe(v.bits_u32_scalar);
      });
      it("uniform bit-exact", () => {
        const u = random.uniform(k, [5]);
        expect(u.dtype).toBe("float32");
        expect(f32bits(u.data)).toEqual(v.uniform_f32_shape5.bits.map(hex));
        expect(Array.from(u.data)).toEqual(v.uniform_f32_shape5.as_float64);
        const s = random.uniform(k);
        expect(s.shape).toEqual([]);
        expect(f32bits(s.data)).toEqual(v.uniform_f32_scalar.bits.map(hex));
      });
      it("normal bit-exact with the reference (and so within 4 ulp)", () => {
        const n = random.normal(k, [5]);
        expect(n.dtype).toBe("float32");
        const want = v.normal_f32_shape5.bits.map(hex);
        expect(f32bits(n.data)).toEqual(want);
        n.data.forEach((x, i) => expect(ulps(x, f32(want[i]))).toBeLessThanOrEqual(4));
        expect(f32bits(random.normal(k).data)).toEqual(v.normal_f32_scalar.bits.map(hex));
      });
    });
  }

  it("the float32 constants of normal/erf_inv have the vectors' bit patterns", () => {
    const c = V.constants;
    expect(f32bits(ERFINV_SMALL)).toEqual(c.erfinv_coeffs_w_lt_5.map(hex));
    expect(f32bits(ERFINV_LARGE)).toEqual(c.erfinv_coeffs_w_ge_5.map(hex));
    expect(f32bits([SQRT2_F32])).toEqual([hex(c.sqrt2_f32.bits)]);
    expect(f32bits([NORMAL_LO])).toEqual([hex(c.normal_minval.bits)]);
    expect(Math.fround(NORMAL_LO)).toBe(NORMAL_LO);
  });
});

// ---- SPEC §6: the tutorial, step by step -----------------------------------------------------

describe("SPEC §6 tutorial trace", () => {
  it("reproduces every intermediate value", () => {
    const root = random.key(1701);
    expect(kd(root)).toEqual([0, 1701]);
    const keys = random.split(root, 3);
    expect(kd(keys)).toEqual([741045208, 1847055613, 85238482, 2594297577, 56197195, 961309823]);
    expect(kd(keys)).toEqual(V.tutorial.partitionable.split3.flat());
    const [key, W_key, b_key] = keys;
    expect(kd(key)).toEqual([0x2c2b73d8, 0x6e17d4fd]);
    expect(kd(W_key)).toEqual([85238482, 2594297577]);
    expect(kd(b_key)).toEqual([56197195, 961309823]);

    const ys = [0, 1, 2].map((i) => tf.threefry2x32(0x2c2b73d8, 0x6e17d4fd, 0, i));
    expect(ys.map((y) => y[0])).toEqual([640098973, 1786472918, 4103087387]);
    expect(ys.map((y) => y[1])).toEqual([1052701527, 773143027, 2068371124]);

    const b = random.bits(key, [3]);
    expect(u32(b)).toEqual([0x1899d1ca, 0x446e5025, 0x8fd8f3af]);
    const mant = u32(b).map((x) => ((x >>> 9) | 0x3f800000) >>> 0);
    expect(mant).toEqual([0x3f8c4ce8, 0x3fa23728, 0x3fc7ec79]);
    const f = random.uniform(key, [3]);
    expect(f32bits(f.data)).toEqual(mant.map((m) => f32bits([f32(m) - 1])[0]));
    expect(Array.from(f.data)).toEqual([0.09609699, 0.26730824, 0.5619041].map(Math.fround));

    const u = random.uniform(key, [3], { minval: NORMAL_LO, maxval: 1 });
    expect(f32bits(u.data)).toEqual([0xbf4ecc5f, 0xbeee46be, 0x3dfd8f28]);
    const w = Array.from(u.data, (x) => -Math.fround(Math.log1p(Math.fround(x * -x))));
    expect(w).toEqual([1.0571358, 0.24408859, 0.015447167].map(Math.fround));
    const e = Array.from(u.data, erfInvF32);
    expect(e).toEqual([-0.9221493, -0.43909517, 0.11016622].map(Math.fround));

    const W = random.normal(key, [3]);
    expect(f32bits(W.data)).toEqual([0xbfa6ed46, 0xbf1ef82d, 0x3e1f89a9]);
    expect(Array.from(W.data)).toEqual([-1.304116, -0.62097436, 0.15579857].map(Math.fround));
    expect(f32bits(W.data)).toEqual(V.tutorial.partitionable.W.bits.map(hex));
    const bb = random.normal(key, []);
    expect(bb.shape).toEqual([]);
    expect(bb.item()).toBe(Math.fround(-1.304116));
    expect(f32bits(bb.data)).toEqual(V.tutorial.partitionable.b.bits.map(hex));
  });
});

// ---- properties ---------------------------------------------------------------------------

describe("partitionable properties", () => {
  it("foldIn(key, i) equals split(key, n)[i]", () => {
    for (const seed of [0, 72, 1701, -5]) {
      const k = random.key(seed);
      const keys = random.split(k, 9);
      for (let i = 0; i < 9; i++) expect(kd(random.foldIn(k, i))).toEqual(kd(keys.at(i)));
    }
  });

  it("a scalar draw is element 0 of the array draw, and a short draw is a prefix of a long one", () => {
    const k = random.key(123);
    expect(random.bits(k).item()).toBe(random.bits(k, [4, 5]).data[0]);
    expect(random.uniform(k).item()).toBe(random.uniform(k, [7]).data[0]);
    expect(random.normal(k).item()).toBe(random.normal(k, [2, 3]).data[0]);
    expect(Array.from(random.normal(k, [10]).data)).toEqual(Array.from(random.normal(k, [2, 10]).data.slice(0, 10)));
  });

  it("is deterministic and differs between keys", () => {
    const a = random.normal(random.key(5), [100]);
    const b = random.normal(random.key(5), [100]);
    const c = random.normal(random.key(6), [100]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it("split with a shape gives keys in row-major order", () => {
    const k = random.key(3);
    const ks = random.split(k, [2, 3]);
    expect(ks.shape).toEqual([2, 3]);
    expect(random.keyData(ks).shape).toEqual([2, 3, 2]);
    expect(kd(ks)).toEqual(kd(random.split(k, 6)));
    expect(kd(ks.at(1).at(2))).toEqual(kd(random.foldIn(k, 5)));
    expect(random.split(k, 0).shape).toEqual([0]);
    expect(random.split(k, []).shape).toEqual([]);
  });
});

// ---- keys -----------------------------------------------------------------------------------

describe("key, PRNGKey, keyData, wrapKeyData", () => {
  it("seeds wrap modulo 2^32 like an int32 (SPEC §2)", () => {
    expect(kd(random.key(0))).toEqual([0, 0]);
    expect(kd(random.key(42))).toEqual([0, 42]);
    expect(kd(random.key(-1))).toEqual([0, 4294967295]);
    expect(kd(random.key(-2))).toEqual([0, 4294967294]);
    expect(kd(random.key(2 ** 31 - 1 + 100))).toEqual([0, 2147483747]);
    expect(kd(random.key(-(2 ** 31) - 100))).toEqual([0, 2147483548]);
    expect(kd(random.key(2 ** 32 + 7))).toEqual([0, 7]);
    expect(kd(random.key(2 ** 60 + 2 ** 40 + 2 ** 33 + 9 * 2 ** 8))).toEqual([0, 2304]);
    expect(kd(random.key(-1n))).toEqual([0, 4294967295]);
    expect(kd(random.key(new NDArray(Int32Array.of(-3), [], "int32")))).toEqual([0, 4294967293]);
  });

  it("rejects non-integer seeds with a TypeError", () => {
    expect(() => random.key(1.5)).toThrow(TypeError);
    expect(() => random.key(1.5)).toThrow("key: seed must be an integer, got number 1.5");
    expect(() => random.key(NaN)).toThrow(TypeError);
    expect(() => random.key(Infinity)).toThrow(TypeError);
    expect(() => random.key("3" as any)).toThrow('key: seed must be an integer, got string "3"');
    expect(() => random.key(undefined as any)).toThrow("got undefined");
    expect(() => random.key(new NDArray(Float32Array.of(1), [], "float32"))).toThrow(TypeError);
    expect(() => random.key(new NDArray(Int32Array.of(1, 2), [2], "int32"))).toThrow("seed must be a scalar");
  });

  it("PRNGKey gives raw uint32 key data, accepted everywhere; raw keys in give raw keys out", () => {
    const raw = random.PRNGKey(1701);
    expect(raw).toBeInstanceOf(NDArray);
    expect(raw.dtype).toBe("uint32");
    expect(raw.shape).toEqual([2]);
    expect(u32(raw)).toEqual([0, 1701]);
    const sp = random.split(raw, 3);
    expect(sp).toBeInstanceOf(NDArray);
    expect((sp as NDArray).shape).toEqual([3, 2]);
    expect(u32(sp)).toEqual(kd(random.split(random.key(1701), 3)));
    const fi = random.foldIn(raw, 7);
    expect(fi).toBeInstanceOf(NDArray);
    expect(u32(fi)).toEqual(V.schemes.partitionable["1701"].fold_in_7);
    expect(Array.from(random.normal(raw, [5]).data)).toEqual(Array.from(random.normal(random.key(1701), [5]).data));
    expect(random.keyData(raw)).toBe(raw);
  });

  it("keyData / wrapKeyData round-trip", () => {
    const ks = random.split(random.key(9), [2, 2]);
    const data = random.keyData(ks);
    expect(data.dtype).toBe("uint32");
    expect(data.shape).toEqual([2, 2, 2]);
    const back = random.wrapKeyData(data);
    expect(back).toBeInstanceOf(PRNGKeyArray);
    expect(back.shape).toEqual([2, 2]);
    expect(kd(back)).toEqual(u32(data));
    const k = random.wrapKeyData([0, 1701]);
    expect(k.shape).toEqual([]);
    expect(Array.from(random.uniform(k, [3]).data)).toEqual(Array.from(random.uniform(random.key(1701), [3]).data));
    expect(random.wrapKeyData([[0, 1], [0, 2]]).shape).toEqual([2]);
  });

  it("wrapKeyData rejects bad key data", () => {
    expect(() => random.wrapKeyData(new NDArray(Int32Array.of(0, 1), [2], "int32"))).toThrow(/uint32.*astype/);
    expect(() => random.wrapKeyData(new NDArray(Uint32Array.of(0, 1, 2), [3], "uint32"))).toThrow(TypeError);
    expect(() => random.wrapKeyData(new NDArray(Uint32Array.of(0), [], "uint32"))).toThrow(TypeError);
    expect(() => random.wrapKeyData([0, 1, 2])).toThrow("last axis of size 2");
    expect(() => random.wrapKeyData([0, -1])).toThrow("integers in [0, 2^32)");
    expect(() => random.wrapKeyData([0, 1.5])).toThrow(TypeError);
    expect(() => random.wrapKeyData([[0, 1], [2]])).toThrow("ragged");
    expect(() => random.wrapKeyData(3 as any)).toThrow(TypeError);
  });
});

describe("PRNGKeyArray", () => {
  const k = random.key(1701);
  const ks = random.split(k, 3);

  it("has JAX's typed-key shape, ndim, size and dtype", () => {
    expect(k).toBeInstanceOf(PRNGKeyArray);
    expect(random.isKey(k)).toBe(true);
    expect(random.isKey(random.PRNGKey(0))).toBe(false);
    expect(k.shape).toEqual([]);
    expect(k.ndim).toBe(0);
    expect(k.size).toBe(1);
    expect(k.dtype).toBe("key<fry>");
    expect(ks.shape).toEqual([3]);
    expect(ks.ndim).toBe(1);
    expect(ks.size).toBe(3);
  });

  it("destructures, iterates and indexes along the first axis", () => {
    const [a, b, c] = random.split(k, 3);
    expect(kd(a)).toEqual(kd(ks.at(0)));
    expect(kd(b)).toEqual(kd(ks.at(1)));
    expect(kd(c)).toEqual(kd(ks.at(-1)));
    expect(a.shape).toEqual([]);
    expect([...ks].length).toBe(3);
    const grid = random.split(k, [2, 3]);
    const rows = [...grid];
    expect(rows.map((r) => r.shape)).toEqual([[3], [3]]);
    expect(kd(rows[1])).toEqual(kd(random.split(k, 6)).slice(6));
  });

  it("refuses to index or iterate a single key, and checks bounds", () => {
    expect(() => [...k]).toThrow(TypeError);
    expect(() => k.at(0)).toThrow(TypeError);
    expect(() => ks.at(3)).toThrow("index 3 is out of bounds for axis 0 with size 3");
    expect(() => ks.at(-4)).toThrow(RangeError);
    expect(() => ks.at(1.5)).toThrow(RangeError);
  });

  it("prints like JAX", () => {
    expect(String(k)).toBe("Array((), dtype=key<fry>) overlaying:\n[   0 1701]");
    expect(inspect(k)).toBe("Array((), dtype=key<fry>) overlaying:\n[   0 1701]");
    expect(inspect(ks)).toBe(
      "Array((3,), dtype=key<fry>) overlaying:\n" +
        "[[ 741045208 1847055613]\n [  85238482 2594297577]\n [  56197195  961309823]]",
    );
    const grid = random.split(k, [2, 1]);
    expect(String(grid)).toBe(
      "Array((2, 1), dtype=key<fry>) overlaying:\n" + "[[[ 741045208 1847055613]]\n\n [[  85238482 2594297577]]]",
    );
    expect(String(random.split(k, 0))).toBe("Array((0,), dtype=key<fry>) overlaying:\n[]");
    const big = String(random.split(k, 600)).split("\n");
    expect(big.length).toBe(1 + 7);
    expect(big[4]).toBe(" ...");
    expect(Object.prototype.toString.call(k)).toBe("[object PRNGKeyArray]");
  });
});

// ---- samplers -------------------------------------------------------------------------------

describe("uniform", () => {
  const k = random.key(11);

  it("matches JAX's float32 formula with minval/maxval", () => {
    const b = u32(random.bits(k, [1000]));
    const u = random.uniform(k, [1000], { minval: -3, maxval: 5.5 });
    const fr = Math.fround;
    const span = fr(5.5 - -3);
    b.forEach((x, i) => {
      const f = fr(f32(((x >>> 9) | 0x3f800000) >>> 0) - 1);
      expect(u.data[i]).toBe(Math.max(-3, fr(fr(f * span) + -3)));
    });
    for (const x of u.data) expect(x >= -3 && x < 5.5).toBe(true);
  });

  it("accepts array bounds broadcast to the shape", () => {
    const lo = new NDArray(Float32Array.of(0, 10, 100), [3], "float32");
    const u = random.uniform(k, [4, 3], { minval: lo, maxval: lo.add(1) });
    for (let i = 0; i < 12; i++) {
      const l = [0, 10, 100][i % 3];
      expect(u.data[i] >= l && u.data[i] < l + 1).toBe(true);
    }
    const lo2 = new NDArray(Float32Array.of(0, 10, 100, 1000), [4, 1], "float32");
    const u2 = random.uniform(k, [4, 3], { minval: lo2, maxval: 2000 });
    for (let i = 0; i < 12; i++) expect(u2.data[i] >= [0, 10, 100, 1000][Math.floor(i / 3)]).toBe(true);
    // same values as scalar bounds where the bounds agree
    const same = random.uniform(k, [4, 3], { minval: new NDArray(Float32Array.of(2), [1], "float32"), maxval: 3 });
    expect(Array.from(same.data)).toEqual(Array.from(random.uniform(k, [4, 3], { minval: 2, maxval: 3 }).data));
  });

  it("rejects bounds that do not broadcast to the shape, and non-float dtypes", () => {
    const lo = new NDArray(Float32Array.of(0, 1), [2], "float32");
    expect(() => random.uniform(k, [3], { minval: lo })).toThrow(
      "uniform: minval of shape (2,) cannot be broadcast to the requested shape (3,)",
    );
    expect(() => random.uniform(k, [], { maxval: lo })).toThrow(TypeError);
    expect(() => random.uniform(k, [2], { dtype: "int32" as any })).toThrow('uniform: dtype must be a float dtype ("float32"), got string "int32"');
    expect(() => random.uniform(k, [2], { minval: "0" as any })).toThrow(TypeError);
    expect(() => random.uniform(k, [2], 3 as any)).toThrow("uniform: options must be an object");
  });

  it("is roughly uniform", () => {
    const u = random.uniform(random.key(0), [100000]);
    let s = 0;
    const hist = new Array(10).fill(0);
    for (const x of u.data) {
      s += x;
      hist[Math.floor(x * 10)]++;
    }
    expect(Math.abs(s / 1e5 - 0.5)).toBeLessThan(0.005);
    for (const h of hist) expect(Math.abs(h - 1e4)).toBeLessThan(500);
  });

  it("draws a million floats in well under a second", () => {
    const t0 = performance.now();
    const u = random.uniform(random.key(1), [1000, 1000]);
    const n = random.normal(random.key(1), [1000000]);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(u.size + n.size).toBe(2e6);
  });
});

describe("normal", () => {
  it("has mean 0 and variance 1", () => {
    const n = random.normal(random.key(7), [200000]);
    let s = 0;
    let s2 = 0;
    for (const x of n.data) {
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / 2e5)).toBeLessThan(0.01);
    expect(Math.abs(s2 / 2e5 - 1)).toBeLessThan(0.02);
  });

  it("erfInvF32 covers both polynomial branches and the ±1 endpoints", () => {
    expect(erfInvF32(0)).toBe(0);
    expect(erfInvF32(1)).toBe(Infinity);
    expect(erfInvF32(-1)).toBe(-Infinity);
    // w >= 5 branch: |x| close to 1 (fround(0.99999) = 0.99998999, whose erf_inv is 3.1232058)
    const x = Math.fround(0.99999);
    expect(-Math.log1p(-x * x)).toBeGreaterThan(5);
    expect(Math.abs(erfInvF32(x) - 3.1232058)).toBeLessThan(1e-5);
    expect(Math.abs(erfInvF32(Math.fround(0.5)) - 0.4769363)).toBeLessThan(1e-6);
    expect(erfInvF32(Math.fround(-0.5))).toBe(-erfInvF32(Math.fround(0.5)));
  });

  it("rejects non-float dtypes", () => {
    expect(() => random.normal(random.key(0), [2], { dtype: "int32" as any })).toThrow(TypeError);
  });
});

describe("gumbel", () => {
  it("has the Gumbel mean (Euler's gamma) and is finite", () => {
    const g = random.gumbel(random.key(3), [100000]);
    let s = 0;
    for (const x of g.data) {
      expect(Number.isFinite(x)).toBe(true);
      s += x;
    }
    expect(Math.abs(s / 1e5 - 0.5772157)).toBeLessThan(0.02);
  });

  it("is -log(-log(u)) with u uniform on [tiny, 1)", () => {
    const k = random.key(4);
    const u = random.uniform(k, [50], { minval: 2 ** -126, maxval: 1 });
    const g = random.gumbel(k, [50]);
    const fr = Math.fround;
    u.data.forEach((x, i) => expect(g.data[i]).toBe(fr(-fr(Math.log(-fr(Math.log(x)))))));
  });
});

describe("exponential, laplace, logistic, cauchy, rademacher", () => {
  const N = 100000;
  const stats = (a: { data: ArrayLike<number> }) => {
    let s = 0, s2 = 0;
    for (const v of globalThis.Array.from(a.data)) (s += v), (s2 += v * v);
    return { mean: s / N, var: s2 / N - (s / N) ** 2 };
  };
  it("have their distributions' moments (mean 1 / var 1; 0 / 2; 0 / π²/3) and Cauchy's quartiles ±1", () => {
    const e = stats(random.exponential(random.key(31), [N]));
    expect(Math.abs(e.mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(e.var - 1)).toBeLessThan(0.05);
    const l = stats(random.laplace(random.key(32), [N]));
    expect(Math.abs(l.mean)).toBeLessThan(0.02);
    expect(Math.abs(l.var - 2)).toBeLessThan(0.08);
    const g = stats(random.logistic(random.key(33), [N]));
    expect(Math.abs(g.mean)).toBeLessThan(0.03);
    expect(Math.abs(g.var - Math.PI ** 2 / 3)).toBeLessThan(0.1);
    const c = globalThis.Array.from(random.cauchy(random.key(34), [N]).data).sort((a, b) => a - b);
    expect(Math.abs(c[N / 4] + 1)).toBeLessThan(0.03);
    expect(Math.abs(c[(3 * N) / 4] - 1)).toBeLessThan(0.03);
    const r = random.rademacher(random.key(35), [N]);
    expect(r.dtype).toBe("int32");
    expect(new Set(globalThis.Array.from(r.data))).toEqual(new Set([1, -1]));
    expect(Math.abs(stats(r).mean)).toBeLessThan(0.01);
  });
  it("are JAX's transformations of the same uniform draws", () => {
    const fr = Math.fround;
    const k = random.key(36);
    const u0 = random.uniform(k, [40]);
    random.exponential(k, [40]).data.forEach((v, i) => expect(v).toBe(-fr(Math.log1p(-u0.data[i]))));
    const ul = random.uniform(k, [40], { minval: fr(-1 + 2 ** -24), maxval: 1 });
    random.laplace(k, [40]).data.forEach((v, i) => expect(v).toBe(fr(Math.sign(ul.data[i]) * fr(Math.log1p(-Math.abs(ul.data[i]))))));
    const ut = random.uniform(k, [40], { minval: 2 ** -126, maxval: 1 });
    random.logistic(k, [40]).data.forEach((v, i) => expect(v).toBe(fr(Math.log(fr(ut.data[i] / fr(1 - ut.data[i]))))));
    const b = random.bernoulli(k, 0.5, [40]);
    random.rademacher(k, [40]).data.forEach((v, i) => expect(v).toBe(b.data[i] ? 1 : -1));
  });
});

describe("gamma, beta, dirichlet, t, poisson, multivariateNormal (moments)", () => {
  const N = 40000;
  const moments = (d: ArrayLike<number>) => {
    const a = globalThis.Array.from(d, Number);
    const m = a.reduce((s, v) => s + v, 0) / a.length;
    return { mean: m, var: a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length };
  };
  it("gamma(a) has mean a and variance a, for a below and above 1", () => {
    for (const a of [0.5, 2, 7.5]) {
      const g = moments(random.gamma(random.key(40), a, [N]).data);
      expect(Math.abs(g.mean - a) / a).toBeLessThan(0.03);
      expect(Math.abs(g.var - a) / a).toBeLessThan(0.06);
    }
    expect(() => random.gamma(random.key(1), -1, [3])).toThrow(/positive/);
  });
  it("beta and dirichlet: means a/(a+b) and alpha/sum(alpha); dirichlet rows sum to 1", () => {
    expect(Math.abs(moments(random.beta(random.key(41), 2, 5, [N]).data).mean - 2 / 7)).toBeLessThan(0.01);
    const d = random.dirichlet(random.key(42), [1, 2, 3], [N / 4]);
    expect(d.shape).toEqual([N / 4, 3]);
    const rows = d.tolist() as number[][];
    expect(rows.every((r) => Math.abs(r[0] + r[1] + r[2] - 1) < 1e-5)).toBe(true);
    expect(Math.abs(rows.reduce((s, r) => s + r[2], 0) / rows.length - 0.5)).toBeLessThan(0.01);
  });
  it("t(df = 5) has variance df/(df-2); poisson has mean and variance lam (small and large lam)", () => {
    expect(Math.abs(moments(random.t(random.key(43), 5, [N]).data).var - 5 / 3)).toBeLessThan(0.12);
    for (const lam of [3, 40]) {
      const p = random.poisson(random.key(44), lam, [N]);
      expect(p.dtype).toBe("int32");
      const m = moments(p.data);
      expect(Math.abs(m.mean - lam) / lam).toBeLessThan(0.02);
      expect(Math.abs(m.var - lam) / lam).toBeLessThan(0.06);
    }
  });
  it("multivariateNormal has the mean and covariance given", () => {
    const cov = [[2, 0.8], [0.8, 1]];
    const x = random.multivariateNormal(random.key(45), [1, -2], cov, [N]).tolist() as number[][];
    const m0 = x.reduce((s, r) => s + r[0], 0) / N, m1 = x.reduce((s, r) => s + r[1], 0) / N;
    expect(Math.abs(m0 - 1)).toBeLessThan(0.03);
    expect(Math.abs(m1 + 2)).toBeLessThan(0.03);
    const c01 = x.reduce((s, r) => s + (r[0] - m0) * (r[1] - m1), 0) / N;
    expect(Math.abs(c01 - 0.8)).toBeLessThan(0.05);
  });
});

describe("bernoulli", () => {
  const k = random.key(21);

  it("is uniform < p, with p rounded to float32", () => {
    const u = random.uniform(k, [1000]);
    const b = random.bernoulli(k, 0.3, [1000]);
    expect(b.dtype).toBe("bool");
    expect(b.shape).toEqual([1000]);
    u.data.forEach((x, i) => expect(b.data[i]).toBe(x < Math.fround(0.3) ? 1 : 0));
  });

  it("has frequency p, and the edge cases p = 0 and p = 1", () => {
    const b = random.bernoulli(k, 0.25, [100000]);
    let c = 0;
    for (const x of b.data) c += x;
    expect(Math.abs(c / 1e5 - 0.25)).toBeLessThan(0.006);
    expect(random.bernoulli(k, 0, [1000]).data.every((x) => x === 0)).toBe(true);
    expect(random.bernoulli(k, 1, [1000]).data.every((x) => x === 1)).toBe(true);
    expect(random.bernoulli(k).shape).toEqual([]);
    expect(typeof random.bernoulli(k).item()).toBe("boolean");
  });

  it("takes an array p: its shape is the default shape, and it broadcasts", () => {
    const p = new NDArray(Float32Array.of(0, 1, 0.5), [3], "float32");
    const b = random.bernoulli(k, p);
    expect(b.shape).toEqual([3]);
    expect([b.data[0], b.data[1]]).toEqual([0, 1]);
    const b2 = random.bernoulli(k, p, [1000, 3]);
    for (let i = 0; i < 1000; i++) expect([b2.data[3 * i], b2.data[3 * i + 1]]).toEqual([0, 1]);
    expect(() => random.bernoulli(k, p, [2])).toThrow("bernoulli: p of shape (3,) cannot be broadcast");
    expect(() => random.bernoulli(k, new NDArray(Int32Array.of(1), [1], "int32"))).toThrow(/floating dtype/);
    expect(() => random.bernoulli(k, "0.5" as any)).toThrow(TypeError);
  });
});

describe("randint", () => {
  const k = random.key(1701);

  it("stays within bounds and is roughly uniform over 100k draws", () => {
    const r = random.randint(k, [100000], -3, 7);
    expect(r.dtype).toBe("int32");
    const hist = new Array(10).fill(0);
    for (const x of r.data) {
      expect(x >= -3 && x < 7).toBe(true);
      hist[x + 3]++;
    }
    let chi2 = 0;
    for (const h of hist) chi2 += (h - 1e4) ** 2 / 1e4;
    expect(chi2).toBeLessThan(35); // 9 degrees of freedom: p < 1e-4
  });

  it("equals minval + (hi·2^32 + lo) mod span for spans up to 2^16, hi/lo drawn from split(key)", () => {
    const [k1, k2] = random.split(k);
    const hi = u32(random.bits(k1, [500]));
    const lo = u32(random.bits(k2, [500]));
    for (const [a, b] of [[0, 10], [-5, 1000], [7, 7 + 65536], [100, 101], [-70000, -69999 + 3]]) {
      const r = random.randint(k, [500], a, b);
      const span = BigInt(b - a);
      for (let i = 0; i < 500; i++)
        expect(r.data[i]).toBe(a + Number(((BigInt(hi[i]) << 32n) + BigInt(lo[i])) % span));
    }
  });

  it("reproduces JAX's uint32 wrap-around for spans above 2^16 (the multiplier wraps to 0)", () => {
    const [, k2] = random.split(k);
    const lo = u32(random.bits(k2, [500]));
    const span = 1000003;
    const r = random.randint(k, [500], 10, 10 + span);
    for (let i = 0; i < 500; i++) expect(r.data[i]).toBe(10 + (lo[i] % span));
  });

  it("returns minval when maxval <= minval, and covers the full int32 range", () => {
    expect(Array.from(random.randint(k, [5], 4, 4).data)).toEqual([4, 4, 4, 4, 4]);
    expect(Array.from(random.randint(k, [5], 4, -10).data)).toEqual([4, 4, 4, 4, 4]);
    const full = random.randint(k, [1000], -(2 ** 31), 2 ** 31);
    let neg = 0;
    for (const x of full.data) if (x < 0) neg++;
    expect(neg > 400 && neg < 600).toBe(true);
    const [k1, k2] = random.split(k);
    // span 2^32 wraps to 0: remainders are identities, so the result is minval + (hi·0 + lo)
    const lo = u32(random.bits(k2, [1000]));
    void k1;
    full.data.forEach((x, i) => expect(x).toBe((-(2 ** 31) + lo[i]) | 0));
  });

  it("supports uint32, array bounds, float bounds and scalar shapes", () => {
    const u = random.randint(k, [1000], 0, 4294967295, { dtype: "uint32" });
    expect(u.dtype).toBe("uint32");
    expect(u.data.some((x) => x > 2 ** 31)).toBe(true);
    const lo = new NDArray(Int32Array.of(0, 100, 1000), [3], "int32");
    const r = random.randint(k, [200, 3], lo, lo.add(10));
    for (let i = 0; i < 600; i++) {
      const l = [0, 100, 1000][i % 3];
      expect(r.data[i] >= l && r.data[i] < l + 10).toBe(true);
    }
    expect(Array.from(random.randint(k, [50], 0, 9.9).data)).toEqual(Array.from(random.randint(k, [50], 0, 9).data));
    const s = random.randint(k, [], 0, 100);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(random.randint(k, [20], 0, 100).data[0]);
    expect(random.randint(k, 4, 0, 2).shape).toEqual([4]);
  });

  it("is deterministic and rejects bad arguments", () => {
    expect(Array.from(random.randint(k, [30], 0, 50).data)).toEqual(Array.from(random.randint(k, [30], 0, 50).data));
    expect(() => random.randint(k, [3], 0, 10, { dtype: "float32" as any })).toThrow(/integer dtype/);
    expect(() => random.randint(k, [3], NaN, 10)).toThrow("randint: minval must be a finite number");
    expect(() => random.randint(k, [3], 0, "10" as any)).toThrow(TypeError);
    expect(() => random.randint(k, [3], new NDArray(Int32Array.of(0, 1), [2], "int32"), 10)).toThrow(
      "randint: minval of shape (2,) cannot be broadcast to the requested shape (3,)",
    );
    expect(() => random.randint(k, undefined as any, 0, 10)).toThrow(/randint: shape must be/);
  });
});

describe("permutation", () => {
  const k = random.key(1701);
  const isPerm = (xs: ArrayLike<number>, n: number) => {
    const seen = new Uint8Array(n);
    for (let i = 0; i < xs.length; i++) seen[xs[i]]++;
    return xs.length === n && seen.every((c) => c === 1);
  };

  it("permutes arange(n) (int32), deterministically", () => {
    const p = random.permutation(k, 1000);
    expect(p.dtype).toBe("int32");
    expect(p.shape).toEqual([1000]);
    expect(isPerm(p.data, 1000)).toBe(true);
    expect(Array.from(p.data)).toEqual(Array.from(random.permutation(k, 1000).data));
    expect(Array.from(p.data)).not.toEqual(Array.from(random.permutation(random.key(1), 1000).data));
    expect(Array.from(random.permutation(k, 1).data)).toEqual([0]);
    expect(random.permutation(k, 0).shape).toEqual([0]);
  });

  it("is JAX's sort by random bits: one round below n = 1626, two from there", () => {
    const stableArgsort = (keys: number[]) =>
      keys.map((_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
    for (const n of [2, 10, 300, 1625]) {
      const [, sub] = random.split(k);
      const order = stableArgsort(u32(random.bits(sub, [n])));
      expect(Array.from(random.permutation(k, n).data)).toEqual(order);
    }
    const n = 2000;
    let x = Array.from({ length: n }, (_, i) => i);
    let cur = k;
    for (let r = 0; r < 2; r++) {
      const [next, sub] = random.split(cur);
      cur = next;
      const order = stableArgsort(u32(random.bits(sub, [n])));
      x = order.map((i) => x[i]);
    }
    const p = random.permutation(k, n);
    expect(Array.from(p.data)).toEqual(x);
    expect(isPerm(p.data, n)).toBe(true);
  });

  it("shuffles an array's entries, rows (axis 0) or columns together", () => {
    const a = new NDArray(Float32Array.from({ length: 12 }, (_, i) => i), [4, 3], "float32");
    const p = random.permutation(k, a);
    expect(p.shape).toEqual([4, 3]);
    expect(p.dtype).toBe("float32");
    const rows = Array.from({ length: 4 }, (_, r) => p.data[3 * r] / 3);
    expect(isPerm(rows, 4)).toBe(true);
    for (let r = 0; r < 4; r++) expect(Array.from(p.data.slice(3 * r, 3 * r + 3))).toEqual([0, 1, 2].map((c) => rows[r] * 3 + c));
    expect(rows).toEqual(Array.from(random.permutation(k, 4).data));
    const pc = random.permutation(k, a, { axis: 1 });
    const cols = Array.from(random.permutation(k, 3).data);
    for (let r = 0; r < 4; r++) expect(Array.from(pc.data.slice(3 * r, 3 * r + 3))).toEqual(cols.map((c) => 3 * r + c));
    const v = new NDArray(Int32Array.of(10, 20, 30, 40), [4], "int32");
    expect(Array.from(random.permutation(k, v).data)).toEqual(Array.from(random.permutation(k, 4).data, (i) => 10 * (i + 1)));
  });

  it("independent: true shuffles every lane on its own", () => {
    const a = new NDArray(Int32Array.from({ length: 400 }, (_, i) => i % 20), [20, 20], "int32");
    const p = random.permutation(k, a, { axis: 1, independent: true });
    const rowsDiffer = new Set<string>();
    for (let r = 0; r < 20; r++) {
      const row = Array.from(p.data.slice(20 * r, 20 * r + 20));
      expect(isPerm(row, 20)).toBe(true);
      rowsDiffer.add(row.join(","));
    }
    expect(rowsDiffer.size).toBeGreaterThan(15);
  });

  it("rejects bad arguments", () => {
    expect(() => random.permutation(k, 2.5)).toThrow("permutation: x must be an integer or at least 1-dimensional");
    expect(() => random.permutation(k, new NDArray(Float32Array.of(3), [], "float32"))).toThrow(TypeError);
    expect(Array.from(random.permutation(k, new NDArray(Int32Array.of(3), [], "int32")).data).sort()).toEqual([0, 1, 2]);
    expect(() => random.permutation(k, -1)).toThrow(TypeError);
    expect(() => random.permutation(k, 5, { axis: 1 })).toThrow("permutation: axis number 1 is out of bounds");
    expect(() => random.permutation(k, "5" as any)).toThrow(TypeError);
  });
});

describe("choice", () => {
  const k = random.key(1701);

  it("with replacement is randint(key, shape, 0, n), or those entries of a", () => {
    const c = random.choice(k, 10, [50]);
    expect(c.dtype).toBe("int32");
    expect(Array.from(c.data)).toEqual(Array.from(random.randint(k, [50], 0, 10).data));
    const a = new NDArray(Float32Array.from({ length: 10 }, (_, i) => i * 1.5), [10], "float32");
    const ca = random.choice(k, a, [50]);
    expect(ca.dtype).toBe("float32");
    expect(Array.from(ca.data)).toEqual(Array.from(c.data, (i) => i * 1.5));
    expect(random.choice(k, 5).shape).toEqual([]);
    expect(random.choice(k, 5, 3).shape).toEqual([3]);
  });

  it("chooses rows of a 2-D array along an axis", () => {
    const a = new NDArray(Int32Array.from({ length: 12 }, (_, i) => i), [3, 4], "int32");
    const rows = random.choice(k, a, [2, 5]);
    expect(rows.shape).toEqual([2, 5, 4]);
    const cols = random.choice(k, a, [5], { axis: 1 });
    expect(cols.shape).toEqual([3, 5]);
    const idx = Array.from(random.randint(k, [5], 0, 4).data);
    for (let r = 0; r < 3; r++) expect(Array.from(cols.data.slice(5 * r, 5 * r + 5))).toEqual(idx.map((c) => 4 * r + c));
  });

  it("without replacement gives distinct entries: the start of permutation", () => {
    const c = random.choice(k, 100, [10], { replace: false });
    expect(new Set(c.data).size).toBe(10);
    expect(Array.from(c.data)).toEqual(Array.from(random.permutation(k, 100).data.slice(0, 10)));
    const all = random.choice(k, 7, [7], { replace: false });
    expect(Array.from(all.data).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const a = new NDArray(Int32Array.from({ length: 12 }, (_, i) => i), [4, 3], "int32");
    const rows = random.choice(k, a, [2], { replace: false });
    expect(rows.shape).toEqual([2, 3]);
    const perm = random.permutation(k, a);
    expect(Array.from(rows.data)).toEqual(Array.from(perm.data.slice(0, 6)));
  });

  it("with p follows the probabilities and never picks p = 0", () => {
    const p = new NDArray(Float32Array.of(0.1, 0, 0.6, 0.3), [4], "float32");
    const c = random.choice(k, 4, [100000], { p });
    const hist = [0, 0, 0, 0];
    for (const x of c.data) hist[x]++;
    expect(hist[1]).toBe(0);
    expect(Math.abs(hist[0] / 1e5 - 0.1)).toBeLessThan(0.005);
    expect(Math.abs(hist[2] / 1e5 - 0.6)).toBeLessThan(0.006);
    expect(Math.abs(hist[3] / 1e5 - 0.3)).toBeLessThan(0.006);
    // unnormalised p is fine (searchsorted against cumsum(p)[-1] * (1 - u))
    const c2 = random.choice(k, 4, [1000], { p: [1, 0, 6, 3] });
    expect(Array.from(c2.data)).toEqual(Array.from(c.data.slice(0, 1000)));
  });

  it("with p and without replacement picks distinct, likely entries", () => {
    const c = random.choice(k, 6, [3], { p: [0.3, 0.3, 0.3, 0.1 / 3, 0.1 / 3, 0.1 / 3], replace: false });
    expect(new Set(c.data).size).toBe(3);
    let top = 0;
    for (let s = 0; s < 300; s++) {
      const d = random.choice(random.key(s), 6, [3], { p: [0.3, 0.3, 0.3, 0.1 / 3, 0.1 / 3, 0.1 / 3], replace: false });
      if (Array.from(d.data).every((x) => x < 3)) top++;
      expect(Array.from(d.data).some((x) => x < 0 || x > 5)).toBe(false);
    }
    expect(top).toBeGreaterThan(150);
    const z = random.choice(k, 4, [2], { p: [0.5, 0, 0.5, 0], replace: false });
    expect(Array.from(z.data).sort()).toEqual([0, 2]);
  });

  it("handles empty draws and rejects bad arguments", () => {
    expect(random.choice(k, 5, [0]).shape).toEqual([0]);
    expect(() => random.choice(k, 0, [3])).toThrow("choice: a must be greater than 0");
    expect(() => random.choice(k, 3, [4], { replace: false })).toThrow(
      "choice: cannot take a larger sample (size 4) than the population (size 3) when replace is false",
    );
    expect(() => random.choice(k, 3, [2], { p: [0.5, 0.5] })).toThrow(/p must be a 1-D vector .* \(3\), got shape \(2,\)/);
    expect(() => random.choice(k, 2.5, [2])).toThrow(TypeError);
    expect(() => random.choice(k, 3, [-1])).toThrow("choice: shape must be a non-negative integer or an array of them, got [-1]");
    expect(() => random.choice(k, new NDArray(Int32Array.of(1, 2), [2], "int32"), [2], { axis: 1 })).toThrow(/axis/);
  });
});

describe("categorical", () => {
  const softmax = (l: number[]) => {
    const m = Math.max(...l);
    const e = l.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b);
    return e.map((x) => x / s);
  };

  it("is argmax(logits + gumbel(key, shape)) along the axis", () => {
    const k = random.key(0);
    const logits = new NDArray(Float32Array.of(0.5, -1, 2), [3], "float32");
    const c = random.categorical(k, logits, { shape: [200] });
    const g = random.gumbel(k, [200, 3]);
    for (let i = 0; i < 200; i++) {
      const row = [0, 1, 2].map((j) => Math.fround(g.data[3 * i + j] + logits.data[j]));
      expect(c.data[i]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it("matches softmax frequencies over 100k draws", () => {
    const l = [1, 0, -1, 2.5];
    const c = random.categorical(random.key(42), l, { shape: [100000] });
    expect(c.dtype).toBe("int32");
    expect(c.shape).toEqual([100000]);
    const hist = [0, 0, 0, 0];
    for (const x of c.data) hist[x]++;
    const p = softmax(l);
    hist.forEach((h, i) => expect(Math.abs(h / 1e5 - p[i])).toBeLessThan(0.006));
  });

  it("handles batches of logits and the axis option", () => {
    const k = random.key(3);
    const logits = new NDArray(Float32Array.of(0, 0, 100, 100, 0, 0), [2, 3], "float32");
    const c = random.categorical(k, logits);
    expect(c.shape).toEqual([2]);
    expect(Array.from(c.data)).toEqual([2, 0]);
    const c0 = random.categorical(k, logits, { axis: 0 });
    expect(c0.shape).toEqual([3]);
    expect(Array.from(c0.data)).toEqual([1, 0, 0]);
    const many = random.categorical(k, logits, { shape: [5, 2] });
    expect(many.shape).toEqual([5, 2]);
    for (let i = 0; i < 5; i++) expect([many.data[2 * i], many.data[2 * i + 1]]).toEqual([2, 0]);
    // a size-1 batch axis broadcasts to the requested shape
    const one = new NDArray(Float32Array.of(0, 100, 0), [1, 3], "float32");
    expect(Array.from(random.categorical(k, one, { shape: [4] }).data)).toEqual([1, 1, 1, 1]);
  });

  it("is deterministic and rejects bad arguments", () => {
    const k = random.key(8);
    const l = [0.1, 0.2, 0.3];
    expect(Array.from(random.categorical(k, l, { shape: [50] }).data)).toEqual(
      Array.from(random.categorical(k, l, { shape: [50] }).data),
    );
    expect(random.categorical(k, l).shape).toEqual([]);
    const logits = new NDArray(Float32Array.of(0, 0, 0, 0, 0, 0), [2, 3], "float32");
    expect(() => random.categorical(k, logits, { shape: [3] })).toThrow(
      "categorical: shape (3,) is not broadcast-compatible with the batch shape (2,)",
    );
    expect(() => random.categorical(k, logits, { axis: 2 })).toThrow(/axis number 2 is out of bounds/);
    expect(() => random.categorical(k, new NDArray(Float32Array.of(1), [], "float32"))).toThrow(/at least one dimension/);
    expect(() => random.categorical(k, "abc" as any)).toThrow(TypeError);
  });
});

// ---- error paths shared by every function --------------------------------------------------

describe("bad keys and shapes", () => {
  const samplers: [string, (k: any) => unknown][] = [
    ["split", (k) => random.split(k)],
    ["foldIn", (k) => random.foldIn(k, 1)],
    ["keyData", (k) => random.keyData(k)],
    ["bits", (k) => random.bits(k, [2])],
    ["uniform", (k) => random.uniform(k, [2])],
    ["normal", (k) => random.normal(k, [2])],
    ["gumbel", (k) => random.gumbel(k, [2])],
    ["bernoulli", (k) => random.bernoulli(k, 0.5, [2])],
    ["randint", (k) => random.randint(k, [2], 0, 3)],
    ["permutation", (k) => random.permutation(k, 3)],
    ["choice", (k) => random.choice(k, 3, [2])],
    ["categorical", (k) => random.categorical(k, [0, 1])],
  ];

  it("a raw number, undefined, null or a string is a TypeError naming the op and the value", () => {
    for (const [op, f] of samplers) {
      expect(() => f(3)).toThrow(new TypeError(`${op}: expected a PRNG key from random.key(), got number 3`));
      expect(() => f(undefined)).toThrow(`${op}: expected a PRNG key from random.key(), got undefined`);
      expect(() => f(null)).toThrow(`${op}: expected a PRNG key from random.key(), got null`);
      expect(() => f("k")).toThrow(`${op}: expected a PRNG key from random.key(), got string "k"`);
      expect(() => f({})).toThrow(`${op}: expected a PRNG key from random.key(), got a plain object`);
      expect(() => f([0, 1])).toThrow(TypeError);
    }
  });

  it("an NDArray of the wrong dtype or shape is a TypeError", () => {
    const bad = [
      new NDArray(Float32Array.of(0, 1), [2], "float32"),
      new NDArray(Int32Array.of(0, 1), [2], "int32"),
      new NDArray(Uint32Array.of(0, 1, 2), [3], "uint32"),
      new NDArray(Uint32Array.of(0), [], "uint32"),
    ];
    for (const [op, f] of samplers)
      for (const b of bad) expect(() => f(b)).toThrow(new RegExp(`^${op}: expected a PRNG key from random.key\\(\\), got a \\w+ array of shape`));
    expect(() => random.normal(bad[0] as any)).toThrow(
      "normal: expected a PRNG key from random.key(), got a float32 array of shape (2,) (raw key data must be a uint32 array whose last axis has size 2)",
    );
  });

  it("a batch of keys where one key is needed is a TypeError", () => {
    const ks = random.split(random.key(0), 3);
    for (const [op, f] of samplers) {
      if (op === "keyData") continue;
      expect(() => f(ks)).toThrow(`${op}: expected a single key, got a key array of shape (3,)`);
    }
    expect(() => random.normal(random.keyData(ks))).toThrow("normal: expected a single key, got a key array of shape (3,)");
  });

  it("bad shapes are TypeErrors naming the op and the shape", () => {
    const k = random.key(0);
    expect(() => random.normal(k, -1)).toThrow("normal: shape must be a non-negative integer or an array of them, got number -1");
    expect(() => random.normal(k, [2, -1])).toThrow("normal: shape must be a non-negative integer or an array of them, got [2, -1]");
    expect(() => random.uniform(k, [1.5])).toThrow("uniform: shape must be a non-negative integer or an array of them, got [1.5]");
    expect(() => random.bits(k, "3" as any)).toThrow('bits: shape must be a non-negative integer or an array of them, got string "3"');
    expect(() => random.normal(k, [2, NaN])).toThrow(/got \[2, NaN\]/);
    expect(() => random.normal(k, [2 ** 20, 2 ** 20])).toThrow("normal: shape (1048576, 1048576) has more than 2^32 - 1 elements");
    expect(() => random.split(k, -2)).toThrow("split: num must be a non-negative integer or an array of them, got number -2");
    expect(() => random.split(k, 1.5)).toThrow(TypeError);
    expect(random.normal(k, 3).shape).toEqual([3]);
    expect(random.normal(k, [0, 4]).shape).toEqual([0, 4]);
  });

  it("foldIn data must be an integer; it wraps modulo 2^32", () => {
    const k = random.key(0);
    expect(kd(random.foldIn(k, -1))).toEqual(kd(random.foldIn(k, 2 ** 32 - 1)));
    expect(kd(random.foldIn(k, 2 ** 32 + 3))).toEqual(kd(random.foldIn(k, 3)));
    expect(kd(random.foldIn(k, 5n))).toEqual(kd(random.foldIn(k, 5)));
    expect(kd(random.foldIn(k, new NDArray(Int32Array.of(4), [], "int32")))).toEqual(kd(random.foldIn(k, 4)));
    // JAX's own known answer (tests/random_test.py): fold_in(PRNGKey(0), 4)
    expect(kd(random.foldIn(k, 4))).toEqual([2285895361, 433833334]);
    expect(() => random.foldIn(k, 0.5)).toThrow("foldIn: data must be an integer, got number 0.5");
    expect(() => random.foldIn(k, "1" as any)).toThrow(TypeError);
    expect(() => random.foldIn(k, undefined as any)).toThrow(TypeError);
  });

  it("bits only makes uint32", () => {
    expect(() => random.bits(random.key(0), [2], { dtype: "int32" as any })).toThrow('bits: only dtype "uint32" is supported');
  });
});

// ---- cross-check against numpy transcriptions of jax/_src/random.py (gen_random.py) ----------

describe("random_extra_vectors.json (numpy transcription of JAX's samplers)", () => {
  type Case = Record<string, any> & { seed: number; out_shape: number[]; out_dtype: string; out: any[] };
  const X = JSON.parse(readFileSync(new URL("../fixtures/random_extra_vectors.json", import.meta.url), "utf8")) as Record<
    string,
    Case[]
  >;
  const i32 = (a: unknown) => (Array.isArray(a) ? new NDArray(Int32Array.from(a.flat(3)), shapeOf(a), "int32") : a);
  const shapeOf = (a: unknown): number[] => (Array.isArray(a) ? [a.length, ...shapeOf(a[0])] : []);
  const check = (got: NDArray, c: Case) => {
    expect(got.shape).toEqual(c.out_shape);
    if (c.out_dtype === "float32_bits") {
      expect(got.dtype).toBe("float32");
      expect(f32bits(got.data)).toEqual(c.out.map(hex));
    } else if (c.out_dtype === "bool") {
      expect(got.dtype).toBe("bool");
      expect(Array.from(got.data, (x) => x === 1)).toEqual(c.out);
    } else {
      expect(got.dtype).toBe(c.out_dtype);
      expect(Array.from(got.data)).toEqual(c.out);
    }
  };

  it("has every sampler", () => {
    for (const name of ["bernoulli", "randint", "permutation", "choice", "gumbel", "categorical"])
      expect(X[name].length).toBeGreaterThan(1);
  });
  it("bernoulli", () => {
    for (const c of X.bernoulli) check(random.bernoulli(random.key(c.seed), c.p, c.shape), c);
  });
  it("randint", () => {
    for (const c of X.randint)
      check(random.randint(random.key(c.seed), c.shape, i32(c.minval) as any, i32(c.maxval) as any, { dtype: c.dtype }), c);
  });
  it("permutation", () => {
    for (const c of X.permutation)
      check(random.permutation(random.key(c.seed), i32(c.x) as any, { axis: c.axis, independent: c.independent }), c);
  });
  it("choice", () => {
    for (const c of X.choice)
      check(
        random.choice(random.key(c.seed), i32(c.a) as any, c.shape, {
          replace: c.replace,
          p: c.p ?? undefined,
          axis: c.axis,
        }),
        c,
      );
  });
  it("gumbel", () => {
    for (const c of X.gumbel) check(random.gumbel(random.key(c.seed), c.shape), c);
  });
  it("categorical", () => {
    for (const c of X.categorical)
      check(random.categorical(random.key(c.seed), c.logits, { axis: c.axis, shape: c.shape ?? undefined }), c);
  });
});
