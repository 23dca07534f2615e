// numpy.convolve and numpy.correlate of two 1-D arrays, as compositions of lax's convolution
// primitive (runtime/lax/conv.ts): `a` as the input [1, 1, M], `v` (reversed for convolve) as the
// kernel [1, 1, N]. NumPy's three modes are slices of the full result, whichever operand is
// longer (NumPy swaps the operands when v is the longer one, and reverses correlate's output
// then, which lands on the same slice of the full correlation): the slice is made by the padding
// (negative padding crops), worked out from the lengths at run time by convolvePads. So the
// derivative, vmap and jit are the convolution's own (transformer/rules/conv.ts).

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { asArray } from "./creation.js";
import { fmtShape } from "../shape.js";
import { convGeneral } from "../lax/conv.js";
import { flip } from "./arrange.js";
import { reshape } from "./shape.js";

export type ConvolveMode = "full" | "same" | "valid";

/**
 * The [lo, hi] padding that makes the convolution of a (length M) with v (length N) give
 * NumPy's `mode` slice of the full result. `k` leading axes are vmap's batch.
 */
export function convolvePads(a: NDArray, v: NDArray, spec: { fn: "convolve" | "correlate"; mode: unknown; k?: number }): [number, number][] {
  const { fn, mode } = spec;
  const k = spec.k ?? 0;
  if (a.ndim !== k + 1 || v.ndim !== k + 1) throw new TypeError(`${fn}: both inputs must be 1-D, got shapes ${fmtShape(a.shape.slice(k))} and ${fmtShape(v.shape.slice(k))}`);
  const M = a.shape[k], N = v.shape[k];
  if (M === 0 || N === 0) throw new TypeError(`${fn}: an input is empty (shapes ${fmtShape(a.shape.slice(k))} and ${fmtShape(v.shape.slice(k))})`);
  const lo = Math.min(M, N), hi = Math.max(M, N);
  // the slice [s, s + L) of the full result (length M + N - 1)
  let s: number, L: number;
  if (mode === "full") [s, L] = [0, M + N - 1];
  else if (mode === "valid") [s, L] = [lo - 1, hi - lo + 1];
  else if (mode === "same") [s, L] = [fn === "correlate" && M < N ? lo >> 1 : (lo - 1) >> 1, hi];
  else throw new TypeError(`${fn}: mode must be "full", "same" or "valid", got ${JSON.stringify(mode)}`);
  // output i of the padded convolution is full[i + N - 1 - padLo]
  const padLo = N - 1 - s;
  return [[padLo, L - 1 - M + N - padLo]];
}

function conv1(fn: "convolve" | "correlate", x: ArrayLike, y: ArrayLike, mode: unknown): NDArray {
  const a = asArray(x, fn), v = asArray(y, fn);
  const pads = convolvePads(a, v, { fn, mode });
  const kernel = fn === "convolve" ? flip(v, 0) : v;
  return reshape(convGeneral(reshape(a, [1, 1, -1]), reshape(kernel, [1, 1, -1]), [1], pads, { fn }), [-1]);
}

/** The discrete linear convolution of two 1-D arrays (NumPy's; `mode` "full" by default). */
export function convolve(x: ArrayLike, y: ArrayLike, mode: ConvolveMode = "full"): NDArray {
  return conv1("convolve", x, y, mode);
}

/** The cross-correlation of two 1-D arrays, c[k] = Σ x[n + k]·y[n] (NumPy's; `mode` "valid" by default). */
export function correlate(x: ArrayLike, y: ArrayLike, mode: ConvolveMode = "valid"): NDArray {
  return conv1("correlate", x, y, mode);
}
