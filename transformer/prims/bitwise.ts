// Bit operations on integer and boolean Arrays (runtime/numpy/elementwise.ts, more-eager.ts) in
// compiled code: constants to differentiation (no derivative, as JAX's integer ops), elementwise
// under vmap, run by the eager function under jit (integers are not kernel data).

import type { PrimDef } from "./def.js";
import { broadcast } from "../avals.js";

const bit = (arity: 1 | 2): PrimDef => ({
  ty: "arr",
  arity,
  nondiff: true,
  shape: "operands",
  kernel: "elementwise",
  // (booleans stay booleans under and/or/xor/not; integers are int32 or uint32: i32 to the avals)
  aval: ({ args }) => ({ dtype: args.every((a) => a.dtype === "bool") ? "bool" : "i32", shape: broadcast(args.map((a) => a.shape)) }),
});

export const BITWISE: Readonly<Record<string, PrimDef>> = {
  bitwiseAnd: bit(2),
  bitwiseOr: bit(2),
  bitwiseXor: bit(2),
  bitwiseNot: bit(1),
  leftShift: bit(2),
  rightShift: bit(2),
  // (the number of set bits: an integer Array of the operand's dtype)
  bitwiseCount: { ...bit(1), aval: ({ args }) => ({ dtype: "i32", shape: args[0].shape }) },
};
