// Printing: NumPy's str and JAX's repr, checked character for character against
// test/fixtures/format.json (made by test/fixtures/gen_format.py with numpy 2.x).

import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { DType, TypedArray } from "../../runtime/dtype.js";
import { f16Value } from "../../runtime/dtype.js";
import { formatFloat, formatFloat32, repr, str, type Printable } from "../../runtime/format.js";

interface Case {
  name: string;
  dtype: DType;
  shape: number[];
  data: (number | string)[];
  str: string;
  repr: string;
}
interface Fixture {
  numpy: string;
  cases: Case[];
  scalars: [number, string][];
  scalars16: [number, string][];
  scalars64: [string, string][];
}

/** A float64 from its 16 hex digits of bits. */
const f64Bits = (hex: string): number => new Float64Array(new BigUint64Array([BigInt("0x" + hex)]).buffer)[0];

const fixture: Fixture = JSON.parse(
  readFileSync(new URL("../fixtures/format.json", import.meta.url), "utf8"),
) as Fixture;

function storage(c: { dtype: DType; data: (number | string)[] }): TypedArray {
  const data = c.data as number[];
  switch (c.dtype) {
    case "float32":
      return new Float32Array(new Uint32Array(data).buffer);
    case "float16":
      return Float32Array.from(data, f16Value);
    case "float64":
      return Float64Array.from(c.data as string[], f64Bits);
    case "int32":
      return new Int32Array(data);
    case "uint32":
      return new Uint32Array(data);
    case "bool":
      return new Uint8Array(data);
  }
}

/** A plain { data, shape, dtype }: format.ts is typed structurally and needs nothing more. */
const plain = (c: Case): Printable => ({ data: storage(c), shape: c.shape, dtype: c.dtype });

// NDArray pulls in the numpy/* modules; use it when they load, so that String() and
// util.inspect are checked too.
type NDArrayCtor = new (data: TypedArray, shape: readonly number[], dtype: DType) => Printable;
let NDArray: NDArrayCtor | undefined;
try {
  NDArray = ((await import("../../runtime/array.js")) as unknown as { NDArray: NDArrayCtor }).NDArray;
} catch (e) {
  // Only a not-yet-written module is tolerated; any other failure is a real error.
  if ((e as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw e;
  NDArray = undefined;
}

const f32Bits = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0];
const f32Array = (values: number[], shape: number[] = [values.length]): Printable => ({
  data: new Float32Array(values),
  shape,
  dtype: "float32",
});

describe("the seed tutorial's strings", () => {
  it("prints W_grad and b_grad as JAX does", () => {
    const w = f32Array([-1.64406, 1.4412102, -1.8369946]);
    const b = f32Array([-2.307187], []);
    expect(repr(w)).toBe("Array([-1.64406  ,  1.4412102, -1.8369946], dtype=float32)");
    expect(repr(b)).toBe("Array(-2.307187, dtype=float32)");
    expect(str(w)).toBe("[-1.64406    1.4412102 -1.8369946]");
    expect(str(b)).toBe("-2.307187");
  });

  it("prints 0-d float32 values with all their shortest digits", () => {
    expect(str(f32Array([0.070650816], []))).toBe("0.070650816");
    expect(str(f32Array([5.6301613], []))).toBe("5.6301613");
    expect(str(f32Array([-0.13621868], []))).toBe("-0.13621868");
    expect(str(f32Array([0.25265405], []))).toBe("0.25265405");
    expect(str(f32Array([4], []))).toBe("4.0");
    expect(formatFloat32(0.070650816)).toBe("0.070650816");
    expect(formatFloat32(5.6301613)).toBe("5.6301613");
  });

  it("prints JAX's reprs of other dtypes", () => {
    expect(repr({ data: new Int32Array([1, 2]), shape: [2], dtype: "int32" })).toBe("Array([1, 2], dtype=int32)");
    expect(repr({ data: new Uint8Array([1, 0]), shape: [2], dtype: "bool" })).toBe("Array([ True, False], dtype=bool)");
    expect(repr(f32Array([], [0]))).toBe("Array([], shape=(0,), dtype=float32)");
  });
});

describe(`str and repr match numpy ${fixture.numpy} / JAX (${fixture.cases.length} cases)`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const a = plain(c);
    expect(str(a)).toBe(c.str);
    expect(repr(a)).toBe(c.repr);
  });
});

describe.runIf(NDArray !== undefined)("NDArray printing", () => {
  it("String() is str and util.inspect is repr", () => {
    for (const c of fixture.cases.slice(0, 60)) {
      const a = new NDArray!(storage(c), c.shape, c.dtype);
      expect(String(a)).toBe(c.str);
      expect(inspect(a)).toBe(c.repr);
    }
  });
});

describe(`formatFloat32 matches str(np.float32(v)) (${fixture.scalars.length} values)`, () => {
  it("agrees on every fixture value", () => {
    const bad: string[] = [];
    for (const [bits, want] of fixture.scalars) {
      const got = formatFloat32(f32Bits(bits));
      if (got !== want) bad.push(`0x${bits.toString(16)}: got ${got}, want ${want}`);
    }
    expect(bad).toEqual([]);
  });

  it("round-trips through float32", () => {
    for (const [bits, s] of fixture.scalars) {
      const x = f32Bits(bits);
      if (Number.isNaN(x)) continue;
      const parsed = s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s);
      expect(Object.is(Math.fround(parsed), x), s).toBe(true);
    }
  });

  it("rounds a float64 argument to float32 first", () => {
    expect(formatFloat32(0.1)).toBe("0.1");
    expect(formatFloat32(1 / 3)).toBe("0.33333334");
    expect(formatFloat32(1e-7)).toBe("1e-07");
    expect(formatFloat32(-0)).toBe("-0.0");
    expect(formatFloat32(NaN)).toBe("nan");
    expect(formatFloat32(-Infinity)).toBe("-inf");
    expect(formatFloat32(1e6)).toBe("1e+06");
    expect(formatFloat32(999999.94)).toBe("999999.94");
  });
});

describe(`float16 and float64 scalars match str(np.float16(v)) / str(np.float64(v)) (${fixture.scalars16.length} + ${fixture.scalars64.length} values)`, () => {
  it("agrees on every float16 value", () => {
    const bad: string[] = [];
    for (const [bits, want] of fixture.scalars16) {
      const got = formatFloat(f16Value(bits), "float16");
      if (got !== want) bad.push(`0x${bits.toString(16)}: got ${got}, want ${want}`);
    }
    expect(bad).toEqual([]);
  });
  it("agrees on every float64 value", () => {
    const bad: string[] = [];
    for (const [hex, want] of fixture.scalars64) {
      const got = formatFloat(f64Bits(hex), "float64");
      if (got !== want) bad.push(`${hex}: got ${got}, want ${want}`);
    }
    expect(bad).toEqual([]);
  });
});

describe("weakly typed arrays", () => {
  it("say weak_type=True in their repr, as JAX's do", () => {
    const w: Printable = { data: new Float32Array([3]), shape: [], dtype: "float32", weakType: true };
    expect(repr(w)).toBe("Array(3., dtype=float32, weak_type=True)");
    expect(str(w)).toBe("3.0");
  });
});
