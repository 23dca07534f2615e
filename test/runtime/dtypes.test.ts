// float16 and float64 Arrays and weak types, against NumPy (test/fixtures/dtypes.json, made by
// test/fixtures/gen_dtypes.py) and JAX's promotion table (docs: "Type promotion semantics").
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { lax, numpy as jnp, optim, tree } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { f16Bits, f16Value, roundF16, type DType } from "../../runtime/dtype.js";
import * as ew from "../../runtime/numpy/elementwise.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/dtypes.json", import.meta.url), "utf8"));
const f64 = (hex: string): number => new Float64Array(new BigUint64Array([BigInt("0x" + hex)]).buffer)[0];
const arr64 = (hex: string[], shape?: number[]) => jnp.reshape(jnp.array(Float64Array.from(hex, f64)), shape ?? [hex.length]);
const arr16 = (bits: number[], shape?: number[]) => jnp.reshape(jnp.array(Float64Array.from(bits, f16Value), { dtype: "float16" }), shape ?? [bits.length]);
/** Distance in units in the last place of `want` (float64: 2^-52 relative; float16: its own grid). */
function ulps(got: number, want: number, dtype: "float16" | "float64"): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(want)) return got === want ? 0 : Infinity;
  if (dtype === "float64") {
    const e = Math.max(Math.floor(Math.log2(Math.abs(want) || 2 ** -1022)), -1022);
    return Math.abs(got - want) / 2 ** (e - 52);
  }
  return Math.abs(f16Bits(got) - f16Bits(want)) * (Math.sign(got) === Math.sign(want) || got === 0 || want === 0 ? 1 : Infinity);
}

describe("float16 rounding", () => {
  it(`rounds float64 to float16 as NumPy does (${fx.rounding.x.length} values: midpoints, neighbours, overflow, subnormals)`, () => {
    const bad: string[] = [];
    fx.rounding.x.forEach((h: string, i: number) => {
      const got = f16Bits(f64(h));
      if (got !== fx.rounding.f16[i]) bad.push(`${f64(h)}: got ${got.toString(16)}, want ${fx.rounding.f16[i].toString(16)}`);
    });
    expect(bad).toEqual([]);
  });
  it("ties go to even; 65520 overflows; the smallest subnormal halves to zero", () => {
    expect(roundF16(1 + 2 ** -11)).toBe(1); // tie between 1 and 1 + 2^-10: even is 1
    expect(roundF16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundF16(65519)).toBe(65504);
    expect(roundF16(65520)).toBe(Infinity);
    expect(roundF16(2 ** -25)).toBe(0);
    expect(roundF16(2 ** -25 + 2 ** -40)).toBe(2 ** -24);
  });
});

