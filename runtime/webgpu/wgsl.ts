// The WGSL renderer: the jit's fused programs (transformer/jit/fuse.ts, the very objects the
// WebAssembly renderer runtime/jit/fused-kernel.ts takes) as WebGPU compute shaders, plus the
// whole-array reductions a program may end in and the tiled matrix product a program may start
// with. One rule per op in a table (WGSL_OPS), as the CPU side keeps one per op in elementwise.ts.
// Kernels are specialised to their shapes (sizes, strides and dispatch geometry are constants
// in the source): run.ts caches one pipeline per program and shape signature.
//
// Values are float32 (and bool, from comparisons and logical ops: WGSL's bool inside a kernel,
// a u32 0/1 per element in a buffer). Integer dtypes are not rendered (the CPU kernels do not
// take them either: their chains run the eager functions). WGSL lets an implementation assume
// there are no NaNs or infinities (its finite-math rule), so results for such inputs are
// whatever the driver gives; precision per op is in DESIGN.md ("WebGPU").

import type { Program } from "../jit/fused-kernel.js";

/** The kind of a value inside a kernel. */
export type Kind = "f32" | "bool";

/**
 * How an input is read at output element i: "v" a full Array of the output's shape (element i),
 * "u" a JS number (a weak scalar, from the call's uniform scalars), or an Array broadcast to the
 * output: its element strides per output dimension (0 where it is repeated).
 */
export type InputMap = "v" | "u" | readonly number[];

export interface Input {
  readonly kind: Kind;
  readonly map: InputMap;
}

/** A kernel's shape signature: its inputs and its output's shape. */
export interface Signature {
  readonly inputs: readonly Input[];
  readonly shape: readonly number[];
}

/** How JAX promotes an op's operands: kept ("same"), or float32 whatever they are ("inexact"). */
type Promote = "same" | "inexact" | "compare" | "logical" | "where";

interface WgslOp {
  readonly arity: number;
  readonly promote: Promote;
  /** The float32 expression (compare: its bool result; logical: bool in, bool out). */
  readonly f: (...a: string[]) => string;
  /** The all-bool form, where JAX has one (add is or, multiply is and). */
  readonly b?: (...a: string[]) => string;
}

const op = (arity: number, promote: Promote, f: (...a: string[]) => string, b?: (...a: string[]) => string): WgslOp => ({ arity, promote, f, b });

/**
 * The renderer table: every op a fused program holds (fuse.ts FUSABLE, by their runtime names),
 * plus the comparisons, logical ops and where of elementwise.ts. Helpers (`tj_*`) are in PRELUDE.
 */
export const WGSL_OPS: Readonly<Record<string, WgslOp>> = {
  add: op(2, "same", (a, b) => `${a} + ${b}`, (a, b) => `${a} || ${b}`),
  subtract: op(2, "same", (a, b) => `${a} - ${b}`),
  multiply: op(2, "same", (a, b) => `${a} * ${b}`, (a, b) => `${a} && ${b}`),
  divide: op(2, "inexact", (a, b) => `${a} / ${b}`),
  power: op(2, "same", (a, b) => `tj_pow(${a}, ${b})`),
  fmod: op(2, "same", (a, b) => `tj_fmod(${a}, ${b})`),
  maximum: op(2, "same", (a, b) => `max(${a}, ${b})`, (a, b) => `${a} || ${b}`),
  minimum: op(2, "same", (a, b) => `min(${a}, ${b})`, (a, b) => `${a} && ${b}`),
  arctan2: op(2, "inexact", (a, b) => `tj_atan2(${a}, ${b})`),
  hypot: op(2, "inexact", (a, b) => `tj_hypot(${a}, ${b})`),
  fma: op(3, "inexact", (a, b, c) => `tj_fma(${a}, ${b}, ${c})`),
  negative: op(1, "same", (a) => `-(${a})`),
  square: op(1, "same", (a) => `${a} * ${a}`),
  reciprocal: op(1, "inexact", (a) => `1.0 / ${a}`),
  exp: op(1, "inexact", (a) => `tj_exp(${a})`),
  log: op(1, "inexact", (a) => `tj_log(${a})`),
  log1p: op(1, "inexact", (a) => `tj_log1p(${a})`),
  expm1: op(1, "inexact", (a) => `tj_expm1(${a})`),
  tanh: op(1, "inexact", (a) => `tj_tanh(${a})`),
  sin: op(1, "inexact", (a) => `tj_sincos(${a}, false)`),
  cos: op(1, "inexact", (a) => `tj_sincos(${a}, true)`),
  tan: op(1, "inexact", (a) => `tj_tan(${a})`),
  arcsin: op(1, "inexact", (a) => `tj_asin(${a})`),
  arccos: op(1, "inexact", (a) => `tj_acos(${a})`),
  arctan: op(1, "inexact", (a) => `tj_atan(${a})`),
  sinh: op(1, "inexact", (a) => `tj_sinh(${a})`),
  cosh: op(1, "inexact", (a) => `tj_cosh(${a})`),
  sqrt: op(1, "inexact", (a) => `sqrt(${a})`),
  abs: op(1, "same", (a) => `abs(${a})`, (a) => a),
  sign: op(1, "same", (a) => `sign(${a})`),
  floor: op(1, "same", (a) => `floor(${a})`),
  ceil: op(1, "same", (a) => `ceil(${a})`),
  trunc: op(1, "same", (a) => `trunc(${a})`),
  // AD's balanced_eq for maximum/minimum: 1 where x is the result z, ½ where y is too
  balancedEq: op(3, "inexact", (x, z, y) => `select(0.0, select(1.0, 0.5, ${y} == ${z}), ${x} == ${z})`),
  equal: op(2, "compare", (a, b) => `${a} == ${b}`),
  notEqual: op(2, "compare", (a, b) => `${a} != ${b}`),
  less: op(2, "compare", (a, b) => `${a} < ${b}`),
  lessEqual: op(2, "compare", (a, b) => `${a} <= ${b}`),
  greater: op(2, "compare", (a, b) => `${a} > ${b}`),
  greaterEqual: op(2, "compare", (a, b) => `${a} >= ${b}`),
  logicalAnd: op(2, "logical", (a, b) => `${a} && ${b}`),
  logicalOr: op(2, "logical", (a, b) => `${a} || ${b}`),
  logicalNot: op(1, "logical", (a) => `!(${a})`),
  where: op(3, "where", (c, a, b) => `select(${b}, ${a}, ${c})`),
};

/** The binding of the one-element zero buffer every kernel but the matrix product reads (tj_hide). */
export const ZERO_BINDING = 100;

/**
 * Error-free transformations. Shader compilers may rewrite float arithmetic as if it were exact
 * (Mesa folds (a + b) − a to b, which zeroes two-sum's error term): `tj_hide` ORs in a zero
 * read from a buffer, a value no compiler can see through. Knuth's two-sum, an exact product by
 * Dekker's method on halves split by masking the mantissa (12 + 12 bits, products exact).
 */
