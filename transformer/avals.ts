// Abstract values: what the IR knows about a value at build time, its dtype and its shape. A
// shape is a list of dimensions when the rank is known (a dimension is a number, or a symbol for
// a size only known at run time), or a symbol when the rank is not (an Array parameter: the
// TypeScript type `Array` carries no rank). Symbols are canonical strings, so two values have
// the same shape exactly when their shapes are equal strings or equal lists: a gradient has its
// parameter's shape, a tangent its primal's (ad/verify.ts checks both).
//
// Each primitive's abstract evaluation is its `aval` rule in the registry (prims/*.ts), or is
// derived from its result type and `shape` fact (derivedAval below).

import type { Value, Var } from "./ir.js";

export type DType = "f32" | "i32" | "bool" | "f64" | "list" | "other";
export type Dim = number | string;
export type Shape = readonly Dim[] | string;

export interface Aval {
  readonly dtype: DType;
  readonly shape: Shape;
}

/** A shape error the IR can see at build time (two known sizes that do not broadcast, ...). */
export class AvalError extends Error {}

export const NUM: Aval = { dtype: "f64", shape: [] };
export const OTHER: Aval = { dtype: "other", shape: [] };
export const LIST: Aval = { dtype: "list", shape: [] };

/** The facts an aval rule sees: operand avals, and the values of constant operands (axes, shapes, options). */
export interface AvalIn {
  readonly args: readonly Aval[];
  readonly consts: readonly unknown[];
  /** A symbol unique to this statement, for sizes and shapes nothing more is known of. */
  readonly fresh: string;
}
export type AvalRule = (x: AvalIn) => Aval;

export const shapeKey = (s: Shape): string => (typeof s === "string" ? s : `[${s.join(",")}]`);
export const sameShape = (a: Shape, b: Shape): boolean => shapeKey(a) === shapeKey(b);
export const sameAval = (a: Aval, b: Aval): boolean => a.dtype === b.dtype && sameShape(a.shape, b.shape);
export const rankOf = (s: Shape): number | undefined => (typeof s === "string" ? undefined : s.length);

/** NumPy broadcasting of shapes; known sizes that differ (neither 1) are an AvalError. */
export function broadcast(shapes: readonly Shape[]): Shape {
  let real = shapes.filter((s) => !(Array.isArray(s) && s.length === 0));
  if (real.length === 0) return [];
  // a keepdims reduction of S broadcasts back to S
  const has = new Set(real.map(shapeKey));
  real = real.filter((s) => !(typeof s === "string" && s.startsWith("kd(") && has.has(s.slice(3, -1))));
  const keys = [...new Set(real.map(shapeKey))];
  if (keys.length === 1) return real[0];
  if (real.some((s) => typeof s === "string")) return `bcast(${keys.sort().join(";")})`;
  const lists = real as (readonly Dim[])[];
  const rank = Math.max(...lists.map((l) => l.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const ds = lists.map((l) => l[l.length - rank + i]).filter((d) => d !== undefined && d !== 1);
    const nums = [...new Set(ds.filter((d): d is number => typeof d === "number"))];
    if (nums.length > 1) throw new AvalError(`shapes ${lists.map((l) => `(${l.join(", ")})`).join(" and ")} do not broadcast`);
    const syms = [...new Set(ds.filter((d): d is string => typeof d === "string"))];
    out.push(nums.length ? nums[0] : syms.length === 0 ? 1 : syms.length === 1 ? syms[0] : `max(${syms.sort().join(";")})`);
  }
  return out;
}

/** The axes a reduction's `axis` operand names (null: all), normalised; undefined where unknown. */
function axesOf(axis: unknown, rank: number): number[] | undefined {
  if (axis === null || axis === undefined) return [...Array(rank).keys()];
  const list = typeof axis === "number" ? [axis] : Array.isArray(axis) ? axis : undefined;
  if (!list || !list.every((a) => typeof a === "number")) return undefined;
  return list.map((a: number) => (a < 0 ? a + rank : a));
}

/** A reduction's result: the axes removed (or kept as 1 with keepdims). */
export const reduceAval =
  (dtype: DType = "f32"): AvalRule =>
  ({ args: [x], consts: [, axis, opts], fresh }) => {
    const keep = !!(opts && typeof opts === "object" && (opts as { keepdims?: boolean }).keepdims);
    // (unknown rank: keepdims keeps a shape that broadcasts back to x's, kd(x); see broadcast)
    if (typeof x.shape === "string") return { dtype, shape: (axis === null || axis === undefined) && !keep ? [] : keep ? `kd(${x.shape})` : fresh };
    const axes = axesOf(axis, x.shape.length);
    if (!axes) return { dtype, shape: fresh };
    return { dtype, shape: keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i)) };
  };

