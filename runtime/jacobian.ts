// The run-time halves of vjp, jacfwd, jacrev and hessian. The transformer compiles the
// derivative code (a tangent pass J for forward mode, a cotangent pass V for reverse mode);
// these helpers call it once per basis vector and assemble Jacobians with JAX's layout: for each
// output leaf, an array of shape out.shape + in.shape (a number when both are numbers), arranged
// as a pytree of the inputs inside a pytree of the outputs.

import { floatDTypeOf } from "./dtype-cast.js";
import { NDArray } from "./array.js";
import { flatten, unflatten } from "./tree.js";
import { alloc, promoteTypes } from "./dtype.js";


type AnyFn = (...args: any[]) => any;

/** A leaf that has a derivative: a number or a float Array. */
const isDiffLeaf = (x: unknown): x is number | NDArray => typeof x === "number" || x instanceof NDArray;
const sizeOf = (x: number | NDArray) => (typeof x === "number" ? 1 : x.size);
const shapeOf = (x: number | NDArray): readonly number[] => (typeof x === "number" ? [] : x.shape);
/** A Jacobian block's dtype: the join of the output's and the input's float dtypes (float32 for numbers). */
const jacDType = (out: unknown, x: unknown) => promoteTypes(floatDTypeOf(out), floatDTypeOf(x));
/** The value of leaf element k as a number. */
const at = (x: unknown, k: number) => (typeof x === "number" ? x : x instanceof NDArray ? Number(x.data[k]) : 0);

/** A tree like `t` with zeros everywhere but element k of leaf i, which is 1 (a basis vector). */
function basis(t: unknown, i: number, k: number): unknown {
  const [ls, def] = flatten(t);
  return unflatten(
    def,
    ls.map((l, j) => {
      if (typeof l === "number") return j === i ? 1 : 0;
      if (l instanceof NDArray) {
        const dt = floatDTypeOf(l);
        const d = alloc(dt, l.size);
        if (j === i) d[k] = 1;
        return new NDArray(d, l.shape, dt);
      }
      return l;
    }),
  );
}

/** Assemble: entry (o, i) is the block for output leaf o and input leaf i, read by element pairs. */
function assemble(out: unknown, ins: unknown, read: (o: number, p: number, i: number, q: number) => number): unknown {
  const [outs, outDef] = flatten(out);
  const [inl, inDef] = flatten(ins);
  return unflatten(
    outDef,
    outs.map((ol, o) =>
      unflatten(
        inDef,
        inl.map((il, i) => {
          if (!isDiffLeaf(ol) || !isDiffLeaf(il)) return null;
          const m = sizeOf(ol), n = sizeOf(il);
          if (typeof ol === "number" && typeof il === "number") return read(o, 0, i, 0);
          const dt = jacDType(ol, il);
          const d = alloc(dt, m * n);
          for (let p = 0; p < m; p++) for (let q = 0; q < n; q++) d[p * n + q] = read(o, p, i, q);
          return new NDArray(d, [...shapeOf(ol), ...shapeOf(il)], dt);
        }),
      ),
    ),
  );
}

/** The differentiated arguments: one (argnums a number) or a tuple of them. */
const pick = (args: unknown[], argnums: number | readonly number[]) => (typeof argnums === "number" ? args[argnums] : argnums.map((i) => args[i]));
/** The full argument list with the differentiated ones replaced. */
function place(args: unknown[], argnums: number | readonly number[], t: unknown): unknown[] {
  const out = args.slice();
  if (typeof argnums === "number") out[argnums] = t;
  else argnums.forEach((i, k) => (out[i] = (t as unknown[])[k]));
  return out;
}

/** vjp(f, ...primals) = [f(...primals), pullback]; pullback(ct) runs the cotangent pass V. */
export function vjpOf(f: AnyFn, V: AnyFn, primals: unknown[]): [unknown, (ct: unknown) => unknown] {
  const out = f(...primals);
  return [out, (ct: unknown) => V(...primals, ct)];
}