const EFT = `
@group(0) @binding(${ZERO_BINDING}) var<storage, read> tj_zero: array<u32>;
fn tj_hide(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) | tj_zero[0]); }
fn tj_two_sum(a: f32, b: f32) -> vec2f {
  let s = tj_hide(a + b);
  let bb = tj_hide(s - a);
  return vec2f(s, (a - tj_hide(s - bb)) + (b - bb));
}
fn tj_split(a: f32) -> vec2f {
  let hi = bitcast<f32>(bitcast<u32>(a) & 0xfffff000u);
  return vec2f(hi, a - hi);
}
fn tj_two_prod(a: f32, b: f32) -> vec2f {
  let p = a * b;
  let sa = tj_split(a);
  let sb = tj_split(b);
  return vec2f(p, ((sa.x * sb.x - p) + sa.x * sb.y + sa.y * sb.x) + sa.y * sb.y);
}
// double-float32 sum (hi + lo pairs)
fn tj_dadd(a: vec2f, b: vec2f) -> vec2f {
  let s = tj_two_sum(a.x, b.x);
  let t = tj_two_sum(a.y, b.y);
  let u = tj_two_sum(s.x, s.y + t.x);
  return tj_two_sum(u.x, u.y + t.y);
}
`;
/** The statement that makes every kernel bind tj_zero (WebGPU's automatic layouts keep only bindings used). */
const USE_ZERO = `  _ = tj_zero[0];`;

/**
 * WGSL's own transcendental builtins carry only loose accuracy bounds (exp 3 + 2|x| ulp, log and
 * sin/cos absolute errors, fma possibly unfused: asin was 3800 ulp off on lavapipe), so kernels
 * use these float32 functions instead: Cephes' single-precision polynomials (exp, sin, cos as the
 * CPU's fastMath lanes, runtime/jit/vmath32.ts; tanh, log, tan, asin, atan, sinh), an fma from
 * an exact product and an exact sum (EFT), C's pow (integer exponents by squaring in
 * double-float32, others as exp of y·log x in double-float32), an exact fmod for quotients below
 * 2^24, log1p by logf's own polynomial near 0, expm1 by Kahan's correction, a hypot that neither
 * overflows nor underflows. Only + − × ÷ √ and comparisons are the GPU's own (÷ and √ measured
 * exact on lavapipe). Measured bounds: DESIGN.md "WebGPU".
 */