/** The shape of operand i (its dtype too unless given). */
export const likeArg =
  (i: number, dtype?: DType): AvalRule =>
  ({ args }) => ({ dtype: dtype ?? args[i].dtype, shape: args[i].shape });

/** A constant shape operand (zeros([2, 3]), reshape(x, [-1, 4])); -1 is a size known at run time. */
export function shapeConst(v: unknown, fresh: string): Shape {
  if (typeof v === "number") return [v < 0 ? `${fresh}.0` : v];
  if (!Array.isArray(v)) return fresh;
  return v.map((d, i) => (typeof d === "number" && d >= 0 ? d : `${fresh}.${i}`));
}

/** A rank-n result whose sizes are known only at run time. */
export const rankN = (n: number, fresh: string, dtype: DType = "f32"): Aval => ({ dtype, shape: Array.from({ length: n }, (_, i) => `${fresh}.${i}`) });

/** The dtype of a value of IR type `ty` when nothing more is known. */
export function avalOfTy(ty: Var["ty"], shape: Shape): Aval {
  return ty === "num" ? NUM : ty === "arr" ? { dtype: "f32", shape } : ty === "list" ? LIST : OTHER;
}

/** The constant a value holds, or undefined. */
export const constOf = (v: Value): unknown => (v.tag === "const" ? v.value : undefined);

/** Product of sizes, or a symbol. */
const sizeOf = (s: Shape, fresh: string): Dim => (typeof s !== "string" && s.every((d) => typeof d === "number") ? (s as number[]).reduce((a, b) => a * b, 1) : `${fresh}.size`);

/** numpy.dot / matmul on ranks ≤ 2 (and matmul's batch broadcasting); larger or unknown ranks: a fresh shape. */
export const matmulAval =
  (kind: "dot" | "matmul"): AvalRule =>
  ({ args: [a, b], fresh }) => {
    if (typeof a.shape === "string" || typeof b.shape === "string") return { dtype: "f32", shape: fresh };
    const [sa, sb] = [a.shape, b.shape];
    if (sa.length === 0 || sb.length === 0) return { dtype: "f32", shape: broadcast([sa, sb]) };
    if (sa.length === 1 && sb.length === 1) return { dtype: "f32", shape: [] };
    if (sb.length === 1) return { dtype: "f32", shape: sa.slice(0, -1) };
    if (sa.length === 1) return { dtype: "f32", shape: [...sb.slice(0, -2), sb[sb.length - 1]] };
    if (kind === "dot") return { dtype: "f32", shape: [...sa.slice(0, -1), ...sb.slice(0, -2), sb[sb.length - 1]] };
    return { dtype: "f32", shape: [...broadcast([sa.slice(0, -2), sb.slice(0, -2)]), sa[sa.length - 2], sb[sb.length - 1]] };
  };

export const outerAval: AvalRule = ({ args: [a, b], fresh }) => ({ dtype: "f32", shape: [sizeOf(a.shape, `${fresh}a`), sizeOf(b.shape, `${fresh}b`)] });
export const ravelAval: AvalRule = ({ args: [x], fresh }) => ({ dtype: x.dtype, shape: [sizeOf(x.shape, fresh)] });

