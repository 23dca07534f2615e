// jnp.fft.* onto the primitives of prims/fft.ts. A ComplexPair argument is an object tree
// { imag, real } of two leaves, packed into one Array (cpack) for the transform; a ComplexPair
// result is the packed result taken apart again. Axes must be written literally (the specs are
// build-time constants, as vmap's rules shift them); the defaults are numpy's.

import type { Tree, Value } from "../ir.js";
import { leaf, lit, num } from "../ir.js";
import type { LoweringCtx } from "../lower.js";
import type { CallLowering } from "./lowering.js";

type Axes = readonly number[] | null;

/** The real and imaginary parts of ComplexPair argument i. */
function pairOf(x: LoweringCtx, i: number, fn: string): [Value, Value] {
  const t = x.tree(i);
  if (t?.kind === "obj") {
    const r = t.keys.indexOf("real"), m = t.keys.indexOf("imag");
    const kid = (j: number) => (j >= 0 && t.kids[j].kind === "leaf" ? (t.kids[j] as { v: Value }).v : undefined);
    const re = kid(r), im = kid(m);
    if (re && im) return [re, im];
  }
  // (a constant pair the function captures: its fields read at run time)
  if (t?.kind === "leaf" && t.v.ty === "other" && t.v.tag !== "const") return [x.prim("prop", [t.v, lit("real")], "arr"), x.prim("prop", [t.v, lit("imag")], "arr")];
  return x.fail(`jnp.fft.${fn}: argument a must be a ComplexPair { real, imag } of two Arrays`);
}
const packed = (x: LoweringCtx, fn: string): Value => {
  const [re, im] = pairOf(x, 0, fn);
  return x.prim("cpack", [re, im, lit(fn)], "arr");
};
/** A packed result as a ComplexPair tree (keys sorted, as object literals and parameters have them). */
const complexOut = (x: LoweringCtx, p: Value): Tree<Value> => ({
  kind: "obj",
  keys: ["imag", "real"],
  kids: [leaf(x.prim("stackPart", [p, num(-1), num(1)], "arr")), leaf(x.prim("stackPart", [p, num(-1), num(0)], "arr"))],
});

/** Argument i as one axis written literally (default `dflt`). */
function axisArg(x: LoweringCtx, i: number, fn: string, dflt: number): number {
  const v = x.leaf(i);
  if (i >= x.nargs || (v.tag === "const" && v.value === undefined)) return dflt;
  if (v.tag !== "const" || typeof v.value !== "number") return x.fail(`jnp.fft.${fn}: axis must be a number written literally (known at build time)`);
  return v.value;
}
/** Argument i as axes written literally: a list, null (every axis), or one number when `single`. */
function axesArg(x: LoweringCtx, i: number, fn: string, dflt: Axes, single = false): Axes {
  const t = x.tree(i);
  const v = t?.kind === "leaf" ? t.v : undefined;
  if (i >= x.nargs || !t || (v && v.tag === "const" && v.value === undefined)) return dflt;
  if (v && v.tag === "const" && v.value === null) return null;
  if (single && v && v.tag === "const" && typeof v.value === "number") return [v.value];
  if (v && v.tag === "const" && Array.isArray(v.value) && v.value.every((a) => typeof a === "number")) return checkAxes(x, fn, v.value as number[]);
  if (t.kind === "tup") {
    const axes = t.kids.map((k) => (k.kind === "leaf" && k.v.tag === "const" && typeof k.v.value === "number" ? k.v.value : undefined));
    if (axes.every((a) => a !== undefined)) return checkAxes(x, fn, axes as number[]);
  }
  return x.fail(`jnp.fft.${fn}: axes must be ${single ? "a number, " : ""}a list of numbers or null written literally (known at build time)`);
}
function checkAxes(x: LoweringCtx, fn: string, axes: number[]): number[] {
  if (new Set(axes).size !== axes.length) x.fail(`jnp.fft.${fn}: repeated axis in axes [${axes.join(", ")}]`);
  return axes;
}