describe("JAX's promotion table (b1 u4 i4 f2 f4 f8, weak i* and f*)", () => {
  // rows and columns in this order; entries from JAX's table, int64 read as int32 (no x64)
  const names = ["b1", "u4", "i4", "f2", "f4", "f8", "i*", "f*"];
  const table = [
    "b1 u4 i4 f2 f4 f8 i* f*",
    "u4 u4 i4 f2 f4 f8 u4 f*",
    "i4 i4 i4 f2 f4 f8 i4 f*",
    "f2 f2 f2 f2 f4 f8 f2 f2",
    "f4 f4 f4 f4 f4 f8 f4 f4",
    "f8 f8 f8 f8 f8 f8 f8 f8",
    "i* u4 i4 f2 f4 f8 i* f*",
    "f* f* f* f2 f4 f8 f* f*",
  ].map((r) => r.split(" "));
  const DT: Record<string, [DType, boolean]> = { b1: ["bool", false], u4: ["uint32", false], i4: ["int32", false], f2: ["float16", false], f4: ["float32", false], f8: ["float64", false], "i*": ["int32", true], "f*": ["float32", true] };
  // an operand of each kind: strong Arrays, a weak int (bool + 2), a weak float (jnp.array(1.5)), and the JS numbers
  const arrayOf = (n: string): Array | number => {
    if (n === "i*") return ew.add(true, 2);
    if (n === "f*") return jnp.array(1.5);
    return jnp.array([1], { dtype: DT[n][0] });
  };
  const numberOf = (n: string): Array | number => (n === "i*" ? 2 : n === "f*" ? 1.5 : arrayOf(n));
  it("weakly typed Arrays promote as JAX's table says, dtype and weak flag", () => {
    const bad: string[] = [];
    for (let i = 0; i < names.length; i++)
      for (let j = 0; j < names.length; j++) {
        const r = ew.add(arrayOf(names[i]), arrayOf(names[j]));
        const [d, w] = DT[table[i][j]];
        if (r.dtype !== d || r.weakType !== w) bad.push(`${names[i]} + ${names[j]}: got ${r.dtype}${r.weakType ? "*" : ""}, want ${table[i][j]}`);
      }
    expect(bad).toEqual([]);
  });
  it("JS numbers promote the same way (an integral number is i*, a fractional one f*)", () => {
    const bad: string[] = [];
    for (let i = 0; i < 6; i++)
      for (const j of [6, 7]) {
        const r = ew.multiply(numberOf(names[i]), numberOf(names[j]));
        const [d, w] = DT[table[i][j]];
        if (r.dtype !== d || r.weakType !== w) bad.push(`${names[i]} * ${names[j]}: got ${r.dtype}${r.weakType ? "*" : ""}, want ${table[i][j]}`);
      }
    expect(bad).toEqual([]);
  });
  it("jnp.promoteTypes and resultType agree", () => {
    expect(jnp.promoteTypes("int32", "float16")).toBe("float16");
    expect(jnp.promoteTypes("float16", "float32")).toBe("float32");
    expect(jnp.promoteTypes("float64", "float16")).toBe("float64");
    expect(jnp.promoteTypes("uint32", "int32")).toBe("int32");
    expect(jnp.resultType(jnp.array([1], { dtype: "float16" }), 2.5)).toBe("float16");
    expect(jnp.resultType(jnp.array([1], { dtype: "int32" }), jnp.array(2.5))).toBe("float32");
    expect(jnp.resultType(jnp.array(2.5), jnp.array([1], { dtype: "float64" }))).toBe("float64");
  });
});

describe("weak types", () => {
  it("a JS number makes a weak float32; an explicit dtype or astype makes it strong", () => {
    expect(jnp.array(3).weakType).toBe(true);
    expect(jnp.array(3, { dtype: "float32" }).weakType).toBe(false);
    expect(jnp.array(3).astype("float32").weakType).toBe(false);
    expect(jnp.array([1, 2]).weakType).toBe(false);
    expect(inspect(jnp.array(3))).toBe("Array(3., dtype=float32, weak_type=True)");
  });
  it("a weak value takes a strong operand's dtype: float16 stays float16, as JAX's", () => {
    const h = jnp.array([1, 2], { dtype: "float16" });
    const r = jnp.multiply(jnp.array(0.1), h);
    expect([r.dtype, r.weakType]).toEqual(["float16", false]);
    expect(r.tolist()).toEqual([roundF16(roundF16(0.1) * 1), roundF16(roundF16(0.1) * 2)]);
    expect(jnp.add(h, 70000).tolist()).toEqual([Infinity, Infinity]); // the number is rounded to float16 first
  });
  it("survives reshapes, reductions and unary math; comparisons are strong bool", () => {
    const w = jnp.add(jnp.array(2), 1);
    expect(w.weakType).toBe(true);
    expect(jnp.reshape(w, [1, 1]).weakType).toBe(true);
    expect(jnp.exp(w).weakType).toBe(true);
    expect(jnp.sum(jnp.reshape(w, [1])).weakType).toBe(true);
    expect(jnp.greater(w, 1).weakType).toBe(false);
  });
});

