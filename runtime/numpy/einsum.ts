// numpy.einsum for explicit or implicit subscripts without ellipses or repeated labels in one
// operand. One or two operands (the common contractions) run as a matrix product: each operand's
// axes put in the order batch · free · contracted, then one batched matmul, then the output's
// order. Its derivative is einsum again (transformer/prims/einsum.ts): an operand's cotangent is
// the einsum of the output's cotangent with the other operands into that operand's labels.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape, sizeOf } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { matmul } from "./linalg.js";
import { reshape, transpose, broadcastTo } from "./shape.js";
import { sum } from "./reduce.js";

/** The parsed subscripts: each operand's labels and the output's. */
export function parseEinsum(spec: string, n: number): { ins: string[]; out: string } {
  const s = spec.replace(/\s+/g, "");
  if (s.includes(".")) throw new TypeError(`einsum: ellipses ("...") are not supported yet, in "${spec}"`);
  const [lhs, rhs] = s.split("->");
  const ins = lhs.split(",");
  if (ins.length !== n) throw new TypeError(`einsum: "${spec}" names ${ins.length} operand(s), but ${n} were given`);
  for (const t of ins) {
    if (!/^[a-zA-Z]*$/.test(t)) throw new TypeError(`einsum: subscripts must be letters, got "${t}" in "${spec}"`);
    if (new Set(t).size !== t.length) throw new TypeError(`einsum: a label repeated within one operand ("${t}": a diagonal) is not supported yet`);
  }
  let out: string;
  if (rhs === undefined) {
    // implicit mode: the labels that appear once, in alphabetical order
    const count = new Map<string, number>();
    for (const c of ins.join("")) count.set(c, (count.get(c) ?? 0) + 1);
    out = [...count].filter(([, k]) => k === 1).map(([c]) => c).sort().join("");
  } else out = rhs;
  for (const c of out) if (!ins.some((t) => t.includes(c))) throw new TypeError(`einsum: output label '${c}' is not in any operand of "${spec}"`);
  if (new Set(out).size !== out.length) throw new TypeError(`einsum: output label repeated in "${spec}"`);
  return { ins, out };
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

export function einsum(spec: string, ...operands: ArrayLike[]): NDArray {
  const xs = operands.map((o) => astype(asArray(o, "einsum"), "float32"));
  const { ins, out } = parseEinsum(spec, xs.length);
  const size = sizes(spec, ins, xs);
  if (xs.length === 1) {
    // a sum over the labels not in the output, then the output's order
    const t = ins[0];
    const summed = [...t].map((c, d) => (out.includes(c) ? -1 : d)).filter((d) => d >= 0);
    const r = summed.length ? sum(xs[0], summed) : xs[0];
    const left = [...t].filter((c) => out.includes(c)).join("");
    return arrange(r, left, out, size);
  }
  if (xs.length !== 2) throw new TypeError(`einsum: ${xs.length} operands are not supported yet (one or two)`);
  const [ta, tb] = ins;
  // labels only in one operand and not in the output are summed there first
  const pre = (x: NDArray, t: string, other: string): [NDArray, string] => {
    const drop = [...t].map((c, d) => (!out.includes(c) && !other.includes(c) ? d : -1)).filter((d) => d >= 0);
    return drop.length ? [sum(x, drop), [...t].filter((_, d) => !drop.includes(d)).join("")] : [x, t];
  };
  const [a, la] = pre(xs[0], ta, tb);
  const [b, lb] = pre(xs[1], tb, ta);
  const batch = [...la].filter((c) => lb.includes(c) && out.includes(c)).join("");
  const contract = [...la].filter((c) => lb.includes(c) && !out.includes(c)).join("");
  const fa = [...la].filter((c) => !lb.includes(c)).join("");
  const fb = [...lb].filter((c) => !la.includes(c)).join("");
  const n = (ls: string) => sizeOf([...ls].map((c) => size.get(c)!));
  const A = reshape(arrange(a, la, batch + fa + contract, size), [n(batch), n(fa), n(contract)]);
  const B = reshape(arrange(b, lb, batch + contract + fb, size), [n(batch), n(contract), n(fb)]);
  const y = reshape(matmul(A, B), [...[...(batch + fa + fb)].map((c) => size.get(c)!)]);
  return arrange(y, batch + fa + fb, out, size);
}
