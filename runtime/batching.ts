// vmap's run-time half. The transformer batches a program at build time (transformer/batch/),
// but the IR knows no ranks for Array parameters (the TypeScript type `Array` has none), so the
// few batching rules whose result depends on a rank call these helpers, which see the shapes.
// Inside a batched program the batch axis is always axis 0; nested vmaps stack theirs in front,
// so a value carries `k` leading batch axes and the rest of its shape is one example's.

import { asFloat } from "./dtype-cast.js";
import { NDArray } from "./array.js";
import type { Axis } from "./array.js";
import { fmtShape, normAxes, normAxis } from "./shape.js";
import { asArray, astype } from "./numpy/creation.js";
import { sumToShape } from "./numpy/reduce.js";
import { matmul } from "./numpy/linalg.js";
import { broadcastTo, reshape, transpose } from "./numpy/shape.js";

type N = NDArray | number;

/** What a vmap call maps, for its errors: the function's name, each mapped leaf's name and axis. */
export interface VmapMeta {
  readonly fn: string;
  readonly names: readonly string[];
  readonly axes: readonly number[];
}

const shapeOf = (x: unknown): readonly number[] => (x instanceof NDArray ? x.shape : []);

/** The batch size: each mapped argument's size along its in-axis. They must agree (JAX's error, with names). */
export function vmapSize(meta: VmapMeta, ...xs: unknown[]): number {
  let size = -1;
  const sizes: string[] = [];
  xs.forEach((x, i) => {
    const s = shapeOf(x);
    const ax0 = meta.axes[i];
    const ax = ax0 < 0 ? ax0 + s.length : ax0;
    if (!(x instanceof NDArray) || ax < 0 || ax >= s.length)
      throw new TypeError(
        `vmap(${meta.fn}): in_axes maps axis ${ax0} of '${meta.names[i]}', but it is ${x instanceof NDArray ? `an Array of shape ${fmtShape(s)}` : typeof x === "number" ? "a number (no axis to map)" : String(x)}`,
      );
    sizes.push(`'${meta.names[i]}' has size ${s[ax]} along axis ${ax0}`);
    if (size < 0) size = s[ax];
    else if (s[ax] !== size) size = -2;
  });
  if (size === -2) throw new RangeError(`vmap(${meta.fn}): the mapped axes have different sizes: ${sizes.join(", ")}`);
  return size;
}

/** Moves axis `from` of x to position `to` (negative axes count from the end). */
function moveAxis(x: NDArray, from: number, to: number): NDArray {
  const nd = x.ndim;
  const a = from < 0 ? from + nd : from;
  const b = to < 0 ? to + nd : to;
  if (a < 0 || a >= nd || b < 0 || b >= nd) throw new RangeError(`vmap: axis ${from} is out of range for an Array of shape ${fmtShape(x.shape)}`);
  if (a === b) return x;
  const rest = Array.from({ length: nd }, (_, i) => i).filter((i) => i !== a);
  rest.splice(b, 0, a);
  return transpose(x, rest);
}

/** Moves a mapped argument's in-axis `axis` to position k (the front, after the batch axes of enclosing vmaps). */
export function vIn(x: NDArray, axis: number, k = 0): NDArray {
  return moveAxis(x, axis, k);
}

/** Moves the batch axis (position k) to out-axis `axis` of the result. */
export function vOut(y: N, axis: number, k = 0): NDArray {
  const x = asArray(y);
  const ax = axis < 0 ? axis + x.ndim : axis;
  if (ax < k || ax >= x.ndim) throw new RangeError(`vmap: out_axes ${axis - k} is out of range for a result of shape ${fmtShape(x.shape.slice(k + 1))} (batched: ${fmtShape(x.shape)})`);
  return moveAxis(x, k, ax);
}

/** An unbatched value given a batch axis of size `size` in front (numbers become float32 Arrays, as JAX's). */
export function vBcast(x: N | boolean, size: number): NDArray {
  const a = typeof x === "number" ? astype(asArray(x), "float32") : asArray(x);
  return broadcastTo(a, [size, ...a.shape]);
}