describe("float64 and float16 elementwise ops against NumPy", () => {
  const EXACT = new Set(["add", "subtract", "multiply", "divide", "sqrt", "negative", "square", "reciprocal", "maximum"]);
  for (const dtype of ["float64", "float16"] as const) {
    const e = fx.elementwise[dtype];
    const mk = (v: (string | number)[]) => (dtype === "float64" ? arr64(v as string[]) : arr16(v as number[]));
    const val = (v: string | number) => (dtype === "float64" ? f64(v as string) : f16Value(v as number));
    const x = mk(e.x), y = mk(e.y), xp = mk(e.xp);
    const ops: [string, Array][] = [
      ["exp", jnp.exp(x)], ["sin", jnp.sin(x)], ["tanh", jnp.tanh(x)], ["sqrt", jnp.sqrt(xp)], ["log", jnp.log(xp)],
      ["negative", jnp.negative(x)], ["square", jnp.square(x)], ["reciprocal", jnp.reciprocal(x)],
      ["add", jnp.add(x, y)], ["subtract", jnp.subtract(x, y)], ["multiply", jnp.multiply(x, y)], ["divide", jnp.divide(x, y)],
      ["power", jnp.power(xp, y)], ["arctan2", jnp.arctan2(x, y)], ["maximum", jnp.maximum(x, y)],
    ];
    for (const [name, r] of ops) {
      // + − × ÷ √ are correctly rounded in both (float16 through float32: double rounding is exact
      // for these); transcendental functions within 2 ulps of NumPy's libm (float64) / 1 float16 ulp
      const bound = EXACT.has(name) ? 0 : dtype === "float64" ? 2 : 1;
      it(`${dtype} ${name}: dtype kept, within ${bound} ulp of NumPy`, () => {
        expect(r.dtype).toBe(dtype);
        const worst = Math.max(...(e[name] as (string | number)[]).map((w, i) => ulps(Number(r.data[i]), val(w), dtype)));
        expect(worst).toBeLessThanOrEqual(bound);
      });
    }
  }
  it("integer and bool inputs of inexact ops give float32; float16 with float32 gives float32", () => {
    expect(jnp.exp(jnp.array([1], { dtype: "int32" })).dtype).toBe("float32");
    expect(jnp.add(jnp.array([1], { dtype: "float16" }), jnp.array([1])).dtype).toBe("float32");
    expect(jnp.add(jnp.array([1], { dtype: "float16" }), jnp.array([1], { dtype: "float64" })).dtype).toBe("float64");
  });
});

describe("float64 reductions and products against NumPy", () => {
  const r = fx.reduce64;
  const a = arr64(r.a, [7, 9]), b = arr64(r.b, [9, 5]);
  const close = (got: Array, want: string[], ulpBound: number) => {
    expect(got.dtype).toBe("float64");
    const worst = Math.max(...want.map((w, i) => ulps(Number(got.data[i]), f64(w), "float64")));
    expect(worst).toBeLessThanOrEqual(ulpBound);
  };
  // (NumPy sums pairwise; the order differs, so a few ulps of the largest term)
  it("sum, mean, var, std, prod, max", () => {
    close(jnp.sum(a), r.sum, 64);
    close(jnp.sum(a, 0), r.sum0, 64);
    close(jnp.sum(a, 1), r.sum1, 64);
    close(jnp.mean(a, 1), r.mean1, 64);
    close(jnp.var(a, 0), r.var0, 64);
    close(jnp.std(a, 1), r.std1, 64);
    close(jnp.prod(jnp.slice(a, null, [0, 4]), 1), r.prod1, 4);
    close(jnp.max(a, 0), r.max0, 0);
  });
  it("matmul accumulates in float64", () => close(jnp.matmul(a, b), r.matmul, 64));
  it("float16 reductions and matmul run in float32 and round once, as jnp's", () => {
    const q = fx.reduce16;
    const a16 = arr16(q.a, [6, 10]), b16 = arr16(q.b, [10, 4]);
    const bits = (x: Array) => globalThis.Array.from(x.data as Float32Array, f16Bits);
    expect(jnp.sum(a16, 1).dtype).toBe("float16");
    expect(bits(jnp.sum(a16, 1))).toEqual(q.sum1);
    expect(bits(jnp.mean(a16, 0))).toEqual(q.mean0);
    const m = jnp.matmul(a16, b16);
    expect(m.dtype).toBe("float16");
    expect(Math.max(...bits(m).map((g, i) => Math.abs(g - q.matmul[i])))).toBeLessThanOrEqual(1);
  });
});

