// lax.dot with DotDimensionNumbers (jax.lax.dot_general as jax-js spells it): contracting and
// batch dimensions of each operand; the result's axes are the batch dimensions, then lhs's free
// dimensions, then rhs's. It runs as an einsum whose labels are made from the ranks at run time
// (one batched matrix product). Its adjoints (the derivative rules, transformer/prims/conv.ts)
// are einsums again: the cotangent with the other operand into the operand's own labels.

import { asFloat } from "../dtype-cast.js";
import { NDArray } from "../array.js";
import { asArray } from "../numpy/creation.js";
import { einsum } from "../numpy/einsum.js";
import { fmtShape } from "../shape.js";

/** Dimension numbers for the general dot: contracting and batch dimensions of each operand. */
export type DotDimensionNumbers = {
  lhsContractingDims?: number[];
  rhsContractingDims?: number[];
  lhsBatchDims?: number[];
  rhsBatchDims?: number[];
};

const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The einsum labels of lhs, rhs and the output, checked against the shapes. */
function labels(ls: readonly number[], rs: readonly number[], dims: DotDimensionNumbers | undefined): [string, string, string] {
  const d = dims ?? {};
  const at = ` (lhs ${fmtShape(ls)}, rhs ${fmtShape(rs)})`;
  const norm = (v: unknown, nd: number, what: string, shape: readonly number[]): number[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every((a) => Number.isInteger(a) && a >= -nd && a < nd))
      throw new TypeError(`dot: ${what} must be a list of axes of the operand of shape ${fmtShape(shape)}, got ${JSON.stringify(v)}`);
    const out = v.map((a: number) => (a < 0 ? a + nd : a));
    if (new Set(out).size !== out.length) throw new TypeError(`dot: ${what} repeats an axis: ${JSON.stringify(v)}`);
    return out;
  };
  const lc = norm(d.lhsContractingDims, ls.length, "lhsContractingDims", ls), rc = norm(d.rhsContractingDims, rs.length, "rhsContractingDims", rs);
  const lb = norm(d.lhsBatchDims, ls.length, "lhsBatchDims", ls), rb = norm(d.rhsBatchDims, rs.length, "rhsBatchDims", rs);
  if (lc.length !== rc.length) throw new TypeError(`dot: lhsContractingDims ${JSON.stringify(lc)} and rhsContractingDims ${JSON.stringify(rc)} differ in length${at}`);
  if (lb.length !== rb.length) throw new TypeError(`dot: lhsBatchDims ${JSON.stringify(lb)} and rhsBatchDims ${JSON.stringify(rb)} differ in length${at}`);
  if (lc.some((a) => lb.includes(a)) || rc.some((a) => rb.includes(a))) throw new TypeError(`dot: an axis is both contracting and batch (${JSON.stringify(d)})${at}`);
  for (const [a, b, what] of [...lc.map((a, i) => [a, rc[i], "contracting"] as const), ...lb.map((a, i) => [a, rb[i], "batch"] as const)])
    if (ls[a] !== rs[b]) throw new TypeError(`dot: ${what} axis ${a} of lhs (shape ${fmtShape(ls)}) has size ${ls[a]}, axis ${b} of rhs (shape ${fmtShape(rs)}) ${rs[b]}`);
  if (ls.length + rs.length > LETTERS.length) throw new TypeError(`dot: operands of ranks ${ls.length} and ${rs.length} have too many axes${at}`);
  const L = [...LETTERS.slice(0, ls.length)];
  const R = [...LETTERS.slice(ls.length, ls.length + rs.length)];
  lc.forEach((a, i) => (R[rc[i]] = L[a]));
  lb.forEach((a, i) => (R[rb[i]] = L[a]));
  const lf = L.filter((_, i) => !lc.includes(i) && !lb.includes(i));
  const rf = R.filter((_, i) => !rc.includes(i) && !rb.includes(i));
  return [L.join(""), R.join(""), [...lb.map((a) => L[a]), ...lf, ...rf].join("")];
}

// (float dtypes kept: float64 operands give a float64 product; ints and bool become float32)
const f32 = asFloat;

/** The general dot primitive. */
export function dotGeneral(lhs: NDArray, rhs: NDArray, dims?: DotDimensionNumbers): NDArray {
  const [l, r, o] = labels(lhs.shape, rhs.shape, dims);
  return einsum(`${l},${r}->${o}`, f32(lhs), f32(rhs));
}
/** The lhs cotangent of dotGeneral(lhs, rhs): g with rhs into lhs's labels. */
export function dotGeneralTL(g: NDArray, rhs: NDArray, lhs: NDArray, dims?: DotDimensionNumbers): NDArray {
  const [l, r, o] = labels(lhs.shape, rhs.shape, dims);
  return einsum(`${o},${r}->${l}`, f32(g), f32(rhs));
}
/** The rhs cotangent of dotGeneral(lhs, rhs): g with lhs into rhs's labels. */
export function dotGeneralTR(g: NDArray, lhs: NDArray, rhs: NDArray, dims?: DotDimensionNumbers): NDArray {
  const [l, r, o] = labels(lhs.shape, rhs.shape, dims);
  return einsum(`${o},${l}->${r}`, f32(g), f32(lhs));
}

/**
 * General dot product (jax-js's `lax.dot`): `lhsContractingDims`/`rhsContractingDims` are summed
 * over, `lhsBatchDims`/`rhsBatchDims` vectorised over; the result is batch · lhs free · rhs free.
 */
export function dot(lhs: NDArray, rhs: NDArray, dims?: DotDimensionNumbers): NDArray {
  return dotGeneral(asArray(lhs, "dot"), asArray(rhs, "dot"), dims);
}