/** The per-example rank of a value with `k` leading batch axes. */
const rankOf = (x: unknown, k: number): number => shapeOf(x).length - k;

/**
 * x (with `k` leading batch axes) with size-1 axes inserted after them until its per-example rank
 * is at least every other operand's (`o[j]` leading axes each): elementwise broadcasting then
 * lines up examples with examples, as it would have one example at a time.
 */
export function vAlign(x: N, meta: { k: number; o: readonly number[] }, ...others: unknown[]): N {
  if (typeof x === "number") return x;
  const want = Math.max(0, ...others.map((y, j) => rankOf(y, meta.o[j])));
  const have = x.ndim - meta.k;
  if (have >= want) return x;
  const s = x.shape;
  return reshape(x, [...s.slice(0, meta.k), ...new Array(want - have).fill(1), ...s.slice(meta.k)]);
}

/**
 * One example's axis operand as axes of the batched value (`k` leading batch axes): `reduce` for
 * reductions (null: every per-example axis), `squeeze` (null: the per-example axes of size 1),
 * `perm` for transpose (null: the per-example axes reversed; the batch axes stay in front).
 */
export function vAxes(x: N, axis: Axis, meta: { k: number; mode: "reduce" | "squeeze" | "perm"; skip?: number }): number[] | number {
  // (skip: outer vmaps' batch axes in front of x, not counted: the axes are one outer example's)
  const s = shapeOf(x).slice(meta.skip ?? 0);
  const { k } = meta;
  const per = s.slice(k);
  const lead = Array.from({ length: k }, (_, i) => i);
  if (axis === null || axis === undefined) {
    const all = per.map((_, i) => i + k);
    if (meta.mode === "reduce") return all;
    if (meta.mode === "squeeze") return all.filter((a) => s[a] === 1);
    return [...lead, ...all.reverse()];
  }
  // (a permutation keeps its order; reduction and squeeze axes are a set)
  if (meta.mode === "perm") return [...lead, ...(typeof axis === "number" ? [axis] : axis).map((a) => normAxis("transpose", a, per.length, per) + k)];
  // (a single axis stays a number: joins and takes want one)
  if (typeof axis === "number") return normAxis("vmap", axis, per.length, per) + k;
  return normAxes(meta.mode === "squeeze" ? "squeeze" : "sum", axis, per).map((a) => a + k);
}

/** A reshape that keeps the `k` leading batch axes: one example reshaped to `shape`. */
export function vReshape(x: N, shape: number | readonly number[], k: number): NDArray {
  const a = asArray(x);
  return reshape(a, [...a.shape.slice(0, k), ...(typeof shape === "number" ? [shape] : shape)]);
}

/** vReshape to one example of `like`'s shape (`kl` leading batch axes on like). */
export function vReshapeLike(x: N, like: N, k: number, kl: number): NDArray {
  return vReshape(x, shapeOf(like).slice(kl), k);
}

/** broadcastTo with the `k` leading batch axes kept: one example broadcast to `shape` (or to an unbatched Array's shape). */
export function vBroadcastTo(x: N, shape0: readonly number[] | NDArray | number, k: number): NDArray {
  const shape = typeof shape0 === "number" ? [] : shape0 instanceof NDArray ? shape0.shape : shape0;
  const a = asFloat(asArray(x));
  const s = a.shape;
  const pad = Math.max(0, shape.length - (s.length - k));
  return broadcastTo(reshape(a, [...s.slice(0, k), ...new Array(pad).fill(1), ...s.slice(k)]), [...s.slice(0, k), ...shape]);
}

// ---- matrix products ------------------------------------------------------------------------------

/**
 * Batched matmul operands put in one form: each operand's leading batch axes laid out by level
 * (`flags[l]`: mapped at vmap level l, else a size-1 axis), a vector example made a matrix
 * (a row for the left operand, a column for the right), and per-example batch axes padded so
 * both have the same rank. numpy's matmul then broadcasts batch with batch.
 */