const PRELUDE = `${EFT}
// non-finite values as run-time bit patterns (a constant expression may not be NaN or infinite)
var<private> tj_bits: vec3u = vec3u(0x7fc00000u, 0x7f800000u, 0xff800000u);
fn tj_fma(a: f32, b: f32, c: f32) -> f32 {
  let p = tj_two_prod(a, b);
  let s = tj_two_sum(p.x, c);
  return s.x + (s.y + p.y);
}
fn tj_exp(x: f32) -> f32 {
  if (x > 88.72283172607422) { return bitcast<f32>(tj_bits.y); }
  if (x < -103.972084) { return 0.0; }
  let n = floor(x * 1.44269504088896341 + 0.5);
  let r = (x - n * 0.693359375) - n * -2.12194440e-4;
  let p = (((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r + 1.6666665459e-1) * r + 5.0000001201e-1) * (r * r) + r + 1.0;
  return ldexp(p, i32(n));
}
// log(1 + x) for x in [√½ − 1, √2 − 1], plus e·ln2 (Cephes' logf after its frexp)
fn tj_log_core(x: f32, e: f32) -> f32 {
  let z = x * x;
  var y = ((((((((7.0376836292e-2 * x - 1.1514610310e-1) * x + 1.1676998740e-1) * x - 1.2420140846e-1) * x + 1.4249322787e-1) * x - 1.6668057665e-1) * x + 2.0000714765e-1) * x - 2.4999993993e-1) * x + 3.3333331174e-1) * x * z;
  y = y + -2.12194440e-4 * e;
  y = y + -0.5 * z;
  return (x + y) + 0.693359375 * e;
}
fn tj_log(x0: f32) -> f32 {
  if (!(x0 > 0.0)) { return select(bitcast<f32>(tj_bits.x), bitcast<f32>(tj_bits.z), x0 == 0.0); }
  if (x0 > 3.40282346e38) { return x0; }
  let fr = frexp(x0);
  var x = fr.fract;
  var e = f32(fr.exp);
  if (x < 0.707106781186547524) { e = e - 1.0; x = x + x - 1.0; } else { x = x - 1.0; }
  return tj_log_core(x, e);
}
// a double-float32 product (hi·hi exact by two_prod, the cross terms rounded)
fn tj_dmul(a: vec2f, b: vec2f) -> vec2f {
  let p = tj_two_prod(a.x, b.x);
  return tj_two_sum(p.x, p.y + (a.x * b.y + a.y * b.x));
}
// a^n for an integer n (|n| < 2^24) by squaring in double-float32, rounded once
fn tj_powi(a: f32, n: f32) -> f32 {
  var e = u32(abs(n));
  var base = vec2f(a, 0.0);
  var r = vec2f(1.0, 0.0);
  loop {
    if ((e & 1u) == 1u) { r = tj_dmul(r, base); }
    e = e >> 1u;
    if (e == 0u) { break; }
    base = tj_dmul(base, base);
  }
  // (overflow or underflow on the way: the float32 product's own result)
  if (!(abs(r.x) < 3.40282346e38) || abs(r.x) < 1.17549435e-38) {
    if (n < 0.0) { return 1.0 / r.x; }
    return r.x;
  }
  if (n >= 0.0) { return r.x + r.y; }
  // 1 / (hi + lo): q + q·(1 − q·hi − q·lo), with q·hi exact
  let q = 1.0 / r.x;
  let qh = tj_two_prod(q, r.x);
  return q + q * (((1.0 - qh.x) - qh.y) - q * r.y);
}
// log(x) as double-float32 for a finite x > 0: x = 2^e·m, m in [√½, √2), log m = 2·atanh(s) with
// s = (m − 1)/(m + 1) as hi + lo, the series' tail (≤ 1% of it) in float32, e·ln2 in two parts
fn tj_log_d(x: f32) -> vec2f {
  let fr = frexp(x);
  var m = fr.fract;
  var e = f32(fr.exp);
  if (m < 0.707106781186547524) { e = e - 1.0; m = m + m; }
  let f = m - 1.0;
  let den = tj_two_sum(2.0, f);
  let sh = f / den.x;
  let p = tj_two_prod(sh, den.x);
  let sl = (((f - p.x) - p.y) - sh * den.y) / den.x;
  let z = sh * sh;
  let t = z * (0.333333333 + z * (0.2 + z * (0.142857143 + z * (0.111111111 + z * 0.0909090909))));
  let l = tj_dadd(vec2f(e * 0.693359375, 0.0), vec2f(2.0 * sh, 2.0 * sl + 2.0 * sh * t));
  return tj_dadd(l, tj_two_prod(e, -2.12194440e-4));
}
// C's pow: pow(1, y) = pow(x, 0) = 1; a negative base with an integer exponent signed by its
// parity; otherwise exp(y·log x) with y·log x in double-float32 (exp of its hi, times 1 + lo)
fn tj_pow(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) { return 1.0; }
  if (trunc(b) == b && abs(b) < 16777216.0) { return tj_powi(a, b); }
  if (a < 0.0) { return bitcast<f32>(tj_bits.x); }
  if (!(a > 0.0 && a <= 3.40282346e38 && abs(b) <= 3.40282346e38)) { return tj_exp(b * tj_log(a)); }
  let l = tj_log_d(a);
  let q = tj_two_prod(b, l.x);
  let y = tj_two_sum(q.x, q.y + b * l.y);
  if (y.x > 88.72283172607422) { return bitcast<f32>(tj_bits.y); }
  if (y.x < -103.972084) { return 0.0; }
  let m = tj_exp(y.x);
  return m + m * y.y;
}
fn tj_fmod(a: f32, b: f32) -> f32 {
  var r = tj_fma(-b, trunc(a / b), a);
  if (r != 0.0 && sign(r) != sign(a)) { r = r + abs(b) * sign(a); }
  return r;
}
// (near 0 the polynomial itself: 1 + x would round, and compilers fold (1 + x) − 1 to x, so
// Goldberg's correction cannot be written)
fn tj_log1p(x: f32) -> f32 {
  if (x >= -0.2928932188134524 && x <= 0.4142135623730950) { return tj_log_core(x, 0.0); }
  return tj_log(1.0 + x);
}
fn tj_expm1(x: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  if (x > 88.72283172607422) { return bitcast<f32>(tj_bits.y); }
  let u = tj_exp(x);
  if (u == 1.0) { return x; }
  let um = u - 1.0;
  if (um == -1.0) { return -1.0; }
  return um * (x / tj_log(u));
}
fn tj_tanh(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.625) {
    let z = x * x;
    return x + x * z * ((((-5.70498872745e-3 * z + 2.06390887954e-2) * z - 5.37397155531e-2) * z + 1.33314422036e-1) * z - 3.33332819422e-1);
  }
  if (a > 9.0) { return sign(x); }
  return sign(x) * (1.0 - 2.0 / (tj_exp(2.0 * a) + 1.0));
}
fn tj_sinh(x: f32) -> f32 {
  let a = abs(x);
  if (a <= 1.0) {
    let z = x * x;
    return ((2.03721912945e-4 * z + 8.33028376239e-3) * z + 1.66667160211e-1) * z * x + x;
  }
  var s: f32;
  if (a > 80.0) { let e = tj_exp(0.5 * a); s = 0.5 * e * e; } else { let e = tj_exp(a); s = 0.5 * e - 0.5 / e; }
  return select(s, -s, x < 0.0);
}
fn tj_cosh(x: f32) -> f32 {
  let a = abs(x);
  if (a > 80.0) { let e = tj_exp(0.5 * a); return 0.5 * e * e; }
  let e = tj_exp(a);
  return 0.5 * e + 0.5 / e;
}
fn tj_sincos(x: f32, cosine: bool) -> f32 {
  // (beyond 8192 the three-part reduction is no longer exact: WGSL's own functions)
  if (abs(x) > 8192.0) { return select(sin(x), cos(x), cosine); }
  let n = round(x * 0.636619772367581343);
  let r = ((x - n * 1.5703125) - n * 4.837512969970703125e-4) - n * 7.54978995489188216e-8;
  let z = r * r;
  let s = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  let c = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z + (1.0 - 0.5 * z);
  var q = n + select(0.0, 1.0, cosine);
  q = q - 4.0 * floor(q * 0.25);
  var v = select(s, c, q == 1.0 || q == 3.0);
  if (q >= 2.0) { v = -v; }
  if (!cosine && x == 0.0) { return x; }
  return v;
}
// Cephes' tanf: x reduced by multiples of π/4 (an even count, three-part π/4), tan or −1/tan
fn tj_tan(x: f32) -> f32 {
  if (abs(x) > 8192.0) { return tan(x); }
  let a = abs(x);
  var j = floor(a * 1.27323954473516);
  j = j + (j - 2.0 * floor(j * 0.5));
  let z = ((a - j * 0.78515625) - j * 2.4187564849853515625e-4) - j * 3.77489497744594108e-8;
  let zz = z * z;
  var y = z;
  if (a > 1e-4) {
    y = (((((9.38540185543e-3 * zz + 3.11992232697e-3) * zz + 2.44301354525e-2) * zz + 5.34112807005e-2) * zz + 1.33387994085e-1) * zz + 3.33331568548e-1) * zz * z + z;
  }
  if (j - 4.0 * floor(j * 0.25) == 2.0) { y = -1.0 / y; }
  return select(y, -y, x < 0.0);
}
fn tj_asin(x: f32) -> f32 {
  let a = abs(x);
  if (a > 1.0) { return bitcast<f32>(tj_bits.x); }
  let big = a > 0.5;
  var z = a * a;
  var t = a;
  if (big) { z = 0.5 * (1.0 - a); t = sqrt(z); }
  var p = ((((4.2163199048e-2 * z + 2.4181311049e-2) * z + 4.5470025998e-2) * z + 7.4953002686e-2) * z + 1.6666752422e-1) * z * t + t;
  if (big) { p = 1.5707963267948966 - (p + p); }
  return select(p, -p, x < 0.0);
}
fn tj_acos(x: f32) -> f32 {
  if (x < -0.5) { return 3.14159265358979 - 2.0 * tj_asin(sqrt(0.5 * (1.0 + x))); }
  if (x > 0.5) { return 2.0 * tj_asin(sqrt(0.5 * (1.0 - x))); }
  return 1.5707963267948966 - tj_asin(x);
}
fn tj_atan(x0: f32) -> f32 {
  var x = abs(x0);
  var y = 0.0;
  if (x > 2.414213562373095) { y = 1.5707963267948966; x = -1.0 / x; }
  else if (x > 0.4142135623730950) { y = 0.7853981633974483; x = (x - 1.0) / (x + 1.0); }
  let z = x * x;
  y = y + (((((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1) * z * x) + x);
  return select(y, -y, x0 < 0.0);
}
fn tj_atan2(y: f32, x: f32) -> f32 {
  let neg = (bitcast<u32>(y) >> 31u) == 1u;
  if (x == 0.0) { if (y == 0.0) { return y; } return select(1.5707963267948966, -1.5707963267948966, y < 0.0); }
  if (y == 0.0) { return select(y, select(3.14159265358979, -3.14159265358979, neg), x < 0.0); }
  let z = tj_atan(y / x);
  if (x < 0.0) { return select(z + 3.14159265358979, z - 3.14159265358979, y < 0.0); }
  return z;
}
fn tj_hypot(a: f32, b: f32) -> f32 {
  let x = abs(a);
  let y = abs(b);
  let m = max(x, y);
  if (m == 0.0) { return 0.0; }
  let p = min(x, y) / m;
  return m * sqrt(1.0 + p * p);
}
`;