/** fft / ifft (one axis), fftn / ifftn (axes, null: all), fft2 / ifft2 (axes, the last two). */
const complexFft =
  (fn: string, inverse: boolean, kind: "one" | "n" | "2"): CallLowering =>
  (x) => {
    const axes = kind === "one" ? [axisArg(x, 1, fn, -1)] : axesArg(x, 1, fn, kind === "n" ? null : [-2, -1]);
    return complexOut(x, x.prim("dft", [packed(x, fn), lit({ fn, axes, inverse, scaled: inverse })], "arr"));
  };

/** rfftn / rfft2: rdft along the last of the axes, then dft along the others. */
const realFftN =
  (fn: string, dflt: Axes): CallLowering =>
  (x) => {
    const axes = axesArg(x, 1, fn, dflt);
    const a = x.leaf(0);
    if (axes && axes.length === 0) return { kind: "obj", keys: ["imag", "real"], kids: [leaf(x.prim("zerosLike", [a], "arr")), leaf(a)] };
    const q = x.prim("rdft", [a, lit({ fn, axis: axes ? axes[axes.length - 1] : -1 })], "arr");
    if (axes && axes.length === 1) return complexOut(x, q);
    return complexOut(x, x.prim("dft", [q, lit(axes ? { fn, axes: axes.slice(0, -1) } : { fn, axes: null, trail: 1 })], "arr"));
  };

/** irfftn / irfft2: dft back along all but the last of the axes, then irdft along it. */
const irealFftN =
  (fn: string, dflt: Axes): CallLowering =>
  (x) => {
    const axes = axesArg(x, 1, fn, dflt);
    let p = packed(x, fn);
    if (axes && axes.length === 0) return leaf(x.prim("stackPart", [p, num(-1), num(0)], "arr"));
    if (!axes || axes.length > 1) p = x.prim("dft", [p, lit(axes ? { fn, axes: axes.slice(0, -1), inverse: true, scaled: true } : { fn, axes: null, trail: 1, inverse: true, scaled: true })], "arr");
    return leaf(x.prim("irdft", [p, lit(null), lit({ fn, axis: axes ? axes[axes.length - 1] : -1, scaled: true, doubled: true })], "arr"));
  };

const shift =
  (fn: string, inverse: boolean): CallLowering =>
  (x) =>
    leaf(x.prim("fftRoll", [x.leaf(0), lit({ fn, axes: axesArg(x, 1, fn, null, true), inverse })], "arr"));

export const FFT_LOWERING: Readonly<Record<string, CallLowering>> = {
  fft: complexFft("fft", false, "one"),
  ifft: complexFft("ifft", true, "one"),
  fftn: complexFft("fftn", false, "n"),
  ifftn: complexFft("ifftn", true, "n"),
  fft2: complexFft("fft2", false, "2"),
  ifft2: complexFft("ifft2", true, "2"),
  rfft: (x) => complexOut(x, x.prim("rdft", [x.leaf(0), lit({ fn: "rfft", axis: axisArg(x, 1, "rfft", -1) })], "arr")),
  irfft: (x) => leaf(x.prim("irdft", [packed(x, "irfft"), lit(null), lit({ fn: "irfft", axis: axisArg(x, 1, "irfft", -1), scaled: true, doubled: true })], "arr")),
  rfftn: realFftN("rfftn", null),
  rfft2: realFftN("rfft2", [-2, -1]),
  irfftn: irealFftN("irfftn", null),
  irfft2: irealFftN("irfft2", [-2, -1]),
  // hfft(a) = n·irfft(conj a); ihfft(x) = conj(rfft x) / n
  hfft: (x) => leaf(x.prim("irdft", [packed(x, "hfft"), lit(null), lit({ fn: "hfft", axis: axisArg(x, 1, "hfft", -1), doubled: true, conj: true })], "arr")),
  ihfft: (x) => complexOut(x, x.prim("rdft", [x.leaf(0), lit({ fn: "ihfft", axis: axisArg(x, 1, "ihfft", -1), scaled: true, conj: true })], "arr")),
  fftfreq: (x) => leaf(x.prim("fftfreq", [x.leaf(0), x.leaf(1)], "arr")),
  rfftfreq: (x) => leaf(x.prim("rfftfreq", [x.leaf(0), x.leaf(1)], "arr")),
  fftshift: shift("fftshift", false),
  ifftshift: shift("ifftshift", true),
};