/**
 * linearize(f, ...primals) = [f(...primals), jvpAt], jvpAt(...tangents) the tangent of the
 * output along them. Each call runs the compiled tangent pass J (values and tangents together).
 */
export function linearizeOf(f: AnyFn, J: AnyFn, primals: unknown[]): [unknown, (...tangents: unknown[]) => unknown] {
  const out = f(...primals);
  return [out, (...tangents: unknown[]) => J(...primals, ...tangents)[1]];
}

/**
 * jacfwd: one tangent pass per input element. J(...args, ...tangents) returns [out, tangentOut];
 * tangents are zeros except the basis element (for every parameter, differentiated or not).
 */
export function jacfwdOf(J: AnyFn, argnums: number | readonly number[]): AnyFn {
  return (...args: unknown[]) => {
    const wrt = pick(args, argnums);
    const [ls] = flatten(wrt);
    const zeros = args.map((a) => basis(a, -1, -1));
    let out: unknown;
    const cols: unknown[][][] = []; // cols[i][q] = flattened tangent-out leaves
    ls.forEach((l, i) => {
      cols[i] = [];
      if (!isDiffLeaf(l)) return;
      for (let q = 0; q < sizeOf(l); q++) {
        const t = place(zeros, argnums, basis(wrt, i, q));
        const [o, to] = J(...args, ...t);
        out = o;
        cols[i][q] = flatten(to)[0];
      }
    });
    if (out === undefined) out = J(...args, ...zeros)[0];
    return assemble(out, wrt, (o, p, i, q) => at(cols[i][q][o], p));
  };
}

/**
 * jacrev: one cotangent pass per output element. V(...args, ct) returns the cotangents of every
 * parameter (a tuple), f gives the output's structure.
 */
export function jacrevOf(f: AnyFn, V: AnyFn, argnums: number | readonly number[]): AnyFn {
  return (...args: unknown[]) => {
    const out = f(...args);
    const [outs] = flatten(out);
    const rows: unknown[][][] = []; // rows[o][p] = flattened cotangent leaves of the differentiated args
    outs.forEach((ol, o) => {
      rows[o] = [];
      if (!isDiffLeaf(ol)) return;
      for (let p = 0; p < sizeOf(ol); p++) rows[o][p] = flatten(pick(V(...args, basis(out, o, p)) as unknown[], argnums))[0];
    });
    return assemble(out, pick(args, argnums), (o, p, i, q) => at(rows[o][p][i], q));
  };
}

// ---- the same Jacobians in one batched pass: the derivative code vmapped over the basis ------------
// (the transformer compiles J or V under vmap when it can: every basis vector at once, stacked on
// a leading axis; a row of the identity per element of all the differentiated leaves together)

/** The basis of a tree's leaves stacked: leaf j gets shape [N, ...shape_j], row off_j + q the one-hot of element q. */
function stackedBasis(t: unknown, N: number): unknown {
  const [ls, def] = flatten(t);
  let off = 0;
  return unflatten(
    def,
    ls.map((l) => {
      if (isDiffLeaf(l)) {
        const n = sizeOf(l);
        const dt = floatDTypeOf(l);
        const d = alloc(dt, N * n);
        for (let q = 0; q < n; q++) d[(off + q) * n + q] = 1;
        off += n;
        return new NDArray(d, [N, ...shapeOf(l)], dt);
      }
      return l;
    }),
  );
}
/** Total elements of a tree's differentiable leaves, and each leaf's offset among them. */
function offsets(t: unknown): { N: number; off: number[] } {
  const [ls] = flatten(t);
  let N = 0;
  const off = ls.map((l) => {
    const o = N;
    if (isDiffLeaf(l)) N += sizeOf(l);
    return o;
  });
  return { N, off };
}