describe("creation and conversion", () => {
  it("astype between float64, float16 and float32 as NumPy's", () => {
    const c = fx.casts;
    const src = arr64(c.src);
    expect(globalThis.Array.from(src.astype("float16").data as Float32Array, f16Bits)).toEqual(c.f16);
    expect(globalThis.Array.from(new Uint32Array(new Float32Array(src.astype("float32").data as Float32Array).buffer))).toEqual(c.f32_bits);
    const back = src.astype("float16").astype("float64");
    expect(globalThis.Array.from(back.data as Float64Array).map((v) => (Number.isNaN(v) ? "nan" : v))).toEqual(c.f16_to_f64.map((h: string) => (Number.isNaN(f64(h)) ? "nan" : f64(h))));
  });
  it("jnp.array takes typed arrays: their dtype, copied", () => {
    const d = new Float64Array([0.1, 0.2]);
    const a = jnp.array(d);
    expect([a.dtype, a.shape, a.tolist()]).toEqual(["float64", [2], [0.1, 0.2]]);
    d[0] = 5;
    expect(a.tolist()).toEqual([0.1, 0.2]);
    expect(jnp.array(new Int32Array([1, -2])).dtype).toBe("int32");
    expect(jnp.array(new Uint8Array([1, 255])).tolist()).toEqual([1, 255]);
    expect(jnp.array(new Float32Array([0.5]), { dtype: "float16" }).dtype).toBe("float16");
    expect(() => jnp.array(new BigInt64Array(1) as never)).toThrow(/array: cannot convert BigInt64Array to an array/);
  });
  it("zeros/ones/full/arange/linspace/eye take float16 and float64", () => {
    expect(jnp.arange(0, 1, 0.25, { dtype: "float64" }).tolist()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(jnp.linspace(0, 1, 3, { dtype: "float64" }).data).toBeInstanceOf(Float64Array);
    expect(jnp.full([2], 0.1, { dtype: "float16" }).tolist()).toEqual([roundF16(0.1), roundF16(0.1)]);
    expect(jnp.eye(2, null, { dtype: "float64" }).dtype).toBe("float64");
  });
  it("prints float64 and float16 as JAX does", () => {
    expect(inspect(jnp.array([0.1, 1 / 3], { dtype: "float64" }))).toBe("Array([0.1       , 0.33333333], dtype=float64)");
    expect(inspect(jnp.array([0.1, 1 / 3], { dtype: "float16" }))).toBe("Array([0.1   , 0.3333], dtype=float16)");
    expect(String(jnp.array(1 / 3, { dtype: "float64" }))).toBe("0.3333333333333333");
  });
  it("tree.save / tree.load keep float16 (F16 bits) and float64 (F64), and numbers apart from float64 Arrays", () => {
    const t = { h: jnp.array([0.1, -2, 65504], { dtype: "float16" }), d: jnp.array([0.1, 1e300], { dtype: "float64" }), z: jnp.array(0.25, { dtype: "float64" }), n: 0.5 };
    const bytes = tree.save(t);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));
    expect([header.h.dtype, header.d.dtype, header.z.dtype, header.n.dtype]).toEqual(["F16", "F64", "F64", "F64"]);
    // NumPy's float16 bits of 0.1, -2, 65504
    const at = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)) + header.h.data_offsets[0];
    expect(globalThis.Array.from(new Uint16Array(bytes.slice(at, at + 6).buffer))).toEqual([0x2e66, 0xc000, 0x7bff]);
    const back = tree.load(bytes);
    expect([back.h.dtype, back.d.dtype, back.z.dtype, typeof back.n]).toEqual(["float16", "float64", "float64", "number"]);
    expect(back.d.tolist()).toEqual([0.1, 1e300]);
    expect(back.h.tolist()).toEqual(t.h.tolist());
  });
});

