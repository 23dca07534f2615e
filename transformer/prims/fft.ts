// numpy.fft's primitives (runtime/fft-core.ts). A complex value is one packed Array (real and
// imaginary parts on a last axis of 2: cpack; taken apart again by stackPart), so every transform
// is a one-input one-output linear map and its VJP is its transpose as a real map:
//   dft:   the unnormalised DFT F has (real form) transpose F^H = conj(F), the DFT the other way
//          with the same scaling, so dft's adjoint is dft with `inverse` flipped;
//   rdft:  y = s·W·S·F x (x real; S keeps frequencies 0..n/2, W weights non-edge ones by 2 when
//          `doubled`, conj optional) has adjoint x̄ = s·Re(F^H Sᵀ W ḡ) — exactly irdft with the
//          same spec and x's length; irdft's adjoint is rdft likewise. The imaginary parts of the
//          edge frequencies (0 and n/2), which irfft ignores, get zero cotangents from it.
// fftRoll (fftshift) is a permutation: its adjoint is the roll back.

import type { JvpRule, Ops, PrimDef } from "./def.js";
import { linear0 } from "./def.js";
import type { Value } from "../ir.js";
import { lit, num } from "../ir.js";
import type { AvalRule } from "../avals.js";
import { likeArg } from "../avals.js";
import type { BatchCx, BatchEntry } from "./batching.js";

type Spec = { fn?: string; axes?: readonly number[] | null; axis?: number; lead?: number; trail?: number; inverse?: boolean };
const specOf = (v: Value): Spec => (v.tag === "const" && v.value && typeof v.value === "object" ? (v.value as Spec) : {});
/** The same spec the other way (dft's adjoint, fftshift's inverse). */
const flipped = (v: Value): Value => lit({ ...specOf(v), inverse: !specOf(v).inverse });

/** The real and imaginary parts of a packed complex Array. */
export const partsOf = (o: Ops, p: Value): [Value, Value] => [o.stackPart(p, num(-1), num(0)), o.stackPart(p, num(-1), num(1))];

/** rdft's result: x's shape with the axis's length unknown (n/2 + 1), then the pair axis. */
const rdftAval: AvalRule = ({ args: [x], consts: [, spec], fresh }) => {
  const s = (spec ?? {}) as Spec;
  if (typeof x.shape === "string") return { dtype: "f32", shape: fresh };
  const r = x.shape.length;
  const ax = (s.axis ?? -1) < 0 ? (s.axis ?? -1) + r : (s.axis as number);
  return { dtype: "f32", shape: [...x.shape.map((d, i) => (i === ax ? `${fresh}.m` : d)), 2] };
};
/** irdft's result: like's shape, or (no like) the frequencies' shape without the pair axis, the axis's length unknown. */
const irdftAval: AvalRule = (x) => {
  const { args: [p], consts: [, like, spec], fresh } = x;
  if (like !== null) return likeArg(1)(x);
  const s = (spec ?? {}) as Spec;
  if (typeof p.shape === "string") return { dtype: "f32", shape: fresh };
  const r = p.shape.length - 1;
  const ax = (s.axis ?? -1) < 0 ? (s.axis ?? -1) + r : (s.axis as number);
  return { dtype: "f32", shape: p.shape.slice(0, -1).map((d, i) => (i === ax ? `${fresh}.n` : d)) };
};

const cpackJvp: JvpRule = (o, [tr, ti], y, [re, im, fn]) => (tr || ti ? o.cpack(tr ?? o.zerosLike(re), ti ?? o.zerosLike(im), fn) : null);

export const FFT: Readonly<Record<string, PrimDef>> = {
  // (re, im, fn) → packed; fn names the public function in the shape check
  cpack: {
    ty: "arr",
    arity: 3,
    kernel: "opaque",
    vjp: (o, g) => [...partsOf(o, g), null],
    jvp: cpackJvp,
  },
  dft: { ty: "arr", arity: 2, kernel: "opaque", aval: likeArg(0), vjp: (o, g, y, [, spec]) => [o.dft(g, flipped(spec)), null], jvp: linear0("dft") },
  rdft: { ty: "arr", arity: 2, kernel: "opaque", aval: rdftAval, vjp: (o, g, y, [x, spec]) => [o.irdft(g, x, spec), null], jvp: linear0("rdft") },
  // irdft(p, like, spec): like (only its length on the axis is read) is null for irfft's 2(m − 1)
  irdft: { ty: "arr", arity: 3, kernel: "opaque", aval: irdftAval, vjp: (o, g, y, [, , spec]) => [o.rdft(g, spec), null, null], jvp: linear0("irdft") },
  fftRoll: { ty: "arr", arity: 2, kernel: "movement", aval: likeArg(0), vjp: (o, g, y, [, spec]) => [o.fftRoll(g, flipped(spec)), null], jvp: linear0("fftRoll") },
  // constants
  fftfreq: { ty: "arr", arity: 2, nondiff: true, kernel: "opaque", aval: ({ fresh }) => ({ dtype: "f32", shape: [`${fresh}.0`] }) },
  rfftfreq: { ty: "arr", arity: 2, nondiff: true, kernel: "opaque", aval: ({ fresh }) => ({ dtype: "f32", shape: [`${fresh}.0`] }) },
};

// ---- vmap: the batch axis in front of one example's (an axis ≥ 0 moves one further in; null
// axes, every axis of an example, start one further in) ----

const up = (a: number) => (a < 0 ? a : a + 1);
function shifted(spec: Value): Value {
  const s = specOf(spec);
  return lit({ ...s, ...(s.axes ? { axes: s.axes.map(up) } : { lead: (s.lead ?? 0) + 1 }), ...(s.axis !== undefined ? { axis: up(s.axis) } : {}) });
}
const bcast = (c: BatchCx, v: Value, b: boolean): Value => (b ? v : c.o.vBcast(v, c.size));

export const FFT_BATCH: Readonly<Record<string, BatchEntry>> = {
  cpack: { rule: (c, [re, im, fn], bd) => c.o.cpack(bcast(c, re, bd[0]), bcast(c, im, bd[1]), fn) },
  dft: { rule: (c, [p, spec]) => c.o.dft(p, shifted(spec)) },
  rdft: { rule: (c, [x, spec]) => c.o.rdft(x, shifted(spec)) },
  irdft: { rule: (c, [p, like, spec], bd) => (like.tag === "const" ? c.o.irdft(p, like, shifted(spec)) : c.o.irdft(bcast(c, p, bd[0]), bcast(c, like, bd[1]), shifted(spec))) },
  fftRoll: { rule: (c, [x, spec]) => c.o.fftRoll(x, shifted(spec)) },
  fftfreq: { none: "its length would differ per example (n or d mapped: compute it outside vmap)" },
  rfftfreq: { none: "its length would differ per example (n or d mapped: compute it outside vmap)" },
};
