// The pieces of a Jacobian assembled inside a differentiated function (jacfwd, jacrev and hessian
// nested in another transform: ad/jacobian.ts). A basis vector per pass, and the passes' results
// (a local list, one entry per basis element) stacked into JAX's layout out.shape + in.shape.
// Stacking is linear in the list, so it differentiates again; sizes and bases have no derivative.

import type { PrimDef } from "./def.js";
import { jacStackAval } from "../avals.js";

export const JACOBIAN: Readonly<Record<string, PrimDef>> = {
  // the element count of a number (1) or an Array
  jacSize: { ty: "num", arity: 1, nondiff: true, kernel: "opaque" },
  // zeros shaped like x with a 1 at flat index k
  jacBasis: { ty: "arr", arity: 2, nondiff: true, shape: { arg: 0 }, kernel: "opaque" },
  // jacStack(list, out, x, mode): "fwd" lists one tangent of `out` per element of x, "rev" one
  // cotangent of x per element of out; the result has shape out.shape + x.shape
  jacStack: {
    ty: "arr",
    arity: 4,
    kernel: "movement",
    aval: jacStackAval,
    vjp: (o, g, y, [, out, x, mode]) => [o.jacUnstack(g, out, x, mode), null, null, null],
    jvp: (o, [t], y, [, out, x, mode]) => (t ? o.jacStack(t, out, x, mode) : null),
  },
  // its transpose: the list of slices of g (a fresh list: reverse mode accumulates into it)
  jacUnstack: {
    ty: "list",
    arity: 4,
    fresh: true,
    kernel: "movement",
    vjp: (o, g, y, [, out, x, mode]) => [o.jacStack(g, out, x, mode), null, null, null],
    jvp: (o, [t], y, [, out, x, mode]) => (t ? o.jacUnstack(t, out, x, mode) : null),
  },
};
