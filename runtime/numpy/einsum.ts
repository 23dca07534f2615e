// numpy.einsum: explicit or implicit subscripts, ellipses, diagonals (a label repeated in one
// operand), any number of operands contracted left to right. Each contraction of two runs as a
// matrix product: each operand's axes put in the order batch · free · contracted, then one batched
// matmul, then the order the next step needs. Its derivative is einsum again (transformer/prims/einsum.ts): an operand's cotangent is
// the einsum of the output's cotangent with the other operands into that operand's labels.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape, sizeOf } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { promoteTypes, toInexact } from "../dtype.js";
import type { DType } from "../dtype.js";
import { matmul } from "./linalg.js";
import { reshape, transpose, broadcastTo } from "./shape.js";
import { sum } from "./reduce.js";
import { diagonal } from "./arrange.js";

/** "..." inside parsed subscripts: one character standing for the ellipsis's axes. */
const ELL = ".";

/**
 * The parsed subscripts: each operand's labels and the output's, "..." written as one '.'
 * (the transformer's derived subscripts use it too). Implicit mode: the ellipsis first, then
 * the labels that appear once, in alphabetical order (NumPy's rule).
 */
export function parseEinsum(spec: string, n: number): { ins: string[]; out: string } {
  const s = spec.replace(/\s+/g, "").replace(/\.\.\./g, ELL);
  const [lhs, rhs, extra] = s.split("->");
  if (extra !== undefined) throw new TypeError(`einsum: "${spec}" has more than one "->"`);
  const ins = lhs.split(",");
  if (ins.length !== n) throw new TypeError(`einsum: "${spec}" names ${ins.length} operand(s), but ${n} were given`);
  const ok = (t: string) => /^[a-zA-Z.]*$/.test(t) && (t.match(/\./g) ?? []).length <= 1;
  for (const t of ins) if (!ok(t)) throw new TypeError(`einsum: subscripts must be letters and at most one "...", got "${t.replace(ELL, "...")}" in "${spec}"`);
  const ell = ins.some((t) => t.includes(ELL));
  let out: string;
  if (rhs === undefined) {
    const count = new Map<string, number>();
    for (const c of ins.join("").replace(/\./g, "")) count.set(c, (count.get(c) ?? 0) + 1);
    out = (ell ? ELL : "") + [...count].filter(([, k]) => k === 1).map(([c]) => c).sort().join("");
  } else out = rhs;
  if (!ok(out)) throw new TypeError(`einsum: the output subscripts must be letters and at most one "...", in "${spec}"`);
  for (const c of out) if (c !== ELL && !ins.some((t) => t.includes(c))) throw new TypeError(`einsum: output label '${c}' is not in any operand of "${spec}"`);
  if (new Set(out).size !== out.length) throw new TypeError(`einsum: output label repeated in "${spec}"`);
  if (ell !== out.includes(ELL))
    throw new TypeError(ell ? `einsum: the output of "${spec}" must name "..." as its operands do` : `einsum: the output of "${spec}" names "...", but no operand does`);
  return { ins, out };
}

/** Labels for the ellipsis's axes (characters no subscript can use), right-aligned as broadcasting. */
const ELL_LABELS = "αβγδεζηθικλμνξοπρστυφχψω";

/** The subscripts with each "..." replaced by labels for the operand's own axes. */
function expandEllipsis(spec: string, ins: string[], out: string, xs: NDArray[]): { ins: string[]; out: string } {
  let K = 0;
  const ks = ins.map((t, i) => {
    if (!t.includes(ELL)) return 0;
    const k = xs[i].ndim - (t.length - 1);
    if (k < 0) throw new TypeError(`einsum: operand ${i} has shape ${fmtShape(xs[i].shape)} but "${t.replace(ELL, "...")}" names ${t.length - 1} axes besides "..."`);
    K = Math.max(K, k);
    return k;
  });
  if (K > ELL_LABELS.length) throw new TypeError(`einsum: "..." stands for ${K} axes, more than ${ELL_LABELS.length}`);
  const fill = (t: string, k: number) => t.replace(ELL, ELL_LABELS.slice(K - k, K));
  return { ins: ins.map((t, i) => fill(t, ks[i])), out: fill(out, K) };
}

/**
 * An operand's first repeated label: its two positions, and the labels once its diagonal is taken
 * (both positions removed, the label at the end, where numpy's diagonal puts it); null when none.
 * The runtime and the transformer's lowering take diagonals by it.
 */
export function repeatedLabel(t: string): { c: string; p1: number; p2: number; rest: string } | null {
  const c = [...t].find((ch, d) => t.indexOf(ch) !== d);
  if (c === undefined) return null;
  const p1 = t.indexOf(c), p2 = t.indexOf(c, p1 + 1);
  return { c, p1, p2, rest: [...t].filter((_, d) => d !== p1 && d !== p2).join("") + c };
}