const f32Lit = (c: number): string => {
  const x = Math.fround(c);
  if (!Number.isFinite(x)) return `bitcast<f32>(tj_bits.${Number.isNaN(x) ? "x" : x > 0 ? "y" : "z"})`;
  return `bitcast<f32>(0x${new Uint32Array(new Float32Array([x]).buffer)[0].toString(16)}u)`;
};

const asF32 = (v: string, k: Kind | "const") => (k === "bool" ? `select(0.0, 1.0, ${v})` : v);
const asBool = (v: string, k: Kind | "const") => (k === "bool" ? v : `(${v} != 0.0)`);

/** The kinds of a program's values: the result kind per op (and a clear error for what is not rendered). */
export function kinds(p: Program, inputs: readonly Kind[]): Kind[] {
  const ks: Kind[] = inputs.slice();
  for (const [name, ...args] of p.ops) {
    const rule = WGSL_OPS[name];
    if (!rule) throw new Error(`tsjax: WebGPU: no WGSL rule for op '${name}'`);
    if (args.length !== rule.arity) throw new Error(`tsjax: WebGPU: '${name}' takes ${rule.arity} operands, the program gives ${args.length}`);
    const ak = args.map((a) => (typeof a === "object" ? "const" : ks[a]));
    ks.push(resultKind(name, rule, ak));
  }
  return ks;
}

function resultKind(name: string, rule: WgslOp, ak: readonly (Kind | "const")[]): Kind {
  switch (rule.promote) {
    case "compare":
    case "logical":
      return "bool";
    case "where":
      return ak[1] === "bool" && ak[2] === "bool" ? "bool" : "f32";
    case "inexact":
      return "f32";
    case "same": {
      if (ak.includes("f32")) return "f32";
      // only bools: JAX's bool form, or int32 (a weak number with a bool: not rendered)
      if (ak.every((k) => k === "bool") && rule.b) return "bool";
      throw new Error(`tsjax: WebGPU: '${name}' of bool operands ${ak.includes("const") ? "and a number " : ""}makes an int32 or is refused by JAX; integer kernels are not rendered`);
    }
  }
}

/** WGSL for input k at element index `i` (a u32 expression) in a kernel of output shape `shape`. */
function readInput(k: number, x: Input, shape: readonly number[]): string {
  const load = (ix: string) => (x.kind === "bool" ? `(in${k}[${ix}] != 0u)` : `in${k}[${ix}]`);
  if (x.map === "v") return load("i");
  if (x.map === "u") return `tj_sc[${k}]`;
  const strides = x.map;
  if (strides.every((s) => s === 0)) return load("0u");
  // the output's index digits, innermost first, weighted by the input's strides
  const terms: string[] = [];
  let div = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const D = shape[d];
    if (strides[d] !== 0 && D > 1) {
      const digit = div === 1 ? `i % ${D}u` : `(i / ${div}u) % ${D}u`;
      terms.push(d === 0 ? `(${div === 1 ? "i" : `i / ${div}u`}) * ${strides[d]}u` : `(${digit}) * ${strides[d]}u`);
    }
    div *= D;
  }
  return load(terms.length ? terms.join(" + ") : "0u");
}

/** The chain as a WGSL function `tj_chain(i) -> T`: the program's value at output element i. */
function chainFn(p: Program, sig: Signature): { code: string; kind: Kind } {
  const ks = kinds(p, sig.inputs.map((x) => x.kind));
  const lines: string[] = [];
  const names: string[] = [];
  sig.inputs.forEach((x, k) => {
    lines.push(`  let x${k} = ${readInput(k, x, sig.shape)};`);
    names.push(`x${k}`);
  });
  p.ops.forEach(([name, ...args], j) => {
    const rule = WGSL_OPS[name];
    const out = ks[p.in + j];
    const ak = args.map((a) => (typeof a === "object" ? "const" : ks[a]));
    const val = (a: number | { c: number }) => (typeof a === "object" ? f32Lit(a.c) : names[a]);
    let expr: string;
    if (rule.promote === "logical") expr = rule.f(...args.map((a, m) => asBool(val(a), ak[m])));
    else if (rule.promote === "where") {
      const c = asBool(val(args[0]), ak[0]);
      expr = out === "bool" ? rule.f(c, val(args[1]), val(args[2])) : rule.f(c, asF32(val(args[1]), ak[1]), asF32(val(args[2]), ak[2]));
    } else if (out === "bool" && rule.b) expr = rule.b(...args.map(val));
    else expr = rule.f(...args.map((a, m) => asF32(val(a), ak[m])));
    lines.push(`  let t${j} = ${expr};`);
    names.push(`t${j}`);
  });
  const kind = ks[ks.length - 1];
  const code = `fn tj_chain(i: u32) -> ${kind === "bool" ? "bool" : "f32"} {\n${lines.join("\n")}\n  return ${names[names.length - 1]};\n}`;
  return { code, kind };
}

/** Threads a workgroup in the elementwise and reduction kernels. */
export const WG = 256;
/** Elements one reduction workgroup sums (each thread WG apart, REDUCE_ITEMS of them). */
export const REDUCE_ITEMS = 8;
export const REDUCE_BLOCK = WG * REDUCE_ITEMS;

/** Workgroups in x and y for `groups` workgroups (x at most `maxX`). */
export function grid(groups: number, maxX: number): [number, number] {
  const x = Math.max(1, Math.min(groups, maxX));
  return [x, Math.max(1, Math.ceil(groups / x))];
}

function bindings(sig: Signature): string[] {
  const out: string[] = [];
  sig.inputs.forEach((x, k) => x.map !== "u" && out.push(`@group(0) @binding(${k}) var<storage, read> in${k}: array<${x.kind === "bool" ? "u32" : "f32"}>;`));
  if (sig.inputs.some((x) => x.map === "u")) out.push(`@group(0) @binding(${sig.inputs.length + 1}) var<storage, read> tj_sc: array<f32>;`);
  return out;
}

/**
 * The elementwise kernel: out[i] = the chain at i, for i < n; bindings in0… (0..in-1, scalars
 * excepted), out at `in`, the call's scalars at in+1. `gx` is the dispatch's x size.
 */
export function elementwiseKernel(p: Program, sig: Signature, gx: number): { code: string; kind: Kind } {
  const n = sig.shape.reduce((a, b) => a * b, 1);
  const { code: chain, kind } = chainFn(p, sig);
  const code = [
    ...bindings(sig),
    `@group(0) @binding(${p.in}) var<storage, read_write> tj_out: array<${kind === "bool" ? "u32" : "f32"}>;`,
    PRELUDE,
    chain,
    ...perElement(n, gx, "i", [USE_ZERO]),
    kind === "bool" ? `  tj_out[i] = select(0u, 1u, tj_chain(i));` : `  tj_out[i] = tj_chain(i);`,
    `}`,
  ].join("\n");
  return { code, kind };
}

