// Property-based checks of control flow with fast-check. grad is compiled at build time, so the
// programs are a FIXED family written out below: branches and loops whose conditions depend on
// the data, trip counts given at run time (n), and thresholds (t, u) given at run time. fast-check
// draws the inputs; first-order gradients and Hessian-vector products are compared with finite
// differences.
//
// Finite differences are only meaningful away from a branch switch. Every data-dependent
// condition compares against a threshold parameter, and the thresholds are used nowhere else; so
// "no condition is within δ of switching" is checked exactly by moving each threshold by ±δ and
// asking for the bit-identical result (fc.pre skips the draw otherwise). The finite-difference
// stencils move the inputs far less than δ.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { grad, hessian, jacfwd, jacrev, jvp, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, toVec, type Tolerance } from "./fixtures/fd.js";
import { relax } from "./fixtures/cf-helpers.js";

const RUNS = Number(process.env.TSJAX_PROPERTY_RUNS ?? 20);

/** Uniform reals in [lo, hi], drawn from integers (fc.double clusters at edges and zero). */
const real = (lo: number, hi: number) => fc.noBias(fc.integer({ min: 0, max: 2 ** 30 })).map((k) => lo + ((hi - lo) * k) / 2 ** 30);

/** How far every threshold must be from switching a condition. */
const DELTA = 2e-2;
/** Finite-difference step (relative to max(1, |v|)): 2·H·|∂cond/∂v| stays well below DELTA. */
const H = 2e-4;

/** ∂f/∂v_i for every i, 4-point stencil. */
function fdVec(f: (v: number[]) => number, v: readonly number[], h = H): number[] {
  return v.map((vi, i) => {
    const s = h * Math.max(1, Math.abs(vi));
    const at = (d: number) => {
      const w = v.slice();
      w[i] = vi + d;
      return f(w);
    };
    return (-at(2 * s) + 8 * at(s) - 8 * at(-s) + at(-2 * s)) / (12 * s);
  });
}
/** The derivative of the vector function g along u, 4-point stencil. */
function fdDir(g: (v: number[]) => number[], v: readonly number[], u: readonly number[], h = H): number[] {
  const at = (d: number) => g(v.map((vi, i) => vi + d * u[i]));
  const [a, b, c, e] = [at(2 * h), at(h), at(-h), at(-2 * h)];
  return a.map((_, i) => (-a[i] + 8 * b[i] - 8 * c[i] + e[i]) / (12 * h));
}

/** Whether moving each threshold by ±DELTA leaves the result bit for bit (no condition near a switch). */
function farFromSwitches(f: (t: number, u: number) => number, t: number, u: number): boolean {
  const y = f(t, u);
  return [
    [t + DELTA, u],
    [t - DELTA, u],
    [t, u + DELTA],
    [t, u - DELTA],
  ].every(([a, b]) => Object.is(f(a, b), y));
}

// ---- number programs (float64): (x, y) differentiated, n a trip count, t and u thresholds -----------

