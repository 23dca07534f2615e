// Shared by the reduce/linalg/shape/indexing tests: test/fixtures/arrays.json (made by
// test/fixtures/gen_arrays.py) and the comparisons they make against it.

import { readFileSync } from "node:fs";
import { NDArray } from "../../runtime/array.js";
import type { DType, TypedArray } from "../../runtime/dtype.js";

export interface Enc {
  dtype: DType;
  shape: number[];
  data: number[];
}

export const fixture = JSON.parse(readFileSync(new URL("../fixtures/arrays.json", import.meta.url), "utf8"));

/** An encoded array (float32 as uint32 bit patterns) as an NDArray. */
export function decode(e: Enc): NDArray {
  const data: TypedArray =
    e.dtype === "float32" ? new Float32Array(new Uint32Array(e.data).buffer)
    : e.dtype === "int32" ? new Int32Array(e.data)
    : e.dtype === "uint32" ? new Uint32Array(e.data)
    : new Uint8Array(e.data);
  return new NDArray(data, e.shape, e.dtype);
}

/** float32 spacing at |x| (the gap to the next float32 away from zero). */
export function ulp(x: number): number {
  const f = new Float32Array([Math.abs(x)]);
  const u = new Uint32Array(f.buffer);
  u[0] += 1;
  return f[0] - Math.abs(x);
}

const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b) || a === b;

/** Why `got` differs from `want` (dtype, shape, then elements), or null. `tol(w)` bounds |Δ| per element. */
export function mismatch(got: NDArray, want: NDArray, tol?: (w: number) => number): string | null {
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} != ${want.dtype}`;
  if (got.shape.join() !== want.shape.join()) return `shape (${got.shape}) != (${want.shape})`;
  for (let i = 0; i < want.size; i++) {
    const g = got.data[i];
    const w = want.data[i];
    if (same(g, w)) continue;
    if (tol && Number.isFinite(w) && Math.abs(g - w) <= tol(w)) continue;
    return `element ${i}: ${g} != ${w}`;
  }
  return null;
}