/**
 * A workgroup tree of double-float32 sums (a value as an unevaluated hi + lo pair, tj_dadd), so
 * a reduction carries about 44 bits, not 24, through its tree.
 */
const DOUBLE_F32 = `
var<workgroup> tj_part: array<vec2f, ${WG}>;
fn tj_tree(t: u32, v: vec2f) -> vec2f {
  tj_part[t] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (t < s) { tj_part[t] = tj_dadd(tj_part[t], tj_part[t + s]); }
    workgroupBarrier();
  }
  return tj_part[0];
}
`;

/**
 * The first pass of a program ending in a whole-array sum/mean: each workgroup sums REDUCE_BLOCK
 * of the chain's values (never stored) by a workgroup tree, in double-float32, into partials[w].
 */
export function reduceChainKernel(p: Program, sig: Signature, gx: number): string {
  const n = sig.shape.reduce((a, b) => a * b, 1);
  const { code: chain, kind } = chainFn(p, sig);
  const value = kind === "bool" ? "select(0.0, 1.0, tj_chain(i))" : "tj_chain(i)";
  return [
    ...bindings(sig),
    `@group(0) @binding(${p.in}) var<storage, read_write> tj_out: array<vec2f>;`,
    PRELUDE,
    DOUBLE_F32,
    chain,
    ...treePass(gx, n, `vec2f(${value}, 0.0)`),
  ].join("\n");
}

/** The main function of a tree pass: each workgroup sums REDUCE_BLOCK of `count` values (`read` at index i) in double-float32. */
function treePass(gx: number, count: number, read: string): string[] {
  return [
    `@compute @workgroup_size(${WG})`,
    `fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) t: u32) {`,
    USE_ZERO,
    `  let wg = w.x + w.y * ${gx}u;`,
    `  var acc = vec2f(0.0, 0.0);`,
    `  for (var j = 0u; j < ${REDUCE_ITEMS}u; j++) {`,
    `    let i = wg * ${REDUCE_BLOCK}u + j * ${WG}u + t;`,
    `    if (i < ${count}u) { acc = tj_dadd(acc, ${read}); }`,
    `  }`,
    `  let s = tj_tree(t, acc);`,
    `  if (t == 0u) { tj_out[wg] = s; }`,
    `}`,
  ];
}

/** A further pass: m double-float32 partials summed REDUCE_BLOCK at a time into ⌈m / REDUCE_BLOCK⌉. */
export function reducePartialsKernel(m: number, gx: number): string {
  return [
    `@group(0) @binding(0) var<storage, read> tj_in: array<vec2f>;`,
    `@group(0) @binding(1) var<storage, read_write> tj_out: array<vec2f>;`,
    EFT,
    DOUBLE_F32,
    ...treePass(gx, m, "tj_in[i]"),
  ].join("\n");
}

/** The last step: the double-float32 total rounded to float32 (a mean: divided by n first, in double-float32). */
export function reduceFinishKernel(reduce: "sum" | "mean", n: number): string {
  const body =
    reduce === "sum"
      ? `  tj_out[0] = s.x + s.y;`
      : [
          // q + (s − q·n)/n, with q·n exact (two_prod) and n itself as float32 hi + lo
          `  let nf = ${f32Lit(n)};`,
          `  let nl = ${f32Lit(n - Math.fround(n))};`,
          `  let q = s.x / nf;`,
          `  let qn = tj_two_prod(q, nf);`,
          `  let r = (((s.x - qn.x) - qn.y) + s.y) - q * nl;`,
          `  tj_out[0] = q + r / nf;`,
        ].join("\n");
  return [
    `@group(0) @binding(0) var<storage, read> tj_in: array<vec2f>;`,
    `@group(0) @binding(1) var<storage, read_write> tj_out: array<f32>;`,
    EFT,
    `@compute @workgroup_size(1)`,
    `fn main() {`,
    USE_ZERO,
    `  let s = tj_in[0];`,
    body,
    `}`,
  ].join("\n");
}

/**
 * The input offset of a flat index `v` over the axes `dims` of `from` (innermost last): each
 * axis's digit of v times that axis's stride, in WGSL.
 */
function digitsIndex(from: readonly number[], strides: readonly number[], v: string, dims: readonly number[]): string {
  const terms: string[] = [];
  let div = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k];
    if (from[d] > 1) terms.push(`((${v} / ${div}u) % ${from[d]}u) * ${strides[d]}u`);
    div *= from[d];
  }
  return terms.length ? terms.join(" + ") : "0u";
}

/**
 * x (of shape `from`) summed to `to` (NumPy's unbroadcast, sumToShape: leading axes and axes where
 * `to` has 1 summed away): one thread an output element, its R inputs in order in double-float32,
 * rounded once. (A gradient's bias sum: few outputs, many terms each.) Bindings: x 0, out 1.
 */
export function sumToShapeKernel(from: readonly number[], to: readonly number[], gx: number): string {
  const lead = from.length - to.length;
  const kept = from.map((d, i) => i >= lead && to[i - lead] === d);
  const strides = from.map((_, i) => from.slice(i + 1).reduce((a, b) => a * b, 1));
  const outN = to.reduce((a, b) => a * b, 1);
  const R = from.reduce((a, b) => a * b, 1) / Math.max(1, outN);
  // input index = Σ kept digits of o · stride + Σ reduced digits of r · stride, innermost first
  const part = (v: string, dims: number[]) => digitsIndex(from, strides, v, dims);
  const keptDims = from.map((_, i) => i).filter((i) => kept[i]);
  const sumDims = from.map((_, i) => i).filter((i) => !kept[i]);
  return [
    `@group(0) @binding(0) var<storage, read> tj_x: array<f32>;`,
    `@group(0) @binding(1) var<storage, read_write> tj_out: array<f32>;`,
    EFT,
    `@compute @workgroup_size(${WG})`,
    `fn main(@builtin(global_invocation_id) g: vec3u) {`,
    USE_ZERO,
    `  let o = g.x + g.y * ${gx * WG}u;`,
    `  if (o >= ${outN}u) { return; }`,
    `  let base = ${part("o", keptDims)};`,
    `  var acc = vec2f(0.0, 0.0);`,
    `  for (var r = 0u; r < ${R}u; r++) { acc = tj_dadd(acc, vec2f(tj_x[base + ${part("r", sumDims)}], 0.0)); }`,
    `  tj_out[o] = acc.x + acc.y;`,
    `}`,
  ].join("\n");
}

/** An axis reduction's op: a double-float32 sum (a mean divides it), or a float32 max/min. */
export type AxisOp = "sum" | "mean" | "max" | "min";

