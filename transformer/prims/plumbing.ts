// AD plumbing (seeds, zeros, input checks, number ↔ Array), array creation, and the host
// operations emit.ts writes inline (property reads, nullish tests).

import type { PrimDef } from "./def.js";
import { dtypeConst, rankN, shapeConst } from "../avals.js";

const C = { ty: "arr", nondiff: true, kernel: "opaque" } as const;

export const PLUMBING: Readonly<Record<string, PrimDef>> = {
  // the output cotangent 1, after JAX's checks that the output is a float scalar
  seed: { ty: { like: 0 }, arity: 2, nondiff: true, effect: true, shape: { arg: 0 }, kernel: "opaque" },
  checkGradInput: { ty: "other", arity: 2, nondiff: true, effect: true, kernel: "opaque" },
  zerosLike: { ty: { like: 0 }, arity: 1, nondiff: true, shape: { arg: 0 }, kernel: "elementwise" },
  onesLike: { ty: { like: 0 }, arity: 1, nondiff: true, shape: { arg: 0 }, kernel: "elementwise" },
  // a number (or list) as an Array, and a one-element Array as a number
  toArray: { ty: "arr", arity: 1, shape: "operands", kernel: "elementwise", vjp: (o, g, y, [x]) => [o.unbroadcast(g, x)], jvp: (o, [t]) => (t ? o.toArray(t) : null) },
  item: { ty: "num", arity: 1, kernel: "opaque", vjp: (o, g, y, [x]) => [o.broadcastLike(g, x)], jvp: (o, [t]) => (t ? o.item(t) : null) },

  // the value, with a zero derivative (for numbers the identity)
  stopGradient: { ty: { like: 0 }, arity: 1, js: { id: true }, nondiff: true, shape: { arg: 0 }, kernel: "elementwise" },

  // array creation: constants for AD (jnp.array of a run-time value is toArray)
  zeros: { ...C, arity: 2, aval: ({ consts: [s, d], fresh }) => ({ dtype: dtypeConst(d), shape: shapeConst(s, fresh) }) },
  ones: { ...C, arity: 2, aval: ({ consts: [s, d], fresh }) => ({ dtype: dtypeConst(d), shape: shapeConst(s, fresh) }) },
  full: { ...C, arity: 3, aval: ({ consts: [s, , d], fresh }) => ({ dtype: dtypeConst(d), shape: shapeConst(s, fresh) }) },
  arange: { ...C, arity: { min: 1 }, aval: ({ fresh }) => rankN(1, fresh) },
  linspace: { ...C, arity: { min: 2 }, aval: ({ fresh }) => rankN(1, fresh) },
  eye: { ...C, arity: { min: 1 }, aval: ({ fresh }) => rankN(2, fresh) },
  array: { ...C, arity: 2 },

  prop: { ty: "other", arity: 2, nondiff: true, host: true, kernel: "opaque" },
  // debugging in the forward pass (no adjoint): console[method](...), String(x), template
  // strings, and throwing an Error
  consoleCall: { ty: "other", arity: { min: 1 }, nondiff: true, effect: true, fresh: true, host: true, kernel: "opaque" },
  str: { ty: "other", arity: 1, nondiff: true, host: true, kernel: "opaque" },
  concat: { ty: "other", arity: { min: 1 }, nondiff: true, host: true, kernel: "opaque" },
  raise: { ty: "other", arity: { min: 1 }, nondiff: true, effect: true, fresh: true, kernel: "opaque" },
  propOpt: { ty: "other", arity: 2, nondiff: true, host: true, kernel: "opaque" },
  isNullish: { ty: "other", arity: 1, nondiff: true, host: true, kernel: "opaque" },
  typeOf: { ty: "other", arity: 1, nondiff: true, host: true, kernel: "opaque" },
};