describe("pooling keeps float64 and float16", () => {
  it("max and mean pooling (lax.reduceWindow) in the operand's dtype", () => {
    const x = jnp.multiply(jnp.reshape(jnp.arange(0, 16, 1, { dtype: "float64" }), [1, 1, 4, 4]), 0.1);
    const m = lax.reduceWindow(x, jnp.max, [1, 1, 2, 2], [1, 1, 2, 2]);
    expect([m.dtype, m.tolist()]).toEqual(["float64", [[[[0.5, 0.7000000000000001], [1.3, 1.5]]]]]);
    const a = lax.reduceWindow(x, jnp.mean, [1, 1, 2, 2], [1, 1, 2, 2]);
    const d = x.data as Float64Array;
    expect(a.dtype).toBe("float64");
    expect(a.data[0]).toBe((d[0] + d[1] + d[4] + d[5]) / 4);
    const h = lax.reduceWindow(x.astype("float16"), jnp.sum, [1, 1, 2, 2], [1, 1, 2, 2]);
    expect([h.dtype, h.data[3]]).toEqual(["float16", roundF16(roundF16(1) + roundF16(1.1) + roundF16(1.4) + roundF16(1.5))]);
  });
});

describe("contractions keep float64", () => {
  it("einsum and lax.dot in the operands' joined float dtype", () => {
    const a = jnp.array([[0.1, 0.2], [0.3, 0.4]], { dtype: "float64" });
    const e = jnp.einsum("ij,jk->ik", a, a);
    expect([e.dtype, e.tolist()]).toEqual(["float64", [[0.1 * 0.1 + 0.2 * 0.3, 0.1 * 0.2 + 0.2 * 0.4], [0.3 * 0.1 + 0.4 * 0.3, 0.3 * 0.2 + 0.4 * 0.4]]]);
    expect(jnp.einsum("ii", a).item()).toBe(0.5);
    expect(jnp.einsum("ij->j", a.astype("float16")).dtype).toBe("float16");
    expect(jnp.einsum("ij,j->i", a.astype("float16"), jnp.array([1, 2], { dtype: "float32" })).dtype).toBe("float32");
    const d = lax.dot(a, a, { lhsContractingDims: [1], rhsContractingDims: [0] });
    expect([d.dtype, d.tolist()]).toEqual(["float64", e.tolist()]);
  });
});

describe("optimisers keep the parameters' dtype", () => {
  it("adam on float64 parameters: float64 moments and updates, the float64 formula", () => {
    const p = { w: jnp.array([1, -2], { dtype: "float64" }) };
    const g = { w: jnp.array([0.1, 0.3], { dtype: "float64" }) };
    const tx = optim.adam(0.01);
    const st = tx.init(p);
    const [u, st2] = tx.update(g, st, p);
    expect([u.w.dtype, (st2 as unknown as { inner: [{ mu: { w: Array } }] }).inner[0].mu.w.dtype]).toEqual(["float64", "float64"]);
    // optax's first step in float64, in the order scaleByAdam computes it
    const want = [0.1, 0.3].map((x) => {
      const m = x * (1 - 0.9) + 0 * 0.9, v = x * x * (1 - 0.999) + 0 * 0.999;
      return (m / (1 - 0.9) / (Math.sqrt(v / (1 - 0.999) + 0) + 1e-8)) * -0.01;
    });
    expect(u.w.tolist()).toEqual(want);
  });
});