/**
 * x (of shape `from`) reduced over `axes` (sorted, distinct): a workgroup an output element, its
 * 256 threads striding over the reduced elements (in order each), then a workgroup tree; sums
 * in double-float32 rounded once (a mean divided in double-float32), max/min in float32 (NaN
 * is the driver's: WGSL's max and min). Bindings: x 0, out 1. `gx`: the dispatch's x size.
 */
export function reduceAxesKernel(op: AxisOp, from: readonly number[], axes: readonly number[], gx: number): string {
  const strides = from.map((_, i) => from.slice(i + 1).reduce((a, b) => a * b, 1));
  const keptDims = from.map((_, i) => i).filter((i) => !axes.includes(i));
  const outN = keptDims.reduce((a, d) => a * from[d], 1);
  const R = axes.reduce((a, d) => a * from[d], 1);
  const part = (v: string, dims: number[]) => digitsIndex(from, strides, v, dims);
  const load = `tj_x[base + ${part("r", [...axes])}]`;
  const sum = op === "sum" || op === "mean";
  const body = sum
    ? [
        `  var acc = vec2f(0.0, 0.0);`,
        `  for (var r = t; r < ${R}u; r += ${WG}u) { acc = tj_dadd(acc, vec2f(${load}, 0.0)); }`,
        `  let s = tj_tree(t, acc);`,
        `  if (t == 0u) {`,
        op === "sum"
          ? `    tj_out[o] = s.x + s.y;`
          : [
              `    let nf = ${f32Lit(R)};`,
              `    let nl = ${f32Lit(R - Math.fround(R))};`,
              `    let q = s.x / nf;`,
              `    let qn = tj_two_prod(q, nf);`,
              `    tj_out[o] = q + ((((s.x - qn.x) - qn.y) + s.y) - q * nl) / nf;`,
            ].join("\n"),
        `  }`,
      ]
    : [
        `  var acc = tj_x[base];`,
        `  for (var r = t; r < ${R}u; r += ${WG}u) { acc = ${op}(acc, ${load}); }`,
        `  tj_ext[t] = acc;`,
        `  workgroupBarrier();`,
        `  for (var h = ${WG / 2}u; h > 0u; h = h >> 1u) {`,
        `    if (t < h) { tj_ext[t] = ${op}(tj_ext[t], tj_ext[t + h]); }`,
        `    workgroupBarrier();`,
        `  }`,
        `  if (t == 0u) { tj_out[o] = tj_ext[0]; }`,
      ];
  return [
    `@group(0) @binding(0) var<storage, read> tj_x: array<f32>;`,
    `@group(0) @binding(1) var<storage, read_write> tj_out: array<f32>;`,
    EFT,
    sum ? DOUBLE_F32 : `var<workgroup> tj_ext: array<f32, ${WG}>;`,
    `@compute @workgroup_size(${WG})`,
    `fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) t: u32) {`,
    USE_ZERO,
    `  let o = w.x + w.y * ${gx}u;`,
    // (the whole workgroup leaves together: o is the same for all its threads)
    `  if (o >= ${outN}u) { return; }`,
    `  let base = ${part("o", keptDims)};`,
    ...body,
    `}`,
  ].join("\n");
}

/** Tile sizes of the matrix product: a workgroup computes TILE×TILE of C, TK steps of k at a time. */
export const TILE = 64;
export const TK = 16;
const PER = TILE / 16;

/**
 * C (M×N) = op(A)·op(B) with workgroup shared memory: 16×16 threads, each PER×PER elements of a
 * TILE×TILE block (rows and columns 16 apart, so neighbours read neighbours), A and B staged TK
 * steps of k at a time. A is stored M×K, or K×M with transA (Aᵀ read in place, as the matmul
 * adjoints' Aᵀ·G); B K×N, or N×K with transB (G·Bᵀ). Each element sums its K products in order
 * in float32. Bindings: A 0, B 1, C 2, the sizes 3 (M, K, N; then the batch's element strides
 * of A and B, 0 for an operand shared by every product, and the first batch index): one
 * pipeline serves every shape. A batch of products runs on the dispatch's z.
 */
export function matmulKernel(transA: boolean, transB: boolean): string {
  const [M, K, N] = ["tj_M", "tj_K", "tj_N"];
  const aAt = transA ? `(k0 + kk) * ${M} + row` : `row * ${K} + k0 + kk`;
  const bAt = transB ? `col * ${K} + k0 + kk` : `(k0 + kk) * ${N} + col`;
  // (a batch's operands at per-product offsets; the clamp keeps reads inside one product's operand)
  const acc = Array.from({ length: PER * PER }, (_, q) => `  var c${q} = 0.0;`).join("\n");
  const fmas: string[] = [];
  for (let r = 0; r < PER; r++) fmas.push(`      let a${r} = tj_a[kk * ${TILE}u + ty + ${16 * r}u];`);
  for (let c = 0; c < PER; c++) fmas.push(`      let b${c} = tj_b[kk * ${TILE}u + tx + ${16 * c}u];`);
  for (let r = 0; r < PER; r++) for (let c = 0; c < PER; c++) fmas.push(`      c${r * PER + c} = c${r * PER + c} + a${r} * b${c};`);
  const stores: string[] = [];
  for (let r = 0; r < PER; r++)
    for (let c = 0; c < PER; c++)
      stores.push(`  { let row = m0 + ty + ${16 * r}u; let col = n0 + tx + ${16 * c}u; if (row < ${M} && col < ${N}) { tj_c[cOff + row * ${N} + col] = c${r * PER + c}; } }`);
  return [
    `@group(0) @binding(0) var<storage, read> tj_A: array<f32>;`,
    `@group(0) @binding(1) var<storage, read> tj_B: array<f32>;`,
    `@group(0) @binding(2) var<storage, read_write> tj_c: array<f32>;`,
    `struct TjDims { mkn: vec4u, batch: vec4u }`,
    `@group(0) @binding(3) var<uniform> tj_dims: TjDims;`,
    `var<workgroup> tj_a: array<f32, ${TK * TILE}>;`,
    `var<workgroup> tj_b: array<f32, ${TK * TILE}>;`,
    `@compute @workgroup_size(16, 16)`,
    `fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_id) l: vec3u, @builtin(local_invocation_index) t: u32) {`,
    `  let tx = l.x;`,
    `  let ty = l.y;`,
    `  let m0 = w.y * ${TILE}u;`,
    `  let n0 = w.x * ${TILE}u;`,
    `  let tj_M = tj_dims.mkn.x;`,
    `  let tj_K = tj_dims.mkn.y;`,
    `  let tj_N = tj_dims.mkn.z;`,
    `  let z = tj_dims.batch.z + w.z;`,
    `  let aOff = z * tj_dims.batch.x;`,
    `  let bOff = z * tj_dims.batch.y;`,
    `  let cOff = z * ${M} * ${N};`,
    acc,
    `  for (var k0 = 0u; k0 < ${K}; k0 += ${TK}u) {`,
    `    for (var e = 0u; e < ${(TK * TILE) / 256}u; e++) {`,
    `      let idx = t + e * 256u;`,
    `      let kk = idx / ${TILE}u;`,
    `      let mm = idx % ${TILE}u;`,
    `      { let row = m0 + mm; tj_a[idx] = select(0.0, tj_A[aOff + min(${aAt}, ${M} * ${K} - 1u)], row < ${M} && k0 + kk < ${K}); }`,
    `      { let col = n0 + mm; tj_b[idx] = select(0.0, tj_B[bOff + min(${bAt}, ${K} * ${N} - 1u)], col < ${N} && k0 + kk < ${K}); }`,
    `    }`,
    `    workgroupBarrier();`,
    `    for (var kk = 0u; kk < ${TK}u; kk++) {`,
    ...fmas,
    `    }`,
    `    workgroupBarrier();`,
    `  }`,
    ...stores,
    `}`,
  ].join("\n");
}