/** transpose (inverse: untranspose) with constant axes (null: reversed). */
export const transposeAval =
  (inverse: boolean): AvalRule =>
  ({ args: [x], consts: [, axes], fresh }) => {
    if (typeof x.shape === "string") return { dtype: x.dtype, shape: fresh };
    const r = x.shape.length;
    const perm = axes === null || axes === undefined ? [...Array(r).keys()].reverse() : Array.isArray(axes) ? (axes as number[]).map((a) => (a < 0 ? a + r : a)) : undefined;
    if (!perm) return { dtype: x.dtype, shape: fresh };
    const out: Dim[] = new Array(r);
    perm.forEach((p, i) => (inverse ? (out[p] = (x.shape as Dim[])[i]) : (out[i] = (x.shape as Dim[])[p])));
    return { dtype: x.dtype, shape: out };
  };

/** expandDims with constant axes. */
export const expandAval: AvalRule = ({ args: [x], consts: [, axis], fresh }) => {
  const list = typeof axis === "number" ? [axis] : Array.isArray(axis) ? (axis as number[]) : undefined;
  if (typeof x.shape === "string" || !list) return { dtype: x.dtype, shape: fresh };
  const r = x.shape.length + list.length;
  const at = new Set(list.map((a) => (a < 0 ? a + r : a)));
  const rest = [...x.shape];
  return { dtype: x.dtype, shape: Array.from({ length: r }, (_, i) => (at.has(i) ? 1 : rest.shift()!)) };
};

/** squeeze with constant axes (all size-1 axes when null and every size is known). */
export const squeezeAval: AvalRule = ({ args: [x], consts: [, axis], fresh }) => {
  if (typeof x.shape === "string") return { dtype: x.dtype, shape: fresh };
  const r = x.shape.length;
  const list = axis === null || axis === undefined ? (x.shape.every((d) => typeof d === "number") ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : undefined) : typeof axis === "number" ? [axis] : Array.isArray(axis) ? (axis as number[]) : undefined;
  if (!list) return { dtype: x.dtype, shape: fresh };
  const drop = new Set(list.map((a) => (a < 0 ? a + r : a)));
  return { dtype: x.dtype, shape: x.shape.filter((_, i) => !drop.has(i)) };
};

/** stack(axis, ...xs): a new axis of size xs.length (operands of one shape). */
export const stackAval: AvalRule = ({ args: [, ...xs], consts: [axis], fresh }) => {
  const s = broadcast(xs.map((x) => x.shape));
  if (typeof s === "string" || typeof axis !== "number" || xs.some((x) => !sameShape(x.shape, s))) return { dtype: "f32", shape: fresh };
  const a = axis < 0 ? axis + s.length + 1 : axis;
  return { dtype: "f32", shape: [...s.slice(0, a), xs.length, ...s.slice(a)] };
};

/** One operand's part of a stacked cotangent: the stacked axis removed. */
export const stackPartAval: AvalRule = ({ args: [g], consts: [, axis], fresh }) => {
  if (typeof g.shape === "string" || typeof axis !== "number") return { dtype: "f32", shape: fresh };
  const a = axis < 0 ? axis + g.shape.length : axis;
  return { dtype: "f32", shape: g.shape.filter((_, i) => i !== a) };
};

/** The runtime dtype name of a constant operand as an aval dtype. */
export const dtypeConst = (v: unknown, dflt: DType = "f32"): DType =>
  v === "int32" || v === "uint32" ? "i32" : v === "bool" ? "bool" : v === "float32" ? "f32" : v && typeof v === "object" && "dtype" in v ? dtypeConst((v as { dtype: unknown }).dtype, dflt) : dflt;

/** jacStack: out.shape + x.shape. */
export const jacStackAval: AvalRule = ({ args: [, out, x], fresh }) =>
  typeof out.shape === "string" || typeof x.shape === "string"
    ? { dtype: "f32", shape: `jac(${shapeKey(out.shape)};${shapeKey(x.shape)})` }
    : { dtype: "f32", shape: [...out.shape, ...x.shape] };