/** jacfwd in one pass: JB (J vmapped over the differentiated tangents) on the stacked basis. */
export function jacfwdBatchedOf(JB: AnyFn, argnums: number | readonly number[]): AnyFn {
  return (...args: unknown[]) => {
    const wrt = pick(args, argnums);
    const { N, off } = offsets(wrt);
    const zeros = args.map((a) => basis(a, -1, -1));
    if (N === 0) return assemble(JB(...args, ...zeros)[0], wrt, () => 0);
    const t = place(zeros, argnums, stackedBasis(wrt, N));
    const [out, tB] = JB(...args, ...t);
    const [touts] = flatten(tB);
    const m = flatten(out)[0].map((l) => (isDiffLeaf(l) ? sizeOf(l) : 0));
    // tangent-out leaf o has shape [N, ...out_o]: column q of input leaf i is its row off_i + q
    return assemble(out, wrt, (o, p, i, q) => Number((touts[o] as NDArray).data[(off[i] + q) * m[o] + p]));
  };
}

/** jacrev in one pass: VB (V vmapped over the output cotangent) on the stacked basis of the output. */
export function jacrevBatchedOf(f: AnyFn, VB: AnyFn, argnums: number | readonly number[]): AnyFn {
  return (...args: unknown[]) => {
    const out = f(...args);
    const { N, off } = offsets(out);
    if (N === 0) return assemble(out, pick(args, argnums), () => 0);
    const cts = flatten(pick(VB(...args, stackedBasis(out, N)) as unknown[], argnums))[0];
    const n = flatten(pick(args, argnums))[0].map((l) => (isDiffLeaf(l) ? sizeOf(l) : 0));
    // cotangent leaf i has shape [N, ...in_i]: row off_o + p is output element p of leaf o
    return assemble(out, pick(args, argnums), (o, p, i, q) => Number((cts[i] as NDArray).data[(off[o] + p) * n[i] + q]));
  };
}

// ---- the pieces of a Jacobian built inside a differentiated function (transformer/ad/jacobian.ts)

/** The element count of a number (1) or an Array. */
export function jacSize(x: number | NDArray): number {
  return sizeOf(x);
}

/** Zeros shaped like x with a 1 at flat index k. */
export function jacBasis(x: number | NDArray, k: number): NDArray {
  const dt = floatDTypeOf(x);
  const d = alloc(dt, sizeOf(x));
  d[k] = 1;
  return new NDArray(d, shapeOf(x), dt);
}

type Entry = number | NDArray | undefined;
/** Element k of a list entry (a number stands for an Array filled with it; a missing one for zeros). */
const entryAt = (e: Entry, k: number) => (e === undefined ? 0 : typeof e === "number" ? e : Number(e.data[k]));

/**
 * Stack the passes of a Jacobian into shape out.shape + x.shape: "fwd" has one entry per element
 * q of x (shaped like out: column q), "rev" one entry per element p of out (shaped like x: row p).
 */
export function jacStack(l: readonly Entry[], out: number | NDArray, x: number | NDArray, mode: "fwd" | "rev"): NDArray {
  const m = sizeOf(out), n = sizeOf(x);
  const dt = jacDType(out, x);
  const d = alloc(dt, m * n);
  for (let p = 0; p < m; p++) for (let q = 0; q < n; q++) d[p * n + q] = mode === "fwd" ? entryAt(l[q], p) : entryAt(l[p], q);
  return new NDArray(d, [...shapeOf(out), ...shapeOf(x)], dt);
}

/** The transpose of jacStack: the columns ("fwd") or rows ("rev") of g, as a list. */
export function jacUnstack(g: NDArray, out: number | NDArray, x: number | NDArray, mode: "fwd" | "rev"): (number | NDArray)[] {
  const m = sizeOf(out), n = sizeOf(x);
  const [count, like] = mode === "fwd" ? [n, out] : [m, x];
  const res: (number | NDArray)[] = [];
  for (let k = 0; k < count; k++) {
    const at = (j: number) => Number(g.data[mode === "fwd" ? j * n + k : k * n + j]);
    if (typeof like === "number") res.push(at(0));
    else {
      const dt = floatDTypeOf(like);
      const d = alloc(dt, like.size);
      for (let j = 0; j < like.size; j++) d[j] = at(j);
      res.push(new NDArray(d, like.shape, dt));
    }
  }
  return res;
}