/**
 * The variance of x (of shape `from`) over `axes` (sorted, distinct), NumPy's var with `ddof`: a
 * workgroup an output element; a first tree sums the elements (double-float32) for the mean as
 * hi + lo, a second sums the squared deviations, each deviation and its square in
 * double-float32, then divided by max(R − ddof, 0) in double-float32, rounded once (a divisor of
 * 0: ∞, or NaN for a zero sum, as the CPU's float64 division). Bindings: x 0, out 1.
 */
export function varianceKernel(from: readonly number[], axes: readonly number[], ddof: number, gx: number): string {
  const strides = from.map((_, i) => from.slice(i + 1).reduce((a, b) => a * b, 1));
  const keptDims = from.map((_, i) => i).filter((i) => !axes.includes(i));
  const outN = keptDims.reduce((a, d) => a * from[d], 1);
  const R = axes.reduce((a, d) => a * from[d], 1);
  const div = Math.max(R - ddof, 0);
  const part = (v: string, dims: number[]) => digitsIndex(from, strides, v, dims);
  const load = `tj_x[base + ${part("r", [...axes])}]`;
  // hi + lo divided by n (a float32 constant as hi + lo): q + ((s − q·n) − q·nl)/n, q·n exact
  const quotient = (s: string, n: number, name: string) => [
    `  let ${name}q = ${s}.x / ${f32Lit(n)};`,
    `  let ${name}p = tj_two_prod(${name}q, ${f32Lit(n)});`,
    `  let ${name}r = ((((${s}.x - ${name}p.x) - ${name}p.y) + ${s}.y) - ${name}q * ${f32Lit(n - Math.fround(n))}) / ${f32Lit(n)};`,
  ];
  return [
    `@group(0) @binding(0) var<storage, read> tj_x: array<f32>;`,
    `@group(0) @binding(1) var<storage, read_write> tj_out: array<f32>;`,
    EFT,
    DOUBLE_F32,
    `@compute @workgroup_size(${WG})`,
    `fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) t: u32) {`,
    USE_ZERO,
    `  let o = w.x + w.y * ${gx}u;`,
    `  if (o >= ${outN}u) { return; }`,
    `  let base = ${part("o", keptDims)};`,
    `  var acc = vec2f(0.0, 0.0);`,
    `  for (var r = t; r < ${R}u; r += ${WG}u) { acc = tj_dadd(acc, vec2f(${load}, 0.0)); }`,
    `  let s = tj_tree(t, acc);`,
    // (every thread has read the sum before the second tree writes the shared array)
    `  workgroupBarrier();`,
    ...quotient("s", R, "m"),
    `  var sq = vec2f(0.0, 0.0);`,
    `  for (var r = t; r < ${R}u; r += ${WG}u) {`,
    `    let d0 = tj_two_sum(${load}, -mq);`,
    `    let d = tj_two_sum(d0.x, d0.y - mr);`,
    `    let p = tj_two_prod(d.x, d.x);`,
    `    sq = tj_dadd(sq, vec2f(p.x, p.y + 2.0 * d.x * d.y));`,
    `  }`,
    `  let v = tj_tree(t, sq);`,
    `  if (t == 0u) {`,
    div === 0
      ? `    tj_out[o] = bitcast<f32>(select(0x7f800000u, 0x7fc00000u, v.x == 0.0) | tj_zero[0]);`
      : [...quotient("v", div, "e").map((l) => `  ${l}`), `    tj_out[o] = eq + er;`].join("\n"),
    `  }`,
    `}`,
  ].join("\n");
}

/**
 * Running sums along an axis (NumPy's cumsum), the input seen as outer × n × inner: a thread a
 * line, its sum carried in float32 in order (the CPU's, XLA's: bit-equal); int32 and bool inputs
 * in int32. Bindings: x 0, out 1.
 */
export function cumsumKernel(outer: number, n: number, inner: number, gx: number, int = false): string {
  // (int: int32 or bool words summed as i32, wrapping as the CPU's Int32Array stores do)
  const t = int ? "i32" : "f32";
  return [
    `@group(0) @binding(0) var<storage, read> tj_x: array<${t}>;`,
    `@group(0) @binding(1) var<storage, read_write> tj_out: array<${t}>;`,
    `@compute @workgroup_size(${WG})`,
    `fn main(@builtin(global_invocation_id) g: vec3u) {`,
    `  let l = g.x + g.y * ${gx * WG}u;`,
    `  if (l >= ${outer * inner}u) { return; }`,
    `  let b = (l / ${inner}u) * ${n * inner}u + l % ${inner}u;`,
    `  var s = ${t}(0);`,
    `  for (var k = 0u; k < ${n}u; k++) { s = s + tj_x[b + k * ${inner}u]; tj_out[b + k * ${inner}u] = s; }`,
    `}`,
  ].join("\n");
}

/**
 * A kernel's entry point with a thread an element: `v` the flat index (dispatched as gx × gy
 * workgroups), threads past `n` returning; `pre` statements first.
 */
function perElement(n: number, gx: number, v: string, pre: readonly string[] = []): string[] {
  return [`@compute @workgroup_size(${WG})`, `fn main(@builtin(global_invocation_id) g: vec3u) {`, ...pre, `  let ${v} = g.x + g.y * ${gx * WG}u;`, `  if (${v} >= ${n}u) { return; }`];
}

/** Flat index `t` of an outer × mid × inner box split into o, `mid` (named `k`, optionally cast) and i. */
function outerMiddleInner(t: string, mid: number, inner: number, k: string, cast = ""): string[] {
  return [`  let i = ${t} % ${inner}u;`, `  let ${k} = ${cast}((${t} / ${inner}u) % ${mid}u);`, `  let o = ${t} / ${mid * inner}u;`];
}

/** Where a box's elements are: an element offset and a signed stride per axis of the box. */
export interface Place {
  readonly off: number;
  readonly strides: readonly number[];
}