interface Planned {
  a: NDArray;
  b: NDArray;
  /** Shape of one batched product before the vector axes are dropped, and those axes. */
  drop: number[];
  levels: number;
}
function byLevel(x: NDArray, flags: readonly number[]): NDArray {
  const k = flags.reduce((s, f) => s + f, 0);
  const s = x.shape;
  const lead: number[] = [];
  let i = 0;
  for (const f of flags) lead.push(f ? s[i++] : 1);
  return reshape(x, [...lead, ...s.slice(k)]);
}
function plan(a0: N, b0: N, fa: readonly number[], fb: readonly number[], api: string): Planned {
  let a = byLevel(asFloat(asArray(a0)), fa);
  let b = byLevel(asFloat(asArray(b0)), fb);
  const L = fa.length;
  const ra = a.ndim - L;
  const rb = b.ndim - L;
  if (ra === 0 || rb === 0) throw new TypeError(`vmap of ${api}: an operand is 0-d per example (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}); multiply instead`);
  const drop: number[] = [];
  if (ra === 1) a = reshape(a, [...a.shape.slice(0, L), 1, a.shape[L]]);
  if (rb === 1) b = reshape(b, [...b.shape, 1]);
  const pa = a.ndim - L;
  const pb = b.ndim - L;
  const pad = (x: NDArray, by: number) => (by > 0 ? reshape(x, [...x.shape.slice(0, L), ...new Array(by).fill(1), ...x.shape.slice(L)]) : x);
  a = pad(a, pb - pa);
  b = pad(b, pa - pb);
  const r = a.ndim; // rank of the planned product
  if (ra === 1) drop.push(r - 2);
  if (rb === 1) drop.push(r - 1);
  return { a, b, drop, levels: L };
}
const swapLast = (x: NDArray) => transpose(x, [...Array.from({ length: x.ndim - 2 }, (_, i) => i), x.ndim - 1, x.ndim - 2]);
/** The planned product's shape with the vector axes dropped, and with only the levels the result has. */
function unplan(y: NDArray, p: Planned, fy: readonly number[]): NDArray {
  const s = y.shape.filter((_, i) => !p.drop.includes(i));
  // levels where neither operand was mapped stay out of the result (it has those as size 1)
  const lead = s.slice(0, p.levels).filter((_, l) => fy[l]);
  return reshape(y, [...lead, ...s.slice(p.levels)]);
}
const orFlags = (fa: readonly number[], fb: readonly number[]) => fa.map((f, l) => f | fb[l]);

/**
 * x @ w where w has no batch axes (all size 1, one matrix): the batch folded into x's rows, one
 * large product instead of a batch of small ones (per-example inputs times shared weights).
 */
function sharedRight(x: NDArray, w: NDArray): NDArray {
  if (w.shape.slice(0, -2).some((d) => d !== 1)) return matmul(x, w);
  const [k, m] = w.shape.slice(-2);
  const y = matmul(reshape(x, [-1, k]), reshape(w, [k, m]));
  return reshape(y, [...x.shape.slice(0, -1), m]);
}

/**
 * w @ x where w is one shared matrix and every example of x a column (a matrix times per-example
 * vectors: a Jacobian's basis, a batch of inputs on the right): one product of w with all the
 * columns side by side, instead of a matrix-vector product per example.
 */
function sharedLeft(w: NDArray, x: NDArray): NDArray | null {
  const n = x.ndim;
  if (w.shape.slice(0, -2).some((d) => d !== 1) || x.shape[n - 1] !== 1) return null;
  const [m, k] = w.shape.slice(-2);
  const cols = reshape(x, [-1, k]); // one row per example
  const y = matmul(cols, transpose(reshape(w, [m, k]))); // [examples, m]
  return reshape(y, [...x.shape.slice(0, n - 2), m, 1]);
}

/** matmul (or dot on rank ≤ 2) of one example with one example, for every example. */
export function vMatmul(a: N, b: N, meta: { f: readonly (readonly number[])[]; api: string }): NDArray {
  const [fa, fb] = meta.f;
  const p = plan(a, b, fa, fb, meta.api);
  return unplan(sharedLeft(p.a, p.b) ?? sharedRight(p.a, p.b), p, orFlags(fa, fb));
}

type MatmulMeta = { f: readonly (readonly number[])[]; api: string; o?: readonly number[] };