/** An operand's repeated labels taken as diagonals ("ii" → its diagonal, labelled "i" at the end). */
function diagonals(spec: string, x: NDArray, t: string, i: number): [NDArray, string] {
  for (let r = repeatedLabel(t); r; r = repeatedLabel(t)) {
    if (x.shape[r.p1] !== x.shape[r.p2]) throw new TypeError(`einsum: label '${r.c}' of operand ${i} is repeated on axes of sizes ${x.shape[r.p1]} and ${x.shape[r.p2]} (shape ${fmtShape(x.shape)}) in "${spec}"`);
    x = diagonal(x, 0, r.p1, r.p2);
    t = r.rest;
  }
  return [x, t];
}

/** Sizes of every label, checked to agree across operands. */
function sizes(spec: string, ins: string[], xs: NDArray[]): Map<string, number> {
  const m = new Map<string, number>();
  ins.forEach((t, i) => {
    if (t.length !== xs[i].ndim) throw new TypeError(`einsum: operand ${i} has shape ${fmtShape(xs[i].shape)} but "${t}" names ${t.length} axes`);
    [...t].forEach((c, d) => {
      const n = xs[i].shape[d];
      const prev = m.get(c);
      if (prev !== undefined && prev !== n && prev !== 1 && n !== 1) throw new TypeError(`einsum: label '${c}' has size ${prev} and ${n} in "${spec}"`);
      m.set(c, prev === undefined || prev === 1 ? n : prev);
    });
  });
  return m;
}

/** One operand's axes reordered to `order` (its labels), size-1 axes broadcast to the label sizes. */
function arrange(x: NDArray, labels: string, order: string, size: Map<string, number>): NDArray {
  const perm = [...order].map((c) => labels.indexOf(c));
  const t = transpose(x, perm);
  const want = [...order].map((c) => size.get(c)!);
  return t.shape.every((d, i) => d === want[i]) ? t : broadcastTo(t, want);
}

/** One operand: a sum over the labels not in `out`, then out's order. */
function one(x: NDArray, t: string, out: string, size: Map<string, number>): NDArray {
  const summed = [...t].map((c, d) => (out.includes(c) ? -1 : d)).filter((d) => d >= 0);
  const r = summed.length ? sum(x, summed) : x;
  return arrange(r, [...t].filter((c) => out.includes(c)).join(""), out, size);
}

/** Two operands into the labels `out`: as one batched matrix product. */
function two(x: NDArray, ta: string, y: NDArray, tb: string, out: string, size: Map<string, number>): NDArray {
  // labels only in one operand and not in the output are summed there first
  const pre = (v: NDArray, t: string, other: string): [NDArray, string] => {
    const drop = [...t].map((c, d) => (!out.includes(c) && !other.includes(c) ? d : -1)).filter((d) => d >= 0);
    return drop.length ? [sum(v, drop), [...t].filter((_, d) => !drop.includes(d)).join("")] : [v, t];
  };
  const [a, la] = pre(x, ta, tb);
  const [b, lb] = pre(y, tb, ta);
  const batch = [...la].filter((c) => lb.includes(c) && out.includes(c)).join("");
  const contract = [...la].filter((c) => lb.includes(c) && !out.includes(c)).join("");
  const fa = [...la].filter((c) => !lb.includes(c)).join("");
  const fb = [...lb].filter((c) => !la.includes(c)).join("");
  const n = (ls: string) => sizeOf([...ls].map((c) => size.get(c)!));
  const A = reshape(arrange(a, la, batch + fa + contract, size), [n(batch), n(fa), n(contract)]);
  const B = reshape(arrange(b, lb, batch + contract + fb, size), [n(batch), n(contract), n(fb)]);
  const r = reshape(matmul(A, B), [...[...(batch + fa + fb)].map((c) => size.get(c)!)]);
  return arrange(r, batch + fa + fb, out, size);
}

/**
 * numpy.einsum: explicit or implicit subscripts, "..." (broadcast as NumPy does), repeated labels
 * in an operand (its diagonal), any number of operands (contracted left to right, each step as
 * one batched matrix product keeping the labels later operands or the output need).
 */
export function einsum(spec: string, ...operands: ArrayLike[]): NDArray {
  // (in the operands' joined float dtype: float64 stays float64; ints and bool compute in float32)
  const as = operands.map((o) => asArray(o, "einsum"));
  const dt = toInexact(as.reduce((d: DType | null, x) => (d === null ? x.dtype : promoteTypes(d, x.dtype)), null) ?? "float32");
  const xs = as.map((x) => astype(x, dt));
  const parsed = parseEinsum(spec, xs.length);
  const { ins: ins0, out } = expandEllipsis(spec, parsed.ins, parsed.out, xs);
  const ins: string[] = [];
  const ys = xs.map((x, i) => {
    const [y, t] = diagonals(spec, x, ins0[i], i);
    ins.push(t);
    return y;
  });
  const size = sizes(spec, ins, ys);
  if (ys.length === 1) return one(ys[0], ins[0], out, size);
  let acc = ys[0], la = ins[0];
  for (let j = 1; j < ys.length; j++) {
    const later = ins.slice(j + 1).join("") + out;
    const keep = j === ys.length - 1 ? out : [...new Set([...la, ...ins[j]])].filter((c) => later.includes(c)).join("");
    acc = two(acc, la, ys[j], ins[j], keep, size);
    la = keep;
  }
  return acc;
}