/** out[dst] = x[src] for every element of a box of `shape` (row-major thread order), as 32-bit words. */
export function copyKernel(shape: readonly number[], src: Place, dst: Place, gx: number): string {
  const n = shape.reduce((a, b) => a * b, 1);
  const at = (p: Place) => {
    const terms = [`${p.off}`];
    let div = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (shape[d] > 1 && p.strides[d] !== 0) terms.push(`i32((i / ${div}u) % ${shape[d]}u) * ${p.strides[d]}`);
      div *= shape[d];
    }
    return `u32(${terms.join(" + ")})`;
  };
  return [
    `@group(0) @binding(0) var<storage, read> tj_x: array<u32>;`,
    `@group(0) @binding(1) var<storage, read_write> tj_out: array<u32>;`,
    ...perElement(n, gx, "i"),
    `  tj_out[${at(dst)}] = tj_x[${at(src)}];`,
    `}`,
  ].join("\n");
}

/**
 * NumPy's take along an axis, x seen as outer × n × inner and m indices (int32, negative ones
 * counted from the end): out[o, k, i] = x[o, idx[k], i], as 32-bit words; an index out of range
 * (only indices made on the GPU, which the host cannot check) gives NaN, JAX's fill mode.
 * Bindings: x 0, indices 1, out 2.
 */
export function takeKernel(outer: number, n: number, inner: number, m: number, gx: number): string {
  return [
    `@group(0) @binding(0) var<storage, read> tj_x: array<u32>;`,
    `@group(0) @binding(1) var<storage, read> tj_idx: array<i32>;`,
    `@group(0) @binding(2) var<storage, read_write> tj_out: array<u32>;`,
    ...perElement(outer * m * inner, gx, "t"),
    ...outerMiddleInner("t", m, inner, "k"),
    `  let v = tj_idx[k];`,
    `  if (v < -${n} || v >= ${n}) { tj_out[t] = 0x7fc00000u; return; }`,
    `  let j = u32(select(v, v + ${n}, v < 0));`,
    `  tj_out[t] = tj_x[(o * ${n}u + j) * ${inner}u + i];`,
    `}`,
  ].join("\n");
}

/**
 * take's adjoint: zeros of outer × n × inner with g (outer × m × inner) added at the indices: a
 * thread an output element, the g elements whose index is its own summed in order of k in
 * double-float32, rounded once. Bindings: g 0, indices 1, out 2.
 */
export function takeTransposeKernel(outer: number, n: number, inner: number, m: number, gx: number): string {
  return [
    `@group(0) @binding(0) var<storage, read> tj_g: array<f32>;`,
    `@group(0) @binding(1) var<storage, read> tj_idx: array<i32>;`,
    `@group(0) @binding(2) var<storage, read_write> tj_out: array<f32>;`,
    EFT,
    ...perElement(outer * n * inner, gx, "t", [USE_ZERO]),
    ...outerMiddleInner("t", n, inner, "j", "i32"),
    `  var acc = vec2f(0.0, 0.0);`,
    `  for (var k = 0u; k < ${m}u; k++) {`,
    `    let v = tj_idx[k];`,
    `    if (select(v, v + ${n}, v < 0) == j) { acc = tj_dadd(acc, vec2f(tj_g[(o * ${m}u + k) * ${inner}u + i], 0.0)); }`,
    `  }`,
    `  tj_out[t] = acc.x + acc.y;`,
    `}`,
  ].join("\n");
}

/**
 * argmax/argmin of x (of shape `from`) over `axes` (one axis, or all: the flat index): a workgroup
 * an output element, each thread the first best of its elements (the first NaN wins, as NumPy's;
 * NaN found by its bits, which no finite-math rewrite touches), then a workgroup tree keeping the
 * lower index on ties. int32 out. Bindings: x 0, out 1.
 */
export function argKernel(op: "argmax" | "argmin", from: readonly number[], axes: readonly number[], gx: number): string {
  const strides = from.map((_, i) => from.slice(i + 1).reduce((a, b) => a * b, 1));
  const keptDims = from.map((_, i) => i).filter((i) => !axes.includes(i));
  const outN = keptDims.reduce((a, d) => a * from[d], 1);
  const R = axes.reduce((a, d) => a * from[d], 1);
  const part = (v: string, dims: number[]) => digitsIndex(from, strides, v, dims);
  const better = op === "argmax" ? ">" : "<";
  return [
    `@group(0) @binding(0) var<storage, read> tj_x: array<f32>;`,
    `@group(0) @binding(1) var<storage, read_write> tj_out: array<i32>;`,
    // per thread: (value, index, is NaN); index 0xffffffff: no element
    `var<workgroup> tj_v: array<f32, ${WG}>;`,
    `var<workgroup> tj_i: array<u32, ${WG}>;`,
    `var<workgroup> tj_n: array<u32, ${WG}>;`,
    `fn tj_isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }`,
    // whether (va, ia, na) is preferred to (vb, ib, nb)
    `fn tj_wins(va: f32, ia: u32, na: u32, vb: f32, ib: u32, nb: u32) -> bool {`,
    `  if (ib == 0xffffffffu) { return ia != 0xffffffffu; }`,
    `  if (ia == 0xffffffffu) { return false; }`,
    `  if (na != nb) { return na == 1u; }`,
    `  if (na == 1u || va == vb) { return ia < ib; }`,
    `  return va ${better} vb;`,
    `}`,
    `@compute @workgroup_size(${WG})`,
    `fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) t: u32) {`,
    `  let o = w.x + w.y * ${gx}u;`,
    `  if (o >= ${outN}u) { return; }`,
    `  let base = ${part("o", keptDims)};`,
    `  var bv = 0.0;`,
    `  var bi = 0xffffffffu;`,
    `  var bn = 0u;`,
    `  for (var r = t; r < ${R}u; r += ${WG}u) {`,
    `    let v = tj_x[base + ${part("r", [...axes])}];`,
    `    let nan = select(0u, 1u, tj_isnan(v));`,
    `    if (tj_wins(v, r, nan, bv, bi, bn)) { bv = v; bi = r; bn = nan; }`,
    `    if (nan == 1u) { break; }`,
    `  }`,
    `  tj_v[t] = bv;`,
    `  tj_i[t] = bi;`,
    `  tj_n[t] = bn;`,
    `  workgroupBarrier();`,
    `  for (var h = ${WG / 2}u; h > 0u; h = h >> 1u) {`,
    `    if (t < h && tj_wins(tj_v[t + h], tj_i[t + h], tj_n[t + h], tj_v[t], tj_i[t], tj_n[t])) { tj_v[t] = tj_v[t + h]; tj_i[t] = tj_i[t + h]; tj_n[t] = tj_n[t + h]; }`,
    `    workgroupBarrier();`,
    `  }`,
    `  if (t == 0u) { tj_out[o] = i32(tj_i[0]); }`,
    `}`,
  ].join("\n");
}