/**
 * A cotangent of one operand (`x`, levels `fx`) from the planned product `full`: summed over the
 * levels the result does not have (`o`: the operand's own levels under AD; every level of g, a
 * and b when vmap batches the rule itself) and over broadcast axes, then in x's layout.
 */
function gradOut(full: NDArray, planned: readonly number[], x: N, fx: readonly number[], o: readonly number[], L: number): NDArray {
  const target = planned.map((d, i) => (i < L ? (o[i] ? full.shape[i] : 1) : d));
  const summed = sumToShape(full, target);
  const per = shapeOf(x).slice(fx.reduce((n, f) => n + f, 0));
  return reshape(summed, [...target.slice(0, L).filter((_, l) => o[l]), ...per]);
}

/** The cotangent of vMatmul's left operand: per example, matmulGradA. */
export function vMatmulGradA(g: N, a: N, b: N, meta: MatmulMeta): NDArray {
  const [fg, fa, fb] = meta.f;
  const p = plan(a, b, fa, fb, meta.api);
  const full = sharedRight(planG(g, fg, p), swapLast(p.b));
  return gradOut(full, p.a.shape, a, fa, meta.o ?? orFlags(orFlags(fg, fa), fb), p.levels);
}

/**
 * Per-batch outer products x[..., :, 0] · y[..., 0, :] (a contraction of length 1: the weight
 * gradients of per-example vectors) written directly, one float32 product each: the same values
 * matmul's single-term sums give, without a matrix product per example.
 */
function outerBatch(x: NDArray, y: NDArray): NDArray | null {
  const L = x.ndim - 2;
  if (L < 0 || x.shape[L + 1] !== 1 || y.shape[L] !== 1 || y.ndim !== x.ndim) return null;
  const lead = x.shape.slice(0, L);
  // (Arrays on the GPU: the batched product's kernel instead of host loops)
  if (!lead.every((d, i) => d === y.shape[i]) || x.dtype !== "float32" || y.dtype !== "float32" || x.device !== "cpu" || y.device !== "cpu") return null;
  const n = x.shape[L], m = y.shape[L + 1];
  const nb = lead.reduce((s, d) => s * d, 1);
  const xd = x.data as Float32Array, yd = y.data as Float32Array;
  const out = new Float32Array(nb * n * m);
  for (let b = 0; b < nb; b++) {
    const xo = b * n, yo = b * m;
    for (let i = 0; i < n; i++) {
      const xi = xd[xo + i];
      const o = (b * n + i) * m;
      for (let j = 0; j < m; j++) out[o + j] = xi * yd[yo + j];
    }
  }
  return new NDArray(out, [...lead, n, m], "float32");
}

/** The cotangent of vMatmul's right operand. */
export function vMatmulGradB(g: N, a: N, b: N, meta: MatmulMeta): NDArray {
  const [fg, fa, fb] = meta.f;
  const p = plan(a, b, fa, fb, meta.api);
  const at = swapLast(p.a), gp = planG(g, fg, p);
  const full = outerBatch(at, gp) ?? matmul(at, gp);
  return gradOut(full, p.b.shape, b, fb, meta.o ?? orFlags(orFlags(fg, fa), fb), p.levels);
}

/** A cotangent of the product (mapped at levels `fg`) in the planned product's layout: the vector axes back as size 1. */
function planG(g: N, fg: readonly number[], p: Planned): NDArray {
  const x = byLevel(asFloat(asArray(g)), fg);
  const s = [...x.shape];
  for (const d of [...p.drop].sort((i, j) => i - j)) s.splice(d, 0, 1);
  return reshape(x, s);
}

/** Whether any example's condition still holds (a batched loop runs until none does). */
export function vAny(c: N): boolean {
  if (typeof c === "number" || typeof c === "boolean") return !!c;
  const d = c.data;
  for (let i = 0; i < d.length; i++) if (d[i]) return true;
  return false;
}

// ---- gathers whose indices differ per example ------------------------------------------------------

