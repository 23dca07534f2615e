// The primitives vmap's batching rules emit where a rule depends on a rank the IR does not know
// (runtime/batching.ts implements them; the batch axis is axis 0, `k` counts leading batch axes).
// Each is differentiable and batches again, so vmap composes with grad, jvp and itself.

import type { Value } from "../ir.js";
import { lit, num } from "../ir.js";
import type { JvpRule, Ops, PrimDef } from "./def.js";
import { addAll, linear0 } from "./def.js";

type Meta = { f: number[][]; api: string; o?: number[] };
const metaOf = (v: Value): Meta => (v.tag === "const" ? (v.value as Meta) : { f: [[0], [0], [0]], api: "matmul" });
/** The same meta with the operands' flags permuted: vMatmulGradA(g, a, b) differentiates into products of (g, b)... */
const pick = (m: Meta, idx: number[]): Value => lit({ f: idx.map((i) => m.f[i]), api: m.api });
/** The meta of a cotangent rule whose result keeps the levels `o` (an operand's own: the batch summed elsewhere). */
const withOut = (m: Meta, o: number[]): Value => lit({ f: m.f, api: m.api, o });
/** The flags of a product of operands with flags fa, fb (mapped where either is). */
const or = (fa: number[], fb: number[]) => fa.map((f, l) => f | fb[l]);

const takeMeta = (v: Value): { kx: number; ki: number; sum?: boolean } => (v.tag === "const" && v.value ? (v.value as { kx: number; ki: number }) : { kx: 0, ki: 1 });

const bilinear =
  (name: string, i: number, j: number): JvpRule =>
  (o, t, y, args) => {
    const with_ = (k: number) => (t[k] ? o[name](...args.map((a, m) => (m === k ? t[k]! : a))) : null);
    return addAll(o, [with_(i), with_(j)]);
  };

/** vMatmul(a, b): flags [fa, fb]. Its result's flags are fa|fb. */
const mmVjp = (o: Ops, g: Value, a: Value, b: Value, m: Meta): [Value, Value] => {
  const [fa, fb] = m.f;
  const fg = or(fa, fb);
  const mm: Meta = { f: [fg, fa, fb], api: m.api };
  return [o.vMatmulGradA(g, a, b, withOut(mm, fa)), o.vMatmulGradB(g, a, b, withOut(mm, fb))];
};

export const VMAP: Readonly<Record<string, PrimDef>> = {
  // the batch size, checked across the mapped arguments (an error names them and their sizes)
  vmapSize: { ty: "num", arity: { min: 1 }, nondiff: true, effect: true, kernel: "opaque" },
  // a mapped argument's in-axis moved to the front; the batch axis moved to the out-axis
  vIn: { ty: "arr", arity: 3, kernel: "movement", vjp: (o, g, y, [x, ax, k]) => [o.vOut(g, ax, k), null, null], jvp: linear0("vIn") },
  vOut: { ty: "arr", arity: 3, kernel: "movement", vjp: (o, g, y, [x, ax, k]) => [o.vIn(g, ax, k), null, null], jvp: linear0("vOut") },
  // an unbatched value given the batch axis (size from vmapSize); its adjoint sums it away
  vBcast: { ty: "arr", arity: 2, kernel: "movement", vjp: (o, g, y, [x]) => [o.unbroadcast(o.sum(g, num(0), lit(undefined)), x), null], jvp: linear0("vBcast") },
  // size-1 axes after the batch axes so that examples broadcast with examples
  vAlign: { ty: { like: 0 }, arity: { min: 2 }, kernel: "movement", vjp: (o, g, y, [x, ...rest]) => [o.reshapeLike(g, x), ...rest.map(() => null)], jvp: (o, [t], y, [, ...rest]) => (t ? o.vAlign(t, ...rest) : null) },
  // one example's axes as the batched value's (reduce / squeeze / transpose)
  vAxes: { ty: "other", arity: 3, nondiff: true, kernel: "opaque" },
  vReshape: { ty: "arr", arity: 3, kernel: "movement", vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null, null], jvp: linear0("vReshape") },
  vReshapeLike: { ty: "arr", arity: 4, kernel: "movement", vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null, null, null], jvp: linear0("vReshapeLike") },
  vBroadcastTo: {
    ty: "arr",
    arity: 3,
    kernel: "movement",
    // summed back per example: x aligned to the result, unbroadcast, reshaped to x
    vjp: (o, g, y, [x, , k]) => [o.reshapeLike(o.unbroadcast(g, o.vAlign(x, lit({ k: (k as { value: number }).value, o: [(k as { value: number }).value] }), g)), x), null, null],
    jvp: linear0("vBroadcastTo"),
  },
  vMatmul: {
    ty: "arr",
    arity: 3,
    kernel: "opaque",
    vjp: (o, g, y, [a, b, m]) => [...mmVjp(o, g, a, b, metaOf(m)), null],
    jvp: bilinear("vMatmul", 0, 1),
  },
  // flags [fg, fa, fb]: the same rules as matmulGradA/B, each product with its operands' flags
  vMatmulGradA: {
    ty: "arr",
    arity: 4,
    kernel: "opaque",
    vjp: (o, ga, y, [g, a, b, m]) => {
      const mm = metaOf(m);
      return [o.vMatmul(ga, b, pick(mm, [1, 2])), null, o.vMatmulGradB(g, ga, b, withOut(mm, mm.f[2])), null];
    },
    jvp: bilinear("vMatmulGradA", 0, 2),
  },
  vMatmulGradB: {
    ty: "arr",
    arity: 4,
    kernel: "opaque",
    vjp: (o, gb, y, [g, a, b, m]) => {
      const mm = metaOf(m);
      return [o.vMatmul(a, gb, pick(mm, [1, 2])), o.vMatmulGradA(g, a, gb, withOut(mm, mm.f[1])), null, null];
    },
    jvp: bilinear("vMatmulGradB", 0, 1),
  },
  // a gather whose indices differ per example (meta { kx, ki }: which operands are batched), and
  // its adjoint, a scatter-add per example (summed over examples for a shared x)
  vTake: {
    ty: "arr",
    arity: 4,
    kernel: "opaque",
    vjp: (o, g, y, [x, idx, ax, m]) => {
      const mm = takeMeta(m);
      return [o.vTakeTranspose(g, x, idx, ax, lit({ ...mm, sum: !mm.kx })), null, null, null];
    },
    jvp: linear0("vTake"),
  },
  vTakeTranspose: {
    ty: "arr",
    arity: 5,
    kernel: "opaque",
    vjp: (o, gx, y, [, , idx, ax, m]) => {
      const mm = takeMeta(m);
      return [o.vTake(gx, idx, ax, lit({ kx: mm.sum ? 0 : mm.kx, ki: mm.ki })), null, null, null, null];
    },
    jvp: linear0("vTakeTranspose"),
  },
  // a tape kept per example (a loop or branch some examples run and others do not): the masked
  // push and the pop of each example's own entry (vmap of a gradient; vmap is then the last transform)
  vTapePush: { ty: "other", arity: { min: 4 }, nondiff: true, effect: true, fresh: true, kernel: "opaque" },
  vTapePop: { ty: "arr", arity: 4, effect: true, fresh: true, kernel: "opaque", noVjp: "a gradient of vmap of a gradient through a loop that differs per example", noJvp: "a derivative of vmap of a gradient through a loop that differs per example" },
  // a batched loop's condition: whether any example still runs
  vAny: { ty: "other", arity: 1, nondiff: true, kernel: "opaque" },
};