/** A loop with an if/else inside. */
const Q01 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x;
  for (let i = 0; i < n; i++) {
    if (s > t) s = s * 0.7 + y * 0.5;
    else s = s * s * 0.5 + x;
  }
  return s * y;
};
/** while with a data-dependent exit and a run-time cap. */
const Q02 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = y * y;
  let k = 0;
  while (s < t + 2 && k < n + 3) {
    s = s + x * x * 0.3 + 0.2;
    k++;
  }
  return s * x + k;
};
/** Nested loops, the inner bound from the outer counter, break on a data-dependent condition. */
const Q03 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      s += Math.sin(x * (j + 1)) * y;
      if (s > t) break;
    }
    s = s * 0.9;
  }
  return s;
};
/** Early return from inside a loop. */
const Q04 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x;
  for (let i = 0; i < n; i++) {
    s = s * Math.cos(y) + x * y;
    if (s > t + 1) return s * (i + 1);
  }
  return -s * s;
};
/** do-while until close to a fixed point (or a run-time cap). */
const Q05 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x;
  let k = 0;
  do {
    s = 0.5 * s + y;
    k++;
  } while (Math.abs(s - 2 * y) > Math.abs(u) * 0.5 + 0.05 && k < n + 2);
  return s * x + k;
};
/** switch with fallthrough on a floor that moves with the loop counter. */
const Q06 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = 0;
  for (let i = 0; i < n + 1; i++) {
    switch (Math.floor(x - t + i * 0.5)) {
      case 0:
        s += x * y;
      // falls through
      case 1:
        s += Math.sin(x);
        break;
      case 2:
        s -= y * y;
        break;
      default:
        s += 0.1 * x * x;
    }
  }
  return s;
};
/** A ternary chain updating loop state. */
const Q07 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x;
  for (let i = 0; i < n; i++) s = s < t ? s + y * 0.5 : s > u + 1 ? s * 0.5 : Math.sin(s) * y + s * 0.3;
  return s;
};
/** Labelled continue and break. */
const Q08 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x;
  outer: for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) {
      if (s > t + 2) continue outer;
      if (s < u - 2) break outer;
      s = s * 1.1 + x * y * 0.1;
    }
    s = s * 0.95;
  }
  return s;
};
/** A module-level helper with a branch, the threshold passed through to it. */
const Q09 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = y;
  for (let i = 0; i < n; i++) s = relax(s, x, t) * 0.8;
  return s;
};
/** Newton iterations for √(x²+1), a run-time count, then a branch on the result. */
const Q10 = (x: number, y: number, n: number, t: number, u: number) => {
  const a = x * x + 1;
  let r = a;
  for (let i = 0; i < n + 2; i++) r = 0.5 * (r + a / r);
  return r > t + 1.5 ? r * y : r * x;
};
/** && and || yielding values inside a loop. */
const Q11 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x;
  for (let i = 0; i < n; i++) s = (s > t && s * 0.5) || s + y * 0.3;
  return s * y;
};
/** Loop-carried object state chosen by a branch. */
const Q12 = (x: number, y: number, n: number, t: number, u: number) => {
  let st = { a: x, b: y };
  for (let i = 0; i < n; i++) st = st.a > t ? { a: st.a * 0.5, b: st.b + st.a * 0.2 } : { a: st.a + st.b * 0.3, b: st.b * 0.9 };
  return st.a * st.b;
};
/** Bisection-like narrowing of a bracket that depends on x and y. */
const Q13 = (x: number, y: number, n: number, t: number, u: number) => {
  let lo = -2 - x * x;
  let hi = 2 + y * y;
  for (let i = 0; i < n; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid > t) hi = mid;
    else lo = mid;
  }
  return lo * y + hi * x;
};
/** A data-dependent trip count from an accumulation. */
const Q14 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x;
  let k = 0;
  while (s < t + 3 && k < 3 * n + 1) {
    s += Math.exp(-s * s) + y * y * 0.1 + 0.05;
    k++;
  }
  return s * y + Math.sin(s);
};
/** The derivative of a branchy function (a nested grad) inside a loop. */
const kink = (z: number, t: number) => (z > t ? (z * z * z) / 3 : -(z * z) / 2 + Math.sin(z));
const dkink = grad(kink);
const Q15 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x;
  for (let i = 0; i < n; i++) s = s + 0.1 * dkink(s * y, t);
  return s * s;
};

/** Loops inside the branches of an if. */
const Q16 = (x: number, y: number, n: number, t: number, u: number) => {
  let s = x * y;
  if (s > t) {
    for (let i = 0; i < n; i++) s = Math.sin(s) + y;
  } else {
    let k = 0;
    while (s < u + 2 && k < n) {
      s = s * 1.2 + x * 0.1;
      k++;
    }
  }
  return s;
};