interface TakeMeta {
  /** How many leading axes of x are batch axes (0: x shared); they are the indices' first ones. */
  kx: number;
  /** How many leading axes of the indices are batch axes (vmaps nested: one each). */
  ki: number;
}
const lead = (s: readonly number[], k: number) => s.slice(0, k).reduce((a, d) => a * d, 1);
/**
 * One example's take geometry: x's per-example shape around the axis, the indices as integers.
 * Examples are the indices' batch positions, flattened; x's batch axes are a prefix of them (an
 * outer vmap's), so example b reads x's example b ÷ (B / Bx).
 */
function takeGeom(x: NDArray, idx: N, axis: number | null | undefined, m: TakeMeta, op: string) {
  const ia = typeof idx === "number" ? null : idx;
  const bshape = ia && m.ki ? ia.shape.slice(0, m.ki) : x.shape.slice(0, m.kx);
  if (ia && m.ki && (m.kx > m.ki || x.shape.slice(0, m.kx).some((d, j) => d !== ia.shape[j])))
    throw new RangeError(`${op}: the batch sizes of x ${fmtShape(x.shape.slice(0, m.kx))} and of the indices ${fmtShape(ia.shape.slice(0, m.ki))} differ`);
  const B = lead(bshape, bshape.length), Bx = lead(x.shape, m.kx);
  const xs = x.shape.slice(m.kx);
  const flat = axis === undefined || axis === null;
  const per = flat ? [xs.reduce((a, d) => a * d, 1)] : xs;
  const ax = flat ? 0 : axis < 0 ? axis + per.length : axis;
  if (ax < 0 || ax >= per.length) throw new RangeError(`${op}: axis ${axis} is out of range for one example of shape ${fmtShape(xs)}`);
  const ishape = ia ? ia.shape.slice(m.ki) : [];
  const isz = ishape.reduce((a, d) => a * d, 1);
  const outer = per.slice(0, ax).reduce((a, d) => a * d, 1), n = per[ax], inner = per.slice(ax + 1).reduce((a, d) => a * d, 1);
  const index = (b: number, k: number): number => {
    const v = ia ? Number(ia.data[(m.ki ? b * isz : 0) + k]) : (idx as number);
    const r = v < 0 ? v + n : v;
    if (!Number.isInteger(v) || r < 0 || r >= n) throw new RangeError(`${op}: index ${v} (example ${b}) is out of bounds for axis ${axis ?? 0} of size ${n}`);
    return r;
  };
  const xex = (b: number) => (m.kx ? Math.floor(b / (B / Bx)) : 0);
  return { B, Bx, bshape, per, ax, ishape, isz, outer, n, inner, index, xex, xsz: per.reduce((a, d) => a * d, 1) };
}

/** take(x_e, idx_e, axis) for every example e, batched on the leading axes (x or the indices may be shared). */
export function vTake(x0: N, idx: N, axis: number | null | undefined, m: TakeMeta): NDArray {
  const x = asArray(x0);
  const g = takeGeom(x, idx, axis, m, "vmap of take");
  const outPer = [...g.per.slice(0, g.ax), ...g.ishape, ...g.per.slice(g.ax + 1)];
  const osz = g.outer * g.isz * g.inner;
  const out = new (x.data.constructor as Float32ArrayConstructor)(g.B * osz);
  const src = x.data;
  for (let b = 0; b < g.B; b++) {
    const xo = g.xex(b) * g.xsz;
    for (let o = 0; o < g.outer; o++)
      for (let k = 0; k < g.isz; k++) {
        const s = xo + (o * g.n + g.index(b, k)) * g.inner;
        const t = b * osz + (o * g.isz + k) * g.inner;
        for (let j = 0; j < g.inner; j++) out[t + j] = src[s + j] as number;
      }
  }
  return new NDArray(out, [...g.bshape, ...outPer], x.dtype);
}

/**
 * Its adjoint: g scattered (added) into zeros shaped like one example of x, per example; summed
 * over the examples when x is shared (`sum`: the cotangent of a shared operand).
 */
