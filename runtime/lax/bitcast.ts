// lax.bitcastConvertType between the 32-bit dtypes (float32, int32, uint32): the same bits read
// as another dtype. In transformed code a primitive (transformer/prims/bitcast.ts) with JAX's zero
// derivative.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import type { DType } from "../dtype.js";
import { asArray } from "../numpy/creation.js";
import { fmtShape } from "../shape.js";

const WORD = { float32: Float32Array, int32: Int32Array, uint32: Uint32Array } as const;

/** Elementwise bitcast of `x` into `newDtype` (float32 ↔ int32 ↔ uint32). */
export function bitcastConvertType(x: ArrayLike, newDtype: DType): NDArray {
  const a = asArray(x, "bitcastConvertType");
  const To = WORD[newDtype as keyof typeof WORD];
  if (!(a.dtype in WORD) || !To)
    throw new TypeError(`bitcastConvertType: only the 32-bit dtypes (float32, int32, uint32) can be bitcast into each other, got ${a.dtype} of shape ${fmtShape(a.shape)} into ${JSON.stringify(newDtype)}`);
  const src = a.data;
  // (a view of the same bytes, copied: arrays own their storage)
  return new NDArray(new To(src.buffer as ArrayBuffer, src.byteOffset, src.length).slice(), a.shape, newDtype);
}