type Q = (x: number, y: number, n: number, t: number, u: number) => number;
type QG = (x: number, y: number, n: number, t: number, u: number) => [number, number];
type QH = (x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => [number, number];
type QJ = (x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => number;
/** A 2×2 Hessian in (x, y). */
type QHs = (x: number, y: number, n: number, t: number, u: number) => [[number, number], [number, number]];

// gradient in (x, y) and Hessian-vector product (vx, vy) ↦ H·(vx, vy) of each program
const G01 = grad(Q01, { argnums: [0, 1] }), H01 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G01(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G02 = grad(Q02, { argnums: [0, 1] }), H02 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G02(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G03 = grad(Q03, { argnums: [0, 1] }), H03 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G03(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G04 = grad(Q04, { argnums: [0, 1] }), H04 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G04(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G05 = grad(Q05, { argnums: [0, 1] }), H05 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G05(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G06 = grad(Q06, { argnums: [0, 1] }), H06 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G06(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G07 = grad(Q07, { argnums: [0, 1] }), H07 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G07(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G08 = grad(Q08, { argnums: [0, 1] }), H08 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G08(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G09 = grad(Q09, { argnums: [0, 1] }), H09 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G09(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G10 = grad(Q10, { argnums: [0, 1] }), H10 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G10(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G11 = grad(Q11, { argnums: [0, 1] }), H11 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G11(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G12 = grad(Q12, { argnums: [0, 1] }), H12 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G12(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G13 = grad(Q13, { argnums: [0, 1] }), H13 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G13(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G14 = grad(Q14, { argnums: [0, 1] }), H14 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G14(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G15 = grad(Q15, { argnums: [0, 1] }), H15 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G15(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });
const G16 = grad(Q16, { argnums: [0, 1] }), H16 = grad((x: number, y: number, n: number, t: number, u: number, vx: number, vy: number) => { const g = G16(x, y, n, t, u); return g[0] * vx + g[1] * vy; }, { argnums: [0, 1] });

// forward mode: the directional derivative (jvp) and forward-over-reverse Hessian-vector products
const J01: QJ = (x, y, n, t, u, vx, vy) => jvp(Q01, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH01: QH = (x, y, n, t, u, vx, vy) => jvp(G01, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J02: QJ = (x, y, n, t, u, vx, vy) => jvp(Q02, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH02: QH = (x, y, n, t, u, vx, vy) => jvp(G02, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J03: QJ = (x, y, n, t, u, vx, vy) => jvp(Q03, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH03: QH = (x, y, n, t, u, vx, vy) => jvp(G03, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J04: QJ = (x, y, n, t, u, vx, vy) => jvp(Q04, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH04: QH = (x, y, n, t, u, vx, vy) => jvp(G04, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J05: QJ = (x, y, n, t, u, vx, vy) => jvp(Q05, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH05: QH = (x, y, n, t, u, vx, vy) => jvp(G05, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J06: QJ = (x, y, n, t, u, vx, vy) => jvp(Q06, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH06: QH = (x, y, n, t, u, vx, vy) => jvp(G06, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J07: QJ = (x, y, n, t, u, vx, vy) => jvp(Q07, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH07: QH = (x, y, n, t, u, vx, vy) => jvp(G07, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J08: QJ = (x, y, n, t, u, vx, vy) => jvp(Q08, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH08: QH = (x, y, n, t, u, vx, vy) => jvp(G08, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J09: QJ = (x, y, n, t, u, vx, vy) => jvp(Q09, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH09: QH = (x, y, n, t, u, vx, vy) => jvp(G09, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J10: QJ = (x, y, n, t, u, vx, vy) => jvp(Q10, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH10: QH = (x, y, n, t, u, vx, vy) => jvp(G10, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J11: QJ = (x, y, n, t, u, vx, vy) => jvp(Q11, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH11: QH = (x, y, n, t, u, vx, vy) => jvp(G11, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J12: QJ = (x, y, n, t, u, vx, vy) => jvp(Q12, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH12: QH = (x, y, n, t, u, vx, vy) => jvp(G12, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J13: QJ = (x, y, n, t, u, vx, vy) => jvp(Q13, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH13: QH = (x, y, n, t, u, vx, vy) => jvp(G13, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J14: QJ = (x, y, n, t, u, vx, vy) => jvp(Q14, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH14: QH = (x, y, n, t, u, vx, vy) => jvp(G14, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J15: QJ = (x, y, n, t, u, vx, vy) => jvp(Q15, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH15: QH = (x, y, n, t, u, vx, vy) => jvp(G15, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];
const J16: QJ = (x, y, n, t, u, vx, vy) => jvp(Q16, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1], FH16: QH = (x, y, n, t, u, vx, vy) => jvp(G16, [x, y, n, t, u], [vx, vy, 0, 0, 0])[1];

// the Hessian two ways: hessian (forward over reverse at run time) and jacfwd(jacrev) nested at build time
const HS01: QHs = hessian(Q01, { argnums: [0, 1] }), JJ01: QHs = jacfwd(jacrev(Q01, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS02: QHs = hessian(Q02, { argnums: [0, 1] }), JJ02: QHs = jacfwd(jacrev(Q02, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS03: QHs = hessian(Q03, { argnums: [0, 1] }), JJ03: QHs = jacfwd(jacrev(Q03, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS04: QHs = hessian(Q04, { argnums: [0, 1] }), JJ04: QHs = jacfwd(jacrev(Q04, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS05: QHs = hessian(Q05, { argnums: [0, 1] }), JJ05: QHs = jacfwd(jacrev(Q05, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS06: QHs = hessian(Q06, { argnums: [0, 1] }), JJ06: QHs = jacfwd(jacrev(Q06, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS07: QHs = hessian(Q07, { argnums: [0, 1] }), JJ07: QHs = jacfwd(jacrev(Q07, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS08: QHs = hessian(Q08, { argnums: [0, 1] }), JJ08: QHs = jacfwd(jacrev(Q08, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS09: QHs = hessian(Q09, { argnums: [0, 1] }), JJ09: QHs = jacfwd(jacrev(Q09, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS10: QHs = hessian(Q10, { argnums: [0, 1] }), JJ10: QHs = jacfwd(jacrev(Q10, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS11: QHs = hessian(Q11, { argnums: [0, 1] }), JJ11: QHs = jacfwd(jacrev(Q11, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS12: QHs = hessian(Q12, { argnums: [0, 1] }), JJ12: QHs = jacfwd(jacrev(Q12, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS13: QHs = hessian(Q13, { argnums: [0, 1] }), JJ13: QHs = jacfwd(jacrev(Q13, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS14: QHs = hessian(Q14, { argnums: [0, 1] }), JJ14: QHs = jacfwd(jacrev(Q14, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS15: QHs = hessian(Q15, { argnums: [0, 1] }), JJ15: QHs = jacfwd(jacrev(Q15, { argnums: [0, 1] }), { argnums: [0, 1] });
const HS16: QHs = hessian(Q16, { argnums: [0, 1] }), JJ16: QHs = jacfwd(jacrev(Q16, { argnums: [0, 1] }), { argnums: [0, 1] });

interface NumProgram {
  name: string;
  f: Q;
  g: QG;
  h: QH;
  /** jvp along (vx, vy), and jvp of the gradient (forward over reverse). */
  j: QJ;
  fh: QH;
  /** hessian, and jacfwd(jacrev). */
  hs: QHs;
  jj: QHs;
  /** Largest trip-count parameter drawn. */
  nMax?: number;
}
const NUM_PROGRAMS: NumProgram[] = [
  { name: "Q01 loop with if/else", f: Q01, g: G01, h: H01, j: J01, fh: FH01, hs: HS01, jj: JJ01 },
  { name: "Q02 while, data-dependent exit", f: Q02, g: G02, h: H02, j: J02, fh: FH02, hs: HS02, jj: JJ02 },
  { name: "Q03 nested loops with break", f: Q03, g: G03, h: H03, j: J03, fh: FH03, hs: HS03, jj: JJ03 },
  { name: "Q04 early return in a loop", f: Q04, g: G04, h: H04, j: J04, fh: FH04, hs: HS04, jj: JJ04 },
  { name: "Q05 do-while to a tolerance", f: Q05, g: G05, h: H05, j: J05, fh: FH05, hs: HS05, jj: JJ05 },
  { name: "Q06 switch with fallthrough in a loop", f: Q06, g: G06, h: H06, j: J06, fh: FH06, hs: HS06, jj: JJ06 },
  { name: "Q07 ternary chain in a loop", f: Q07, g: G07, h: H07, j: J07, fh: FH07, hs: HS07, jj: JJ07 },
  { name: "Q08 labelled continue/break", f: Q08, g: G08, h: H08, j: J08, fh: FH08, hs: HS08, jj: JJ08 },
  { name: "Q09 helper with a branch in a loop", f: Q09, g: G09, h: H09, j: J09, fh: FH09, hs: HS09, jj: JJ09 },
  { name: "Q10 Newton iterations, then a branch", f: Q10, g: G10, h: H10, j: J10, fh: FH10, hs: HS10, jj: JJ10 },
  { name: "Q11 && / || values in a loop", f: Q11, g: G11, h: H11, j: J11, fh: FH11, hs: HS11, jj: JJ11 },
  { name: "Q12 loop-carried object", f: Q12, g: G12, h: H12, j: J12, fh: FH12, hs: HS12, jj: JJ12 },
  { name: "Q13 bisection-like bracket", f: Q13, g: G13, h: H13, j: J13, fh: FH13, hs: HS13, jj: JJ13 },
  { name: "Q14 accumulate until a threshold", f: Q14, g: G14, h: H14, j: J14, fh: FH14, hs: HS14, jj: JJ14 },
  { name: "Q15 nested grad of a branchy function in a loop", f: Q15, g: G15, h: H15, j: J15, fh: FH15, hs: HS15, jj: JJ15 },
];

const NUM_PROGRAMS_NESTED: NumProgram[] = [{ name: "Q16 loops inside both branches of an if", f: Q16, g: G16, h: H16, j: J16, fh: FH16, hs: HS16, jj: JJ16 }];

const NUM_FIRST: Tolerance = { rtol: 1e-6, atol: 1e-8, floor: 1e-6 };
const NUM_SECOND: Tolerance = { rtol: 1e-4, atol: 1e-6, floor: 1e-4 };
/** Two AD modes on the same float64 program: the same up to rounding order. */
const AD_AGREE: Tolerance = { rtol: 1e-10, atol: 1e-12 };

function checkNumProgram(p: NumProgram) {
  const xy = real(-2, 2), th = real(-2, 3), dir = real(-1, 1);
  fc.assert(
    fc.property(xy, xy, fc.integer({ min: 0, max: p.nMax ?? 6 }), th, th, dir, dir, (x, y, n, t, u, vx, vy) => {
      const v0 = p.f(x, y, n, t, u);
      fc.pre(Number.isFinite(v0) && Math.abs(v0) < 1e6);
      fc.pre(farFromSwitches((a, b) => p.f(x, y, n, a, b), t, u));
      const g = p.g(x, y, n, t, u);
      expect(g.map((c) => typeof c)).toEqual(["number", "number"]);
      expectVecClose(g, fdVec((w) => p.f(w[0], w[1], n, t, u), [x, y]), NUM_FIRST, `${p.name}: ∇ at x=${x}, y=${y}, n=${n}, t=${t}, u=${u}`);
      const hv = p.h(x, y, n, t, u, vx, vy);
      expectVecClose(hv, fdDir((w) => p.g(w[0], w[1], n, t, u), [x, y], [vx, vy]), NUM_SECOND, `${p.name}: H·(${vx}, ${vy}) at x=${x}, y=${y}, n=${n}, t=${t}, u=${u}`);
      // forward mode agrees with reverse mode to rounding: jvp = ∇·v, jvp(∇) = H·v
      expectVecClose([p.j(x, y, n, t, u, vx, vy)], [g[0] * vx + g[1] * vy], AD_AGREE, `${p.name}: jvp along (${vx}, ${vy})`);
      expectVecClose(p.fh(x, y, n, t, u, vx, vy), hv, AD_AGREE, `${p.name}: jvp(∇) along (${vx}, ${vy})`);
      // the Hessian: symmetric, H·v as above, and jacfwd(jacrev) the same matrix
      const H = p.hs(x, y, n, t, u);
      expectVecClose([H[0][1]], [H[1][0]], AD_AGREE, `${p.name}: hessian symmetric`);
      expectVecClose([H[0][0] * vx + H[0][1] * vy, H[1][0] * vx + H[1][1] * vy], hv, AD_AGREE, `${p.name}: hessian·v`);
      expectVecClose(p.jj(x, y, n, t, u).flat(), H.flat(), AD_AGREE, `${p.name}: jacfwd(jacrev) = hessian`);
    }),
    { numRuns: RUNS, maxSkipsPerRun: 200 },
  );
}

describe("number programs with branches and loops: first and second order against finite differences", () => {
  it.each(NUM_PROGRAMS.map((p) => [p.name, p] as const))("%s", (_, p) => checkNumProgram(p));
  it.each(NUM_PROGRAMS_NESTED.map((p) => [p.name, p] as const))("%s", (_, p) => checkNumProgram(p));
});

// ---- Array programs (float32) against float64 twins ---------------------------------------------------

/** A branch on a reduction inside a loop with a run-time trip count. */
const A1 = (x: Array, n: number, t: number, u: number) => {
  let h = x;
  for (let i = 0; i < n; i++) {
    if ((jnp.sum(h).item() as number) > t) h = jnp.tanh(h.mul(1.5));
    else h = h.mul(h).add(x.mul(0.3));
  }
  return jnp.sum(h.mul(h));
};
const A1T = (x: number[], n: number, t: number, u: number) => {
  let h = x.slice();
  for (let i = 0; i < n; i++) {
    if (h.reduce((a, b) => a + b) > t) h = h.map((v) => Math.tanh(v * 1.5));
    else h = h.map((v, j) => v * v + x[j] * 0.3);
  }
  return h.reduce((a, v) => a + v * v, 0);
};
/** A while loop with a data-dependent exit on a max, and an early return. */
const A2 = (x: Array, n: number, t: number, u: number) => {
  let h = jnp.sin(x);
  let k = 0;
  while ((jnp.max(h).item() as number) < t + 2 && k < n + 2) {
    h = h.mul(1.3).add(jnp.cos(x).mul(0.2));
    if ((jnp.min(h).item() as number) < u - 3) return jnp.sum(h).mul(k + 1);
    k++;
  }
  return jnp.sum(jnp.tanh(h).mul(x));
};
const A2T = (x: number[], n: number, t: number, u: number) => {
  let h = x.map(Math.sin);
  let k = 0;
  while (Math.max(...h) < t + 2 && k < n + 2) {
    h = h.map((v, j) => v * 1.3 + Math.cos(x[j]) * 0.2);
    if (Math.min(...h) < u - 3) return h.reduce((a, b) => a + b) * (k + 1);
    k++;
  }
  return h.reduce((a, v, j) => a + Math.tanh(v) * x[j], 0);
};
type AP = (x: Array, n: number, t: number, u: number) => Array;
const GA1 = grad(A1), HA1 = grad((x: Array, n: number, t: number, u: number, v: Array) => jnp.sum(grad(A1)(x, n, t, u).mul(v)));
const GA2 = grad(A2), HA2 = grad((x: Array, n: number, t: number, u: number, v: Array) => jnp.sum(grad(A2)(x, n, t, u).mul(v)));
const ARRAY_PROGRAMS: { name: string; f: AP; twin: (x: number[], n: number, t: number, u: number) => number; g: AP; h: (x: Array, n: number, t: number, u: number, v: Array) => Array }[] = [
  { name: "A1 branch on a sum in a loop", f: A1, twin: A1T, g: GA1, h: HA1 },
  { name: "A2 while on a max, early return on a min", f: A2, twin: A2T, g: GA2, h: HA2 },
];
const F32_FIRST: Tolerance = { rtol: 2e-3, atol: 2e-4, floor: 0.01 };
const F32_SECOND: Tolerance = { rtol: 1e-2, atol: 1e-3, floor: 0.02 };

describe("Array programs with branches and loops (float32) against float64 twins", () => {
  it.each(ARRAY_PROGRAMS.map((p) => [p.name, p] as const))("%s", (_, p) => {
    const el = real(-1.5, 1.5), th = real(-2, 3), dir = real(-1, 1);
    fc.assert(
      fc.property(fc.tuple(el, el, el), fc.integer({ min: 0, max: 4 }), th, th, fc.tuple(dir, dir, dir), (x0, n, t, u, v0) => {
        // float32 inputs, so the twin sees exactly what the Array program sees
        const x32 = x0.map(Math.fround), v32 = v0.map(Math.fround);
        const y = p.twin(x32, n, t, u);
        fc.pre(Number.isFinite(y) && Math.abs(y) < 1e4);
        fc.pre(farFromSwitches((a, b) => p.twin(x32, n, a, b), t, u));
        const x = jnp.array(x32), v = jnp.array(v32);
        expectVecClose([Number(p.f(x, n, t, u).item())], [y], { rtol: 1e-4, atol: 1e-4 }, `${p.name}: value`);
        expectVecClose(toVec(p.g(x, n, t, u)), fdVec((w) => p.twin(w, n, t, u), x32), F32_FIRST, `${p.name}: ∇ at x=${x32}, n=${n}, t=${t}, u=${u}`);
        const want = fdDir((w) => fdVec((z) => p.twin(z, n, t, u), w, 1e-4), x32, v32, 1e-3);
        expectVecClose(toVec(p.h(x, n, t, u, v)), want, F32_SECOND, `${p.name}: H·v at x=${x32}, n=${n}, t=${t}, u=${u}`);
      }),
      { numRuns: RUNS, maxSkipsPerRun: 200 },
    );
  });
});
