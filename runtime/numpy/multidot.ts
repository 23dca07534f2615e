// numpy.linalg.multi_dot: the product of a chain of matrices, multiplied in the order that needs
// the fewest scalar multiplications (NumPy's matrix-chain dynamic program, its tie-breaking
// included), a 1-D first array taken as a row and a 1-D last one as a column and their axes
// dropped from the result, as NumPy does. The sizes are known only at run time in compiled code,
// so the order is chosen there, by the primitive `mchain`, which eager code runs too:
//   multiDot(arrays) = mdotDrop(mchain(mdotEnd(first), ...middle, mdotEnd(last)), first, last).
// mchain's derivative is mchain again (transformer/prims/multidot.ts): the cotangent of Ai is
// (A1⋯Ai-1)ᵀ·G·(Ai+1⋯An)ᵀ, the chain of the transposed neighbours around G, in its own best order.
// Under vmap each operand carries flags of the batch levels it has (runtime/batching.ts's vMatmul
// convention), and leading level axes broadcast through the products.

import type { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape } from "../shape.js";
import { asArray } from "./creation.js";
import { matmul } from "./linalg.js";
import { sum } from "./reduce.js";
import { reshape } from "./shape.js";

/**
 * NumPy's matrix-chain order (numpy.linalg._multi_dot_matrix_chain_order): for matrices i of
 * shape (dims[i], dims[i+1]), split[i][j] is the k where the best product of i..j is
 * (i..k)(k+1..j); the first k of least cost wins a tie. Three matrices give NumPy's
 * _multi_dot_three choice ((AB)C only when strictly cheaper).
 */
export function chainOrder(dims: readonly number[]): number[][] {
  const n = dims.length - 1;
  const cost = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const split = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let l = 1; l < n; l++)
    for (let i = 0; i + l < n; i++) {
      const j = i + l;
      cost[i][j] = Infinity;
      for (let k = i; k < j; k++) {
        const q = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1];
        if (q < cost[i][j]) {
          cost[i][j] = q;
          split[i][j] = k;
        }
      }
    }
  return split;
}

/** The order as parentheses over names A0, A1, ... ("(A0(A1A2))"), for tests and messages. */
export function chainParens(dims: readonly number[]): string {
  const split = chainOrder(dims);
  const go = (i: number, j: number): string => (i === j ? `A${i}` : `(${go(i, split[i][j])}${go(split[i][j] + 1, j)})`);
  return go(0, dims.length - 2);
}

/** mchain's options: the batch levels each operand has (outermost first), and the result's (default: any operand's). */
export interface ChainMeta {
  f: readonly (readonly number[])[];
  o?: readonly number[];
}

/** x with one leading axis per level (size 1 where it has none). */
function byLevel(x: NDArray, flags: readonly number[]): NDArray {
  const k = flags.reduce((s, f) => s + f, 0);
  let i = 0;
  const lead = flags.map((f) => (f ? x.shape[i++] : 1));
  return k === flags.length ? x : reshape(x, [...lead, ...x.shape.slice(k)]);
}

/** The product of the matrices (per example of every batch level), in NumPy's best order. */
export function mchain(...args: unknown[]): NDArray {
  const meta = args[args.length - 1] as ChainMeta;
  const raw = args.slice(0, -1).map((a, i) => asArray(a as ArrayLike, "multiDot"));
  const L = meta.f[0]?.length ?? 0;
  const xs = raw.map((x, i) => {
    const k = meta.f[i].reduce((s, f) => s + f, 0);
    if (x.ndim - k !== 2) throw new TypeError(`multiDot: arrays[${i}] must be 2-D, got shape ${fmtShape(x.shape.slice(k))}`);
    return byLevel(x, meta.f[i]);
  });
  for (let i = 0; i + 1 < xs.length; i++) {
    const [p, q] = [xs[i].shape[L + 1], xs[i + 1].shape[L]];
    if (p !== q)
      throw new TypeError(`multiDot: arrays[${i}] of shape ${fmtShape(xs[i].shape.slice(L))} and arrays[${i + 1}] of shape ${fmtShape(xs[i + 1].shape.slice(L))} do not chain (${p} ≠ ${q}; a 1-D first or last array counts as a row or a column)`);
  }
  const split = chainOrder([xs[0].shape[L], ...xs.map((x) => x.shape[L + 1])]);
  const prod = (i: number, j: number): NDArray => (i === j ? xs[i] : matmul(prod(i, split[i][j]), prod(split[i][j] + 1, j)));
  let y = prod(0, xs.length - 1);
  // (a cotangent keeps its operand's own levels: the others summed away)
  const any = meta.f.reduce((a, f) => a.map((v, l) => v | f[l]), new Array<number>(L).fill(0));
  const o = meta.o ?? any;
  const gone = o.flatMap((v, l) => (v ? [] : [l]));
  if (gone.length) y = sum(y, gone);
  else if (o.some((v, l) => v && !any[l])) throw new Error(`internal: mchain's result has level(s) no operand has (${JSON.stringify(meta)})`);
  return y;
}

/** The first or last array as a matrix: a 1-D one a row (first) or a column (last); `k` leading axes are vmap's. */
export function mdotEnd(a: ArrayLike, meta: { side: "first" | "last"; k: number }): NDArray {
  const x = asArray(a, "multiDot");
  const lead = x.shape.slice(0, meta.k), s = x.shape.slice(meta.k);
  if (s.length !== 1 && s.length !== 2) throw new TypeError(`multiDot: the ${meta.side} array must be 1-D or 2-D, got shape ${fmtShape(s)}`);
  if (s.length === 2) return x;
  return reshape(x, meta.side === "first" ? [...lead, 1, s[0]] : [...lead, s[0], 1]);
}

/** The product's row axis dropped when the first array was 1-D, its column axis when the last was (k1, kn: their vmap axes). */
export function mdotDrop(y: ArrayLike, first: ArrayLike, last: ArrayLike, meta: { k1: number; kn: number }): NDArray {
  const x = asArray(y, "multiDot");
  const rank = (a: ArrayLike) => asArray(a).ndim;
  const n = x.ndim;
  const keep = x.shape.filter((_, i) => !((i === n - 2 && rank(first) - meta.k1 === 1) || (i === n - 1 && rank(last) - meta.kn === 1)));
  return keep.length === n ? x : reshape(x, keep);
}

/**
 * numpy.linalg.multi_dot: the product of the arrays (two or more; the first and last 1-D or 2-D,
 * the others 2-D), multiplied in the order of fewest scalar multiplications, as NumPy chooses it.
 */
export function multiDot(arrays: readonly ArrayLike[]): NDArray {
  if (!Array.isArray(arrays) || arrays.length < 2) throw new TypeError(`multiDot: needs a list of at least two arrays, got ${Array.isArray(arrays) ? arrays.length : typeof arrays}`);
  const xs = arrays.map((a) => asArray(a, "multiDot"));
  const n = xs.length;
  const ends = xs.map((x, i) => (i === 0 ? mdotEnd(x, { side: "first", k: 0 }) : i === n - 1 ? mdotEnd(x, { side: "last", k: 0 }) : x));
  return mdotDrop(mchain(...ends, { f: ends.map(() => []) }), xs[0], xs[n - 1], { k1: 0, kn: 0 });
}