export function vTakeTranspose(g0: N, x0: N, idx: N, axis: number | null | undefined, m: TakeMeta & { sum?: boolean }): NDArray {
  const x = asArray(x0);
  const ga = asFloat(asArray(g0));
  const gm = takeGeom(x, idx, axis, m, "vmap of take (its adjoint)");
  const osz = gm.outer * gm.isz * gm.inner;
  // (per example of x: the examples that read the same x example add up)
  const keep = !m.sum;
  const acc = new Float64Array((keep ? gm.Bx : 1) * gm.xsz);
  const src = ga.data;
  for (let b = 0; b < gm.B; b++) {
    const base = keep ? gm.xex(b) * gm.xsz : 0;
    for (let o = 0; o < gm.outer; o++)
      for (let k = 0; k < gm.isz; k++) {
        const t = base + (o * gm.n + gm.index(b, k)) * gm.inner;
        const s = b * osz + (o * gm.isz + k) * gm.inner;
        for (let j = 0; j < gm.inner; j++) acc[t + j] += src[s + j];
      }
  }
  const xs = x.shape.slice(m.kx);
  return new NDArray(ga.dtype === "float64" ? acc : Float32Array.from(acc), keep ? [...x.shape.slice(0, m.kx), ...xs] : xs, ga.dtype);
}

// ---- tapes under vmap: one stack per example ------------------------------------------------------
// A loop or branch that runs for some examples and not others (a loop whose trip count, or a
// branch whose condition, differs per example) pushes and pops its tape under a mask: each
// example keeps its own stack of the entries pushed while it was active, so the adjoint sweep pops
// each example's own values in its own order.

interface LaneStacks {
  entries: unknown[];
  lanes: number[][];
}
const laneStacks = (t: { lanes?: LaneStacks[] }, ch: number, size: number): LaneStacks => {
  const all = (t.lanes ??= []);
  return (all[ch] ??= { entries: [], lanes: Array.from({ length: size }, () => []) });
};
const active = (mask: unknown, e: number): boolean => mask === null || mask === undefined || (mask instanceof NDArray ? !!mask.data[e] : !!mask);

/** Pushes values for the examples `mask` selects (null: all). */
export function vTapePush(t: { lanes?: LaneStacks[] }, ch: number, mask: unknown, size: number, ...vals: unknown[]): void {
  const st = laneStacks(t, ch, size);
  for (const v of vals) {
    const k = st.entries.length;
    st.entries.push(v);
    for (let e = 0; e < size; e++) if (active(mask, e)) st.lanes[e].push(k);
  }
}

/**
 * Pops one value for each example `mask` selects (null: all): the batched value made of each
 * example's own entry (the examples not selected get zeros; their result is not used).
 */
export function vTapePop(t: { lanes?: LaneStacks[] }, ch: number, mask: unknown, size: number): NDArray {
  const st = laneStacks(t, ch, size);
  const picks = new Array<number>(size).fill(-1);
  for (let e = 0; e < size; e++) if (active(mask, e)) picks[e] = st.lanes[e].pop() ?? -1;
  const first = picks.find((k) => k >= 0);
  if (first === undefined) return new NDArray(new Float32Array(size), [size], "float32");
  const v0 = st.entries[first];
  // (every example popped the same batched entry: it is the value)
  if (v0 instanceof NDArray && picks.every((k) => k === first) && v0.shape[0] === size) return v0;
  if (v0 instanceof NDArray) {
    const per = v0.size / v0.shape[0];
    const out = new (v0.data.constructor as Float32ArrayConstructor)(size * per);
    picks.forEach((k, e) => {
      if (k < 0) return;
      const v = st.entries[k] as NDArray;
      out.set((v.data as Float32Array).subarray(e * per, (e + 1) * per), e * per);
    });
    return new NDArray(out, [size, ...v0.shape.slice(1)], v0.dtype);
  }
  if (typeof v0 === "number" || typeof v0 === "boolean") {
    const out = typeof v0 === "boolean" ? new Uint8Array(size) : new Float32Array(size);
    picks.forEach((k, e) => k >= 0 && (out[e] = Number(st.entries[k])));
    return new NDArray(out, [size], typeof v0 === "boolean" ? "bool" : "float32");
  }
  throw new TypeError("vmap: a tape holds a value that is neither a number nor an Array (a nested tape) where examples take different paths");
}
