// The corpus of classic source-AD programs with control flow (the kind Tangent, Tapenade and
// JAX's own tests differentiate): branches, loops with run-time and data-dependent trip counts,
// early exits, switch, ternaries, short circuits, helpers called in loops, pytree parameters,
// an RNN, logistic regression trained by SGD, explicit Euler steps of an ODE, Newton's method with
// inner grads. Each gradient is checked against central finite differences at first order, and
// the gradient's own gradient against finite differences of the gradient (second order); a few
// programs go to third order. Number code is float64 (tight tolerances), Array code float32
// (checked against float64 twins written in plain JS). Then: JAX's conventions at kinks and ties,
// regressions (minimal repros of bugs found here), build diagnostics, and the loop tapes of the
// generated code (what is pushed per iteration, and that it is all popped again).
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import * as __rt from "../../runtime/rt.js";
import type { Array } from "../../runtime/index.js";
import { NDArray } from "../../runtime/array.js";
import { expectVecClose, fd1, fdGrad, toVec, type Tolerance } from "./fixtures/fd.js";
import { compile, HEADER } from "./fixtures/compile.js";
import { COEFFS, expSeries, LR_X, LR_Y, relax, SEQ, smoothStep } from "./fixtures/cf-helpers.js";
import { LR_X_DATA, LR_Y_DATA, SEQ_DATA, sigmoid } from "./fixtures/cf-helpers.js";

// float64 number code: first order against a 4-point stencil; second order against a 4-point
// stencil of the (AD) first-order gradient.
const FIRST: Tolerance = { rtol: 1e-6, atol: 1e-9 };
const SECOND: Tolerance = { rtol: 1e-4, atol: 1e-7 };
// float32 Array code against float64 references
const F32_FIRST: Tolerance = { rtol: 2e-3, atol: 2e-4, floor: 0.01 };
const F32_SECOND: Tolerance = { rtol: 1e-2, atol: 1e-3, floor: 0.02 };

/** f′ and f″ of a function of one number: d1 against differences of f, d2 against differences of d1. */
function check12(name: string, f: (x: number) => number, d1: (x: number) => number, d2: (x: number) => number, xs: readonly number[]) {
  for (const x of xs) {
    expectVecClose([d1(x)], [fd1(f, x)], FIRST, `${name}′(${x})`);
    expectVecClose([d2(x)], [fd1(d1, x)], SECOND, `${name}″(${x})`);
  }
}

// ---- number programs ------------------------------------------------------------------------------

function nestedIf(x: number, y: number): number {
  let r = 0;
  if (x > 0) {
    if (y > x) r = x * y * y;
    else if (y > -1) {
      r = Math.sin(x) * y;
      if (r > 0.5) r = r * r;
    } else r = x / (1 + y * y);
  } else {
    if (y > 0) {
      r = Math.exp(x) * y;
    } else r = x * x - y * x;
  }
  return r + x;
}

function serialLoops(x: number, n: number): number {
  let a = x;
  for (let i = 0; i < n; i++) a = Math.sin(a) + x * 0.5;
  let b = a;
  for (let j = 0; j < 2 * n; j++) b = b * 0.9 + a * x * 0.01;
  let c = 0;
  let k = n;
  while (k > 0) {
    c += b / k;
    k--;
  }
  return a * b + c;
}

function nestedLoops(x: number, n: number, m: number): number {
  let s = 0;
  for (let i = 1; i <= n; i++) {
    let p = x;
    for (let j = 0; j < m; j++) p = p * Math.cos((x * j) / i) + 0.1 * i;
    s += p / i;
  }
  return s;
}

/** Halve until small: the trip count depends on x. */
function halveUntil(x: number): number {
  let y = x;
  let acc = 0;
  while (Math.abs(y) > 1e-3) {
    acc += Math.sin(y);
    y = y * 0.5;
  }
  return acc + y * x;
}

/** √a by Newton's method until the residual is at rounding level. */
function newtonSqrt(a: number): number {
  let y = a > 1 ? a : 1;
  let k = 0;
  while (Math.abs(y * y - a) > 1e-12 * a && k < 100) {
    y = 0.5 * (y + a / y);
    k++;
  }
  return y;
}

/** The real root of t³ + t = a: bisection on a bracket that depends on a, then one Newton step. */
function bisectRoot(a: number): number {
  let lo = -1 - a * a;
  let hi = 1 + a * a;
  while (hi - lo > 1e-9) {
    const mid = 0.5 * (lo + hi);
    if (mid * mid * mid + mid > a) hi = mid;
    else lo = mid;
  }
  const t = 0.5 * (lo + hi);
  return t - (t * t * t + t - a) / (3 * t * t + 1);
}

function loopIf(x: number, n: number): number {
  let y = x;
  for (let i = 0; i < n; i++) {
    if (y > 1) y = Math.sqrt(y) + 0.3 * x;
    else y = y * y + x;
  }
  return y;
}

/** xⁿ by repeated multiplication, n at run time. */
function ipow(x: number, n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p *= x;
  return p;
}

/** Module-level helpers (another file; one with a branch, one with its own loop) called in a loop. */
function helperLoop(x: number, n: number): number {
  let y = x;
  for (let i = 0; i < n; i++) y = 0.5 * relax(y, x, 0.6) + 0.2 * smoothStep(y, x) + 0.1 * expSeries(y * x, 4);
  return y;
}

type Params = { a: number; b: [number, number]; c: { d: number } };
/** A dict/tuple parameter read inside a loop. */
function pytreeLoop(p: Params, n: number): number {
  let s = p.c.d;
  for (let i = 0; i < n; i++) {
    s = s * p.b[0] + Math.sin(p.a * i) * p.b[1];
    if (s > 2) s = s / 2 + p.a;
  }
  return s * p.a;
}
/** A tuple parameter, loop-carried tuple state. */
function tupleLoop(t: [number, number, number], n: number): number {
  let st: [number, number] = [t[0], t[1]];
  for (let i = 0; i < n; i++) st = [st[0] * Math.cos(t[2]) - st[1] * Math.sin(t[2]), st[0] * Math.sin(t[2]) + st[1] * Math.cos(t[2]) * 0.95];
  return st[0] * st[0] + 3 * st[1];
}

function earlyNested(x: number, n: number): number {
  let s = x;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      s = s * 1.05 + Math.sin(s + j) * 0.2;
      if (s > 4) return s * (i + 1) + j;
    }
  }
  return -s;
}

/** A switch-based piecewise function: fallthrough, a block clause, a shared body, default. */
function piecewise(x: number): number {
  let r = 0;
  switch (Math.floor(x)) {
    case -1:
      r = x * x;
    // falls through
    case 0:
      r += Math.sin(x);
      break;
    case 1: {
      r = x ** 3;
      break;
    }
    case 2:
    case 3:
      return Math.exp(x / 2) * (r + 1) + x;
    default:
      r = 1 / (1 + x * x);
  }
  return r * x;
}

const ternaries = (x: number) => (x < -1 ? -x * x : x < 0 ? Math.sin(x) : x < 1 ? x * Math.exp(x) : x > 3 ? Math.log(x) : x ** 0.5 * 2);

/** && and || yield values, not booleans (numbers on both sides, and boolean-only conditions). */
function shortCircuit(x: number, y: number): number {
  const a = (Math.floor(x) || 0.5) * x; // 0 is falsy
  const b = (Math.floor(y) && x * y) || y * y; // a number && a number
  const c = (y < 0 || x > 1) && y > -2 ? x - y : x * y * 2;
  return a + b + c;
}
/** && with a boolean on the left: `false` or the number. */
function boolAnd(x: number, y: number): number {
  return (x > 0 && x * y) || y * y;
}

function labelled(x: number, n: number): number {
  let s = x;
  outer: for (let i = 0; i < n; i++) {
    inner: for (let j = 0; j < n; j++) {
      if (j > i) continue outer;
      if (s > 50) break outer;
      if ((i + j) % 3 === 2) continue inner;
      s = s * 1.1 + Math.cos(s * x) * 0.3;
    }
    s += 0.01 * x;
  }
  return s;
}

function doWhile(x: number): number {
  let y = x;
  let k = 0;
  do {
    y = y * y * 0.5 + 0.3 * x;
    k++;
  } while (y < 3 && k < 20);
  return y + k;
}

/** Horner's rule over a captured coefficient array (for...of, and by index). */
const horner = (x: number) => {
  let p = 0;
  for (const c of COEFFS) p = p * x + c;
  return p;
};
const hornerIdx = (x: number) => {
  let p = 0;
  for (let i = 0; i < COEFFS.length; i++) p = p * x + COEFFS[i];
  return p;
};

type Osc = { k: number; c: number };
/** A damped oscillator x″ = −k x − c x′ by 100 explicit Euler steps. */
function oscillator(p: Osc): number {
  let x = 1;
  let v = 0;
  const dt = 0.05;
  for (let i = 0; i < 100; i++) {
    const a = -p.k * x - p.c * v;
    x = x + dt * v;
    v = v + dt * a;
  }
  return x * x + 0.5 * v;
}

describe("number programs: first and second order against finite differences", () => {
  it("nested ifs", () => {
    const dx = grad(nestedIf, { argnums: 0 }), dy = grad(nestedIf, { argnums: 1 });
    const g = grad(nestedIf, { argnums: [0, 1] });
    const hx = grad(dx, { argnums: [0, 1] }), hy = grad(dy, { argnums: [0, 1] });
    const pts: [number, number][] = [[0.7, 1.3], [1.2, 0.4], [0.3, 0.2], [1.5, -2.2], [-0.8, 0.9], [-1.1, -0.5]];
    for (const p of pts) {
      expectVecClose(toVec(g(...p)), fdGrad((t: [number, number]) => nestedIf(...t), p, { fourPoint: true }), FIRST, `∇nestedIf(${p})`);
      expectVecClose(toVec(hx(...p)), fdGrad((t: [number, number]) => dx(...t), p, { fourPoint: true }), SECOND, `H row x (${p})`);
      expectVecClose(toVec(hy(...p)), fdGrad((t: [number, number]) => dy(...t), p, { fourPoint: true }), SECOND, `H row y (${p})`);
    }
  });

  it("serial loops (run-time trip counts)", () => {
    const d1 = grad(serialLoops), d2 = grad(d1);
    for (const n of [0, 1, 4, 9]) check12(`serialLoops[n=${n}]`, (x) => serialLoops(x, n), (x) => d1(x, n), (x) => d2(x, n), [-1.3, 0.4, 2.1]);
  });

  it("nested loops (run-time trip counts, inner bound from the outer counter's body)", () => {
    const d1 = grad(nestedLoops), d2 = grad(d1);
    for (const [n, m] of [[0, 3], [3, 0], [2, 3], [4, 5]])
      check12(`nestedLoops[${n},${m}]`, (x) => nestedLoops(x, n, m), (x) => d1(x, n, m), (x) => d2(x, n, m), [-0.9, 0.35, 1.6]);
  });

  it("while with a data-dependent exit (halve until |y| ≤ tol)", () => {
    const d1 = grad(halveUntil), d2 = grad(d1);
    check12("halveUntil", halveUntil, d1, d2, [1.3, -0.77, 3.1, 0.3]);
    // the trip count is piecewise constant: y·x at the exit is x²/2ᴷ
    expect(d1(1.3)).toBeCloseTo([...globalThis.Array(11).keys()].reduce((s, k) => s + Math.cos(1.3 / 2 ** k) / 2 ** k, 0) + (2 * 1.3) / 2 ** 11, 12);
  });

  it("Newton's iteration for √a: the derivatives of the fixed point", () => {
    const d1 = grad(newtonSqrt), d2 = grad(d1);
    for (const a of [0.3, 2, 10, 123.4]) {
      expectVecClose([newtonSqrt(a)], [Math.sqrt(a)], { rtol: 1e-15 }, `√${a}`);
      expectVecClose([d1(a)], [0.5 / Math.sqrt(a)], { rtol: 1e-9 }, `d√${a}`);
      expectVecClose([d2(a)], [-0.25 * a ** -1.5], { rtol: 1e-6 }, `d²√${a}`);
    }
    check12("newtonSqrt", newtonSqrt, d1, d2, [0.3, 2, 10, 123.4]);
  });

  it("bisection with a run-time bracket, then a Newton step (first order: the bracket is piecewise linear)", () => {
    const d1 = grad(bisectRoot);
    for (const a of [-3.3, 0.4, 2, 7.7]) {
      const r = bisectRoot(a);
      expectVecClose([r * r * r + r], [a], { rtol: 1e-14, atol: 1e-14 }, `root(${a})`);
      expectVecClose([d1(a)], [1 / (3 * r * r + 1)], FIRST, `root′(${a})`);
      expectVecClose([d1(a)], [fd1(bisectRoot, a)], FIRST, `root′(${a}) by differences`);
    }
  });

  it("a loop with an if inside", () => {
    const d1 = grad(loopIf), d2 = grad(d1);
    for (const n of [0, 1, 3, 6]) check12(`loopIf[n=${n}]`, (x) => loopIf(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.6, 0.45, 1.9]);
  });

  it("iterated power xⁿ, n at run time: exact derivatives, grad³ included", () => {
    const d1 = grad(ipow), d2 = grad(d1), d3 = grad(d2);
    for (const n of [0, 1, 2, 5, 8])
      for (const x of [-1.7, 0.6, 1.3]) {
        expectVecClose([d1(x, n)], [n === 0 ? 0 : n * x ** (n - 1)], { rtol: 1e-14, atol: 1e-14 }, `d ${x}^${n}`);
        expectVecClose([d2(x, n)], [n < 2 ? 0 : n * (n - 1) * x ** (n - 2)], { rtol: 1e-14, atol: 1e-14 }, `d² ${x}^${n}`);
        expectVecClose([d3(x, n)], [n < 3 ? 0 : n * (n - 1) * (n - 2) * x ** (n - 3)], { rtol: 1e-13, atol: 1e-13 }, `d³ ${x}^${n}`);
      }
    check12("ipow[7]", (x) => ipow(x, 7), (x) => d1(x, 7), (x) => d2(x, 7), [-1.2, 0.8]);
  });

  it("grad of grad of grad through a loop with a branch, against differences of grad²", () => {
    const d1 = grad(loopIf), d2 = grad(d1), d3 = grad(d2);
    for (const x of [-0.6, 0.45, 1.9]) expectVecClose([d3(x, 4)], [fd1((v) => d2(v, 4), x)], { rtol: 1e-4, atol: 1e-6 }, `loopIf‴(${x})`);
  });

  it("calls to module-level helpers (branch, inner loop, nested helper) inside a loop", () => {
    const d1 = grad(helperLoop), d2 = grad(d1);
    for (const n of [1, 3, 5]) check12(`helperLoop[n=${n}]`, (x) => helperLoop(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.4, 0.3, 0.9]);
  });

  it("a dict parameter read inside a loop: the gradient is a pytree, and its Hessian rows", () => {
    const g = grad(pytreeLoop);
    const ha = grad((p: Params, n: number) => grad(pytreeLoop)(p, n).a);
    const hb1 = grad((p: Params, n: number) => grad(pytreeLoop)(p, n).b[1]);
    for (const p of [{ a: 0.7, b: [0.9, 0.3], c: { d: 0.5 } }, { a: -0.4, b: [1.3, 0.6], c: { d: 1.1 } }] as Params[])
      for (const n of [0, 2, 5]) {
        const gp = g(p, n);
        expect(Object.keys(gp).sort()).toEqual(["a", "b", "c"]);
        expect(gp.b).toHaveLength(2);
        expectVecClose(toVec(gp), fdGrad((q: Params) => pytreeLoop(q, n), p, { fourPoint: true }), FIRST, `∇pytreeLoop[n=${n}]`);
        expectVecClose(toVec(ha(p, n)), fdGrad((q: Params) => g(q, n).a, p, { fourPoint: true }), SECOND, `∇∂a[n=${n}]`);
        expectVecClose(toVec(hb1(p, n)), fdGrad((q: Params) => g(q, n).b[1], p, { fourPoint: true }), SECOND, `∇∂b1[n=${n}]`);
      }
  });

  it("a tuple parameter and loop-carried tuple state", () => {
    const g = grad(tupleLoop);
    const h2 = grad((t: [number, number, number], n: number) => grad(tupleLoop)(t, n)[2]);
    for (const t of [[0.6, -0.2, 0.4], [1.1, 0.7, -0.9]] as [number, number, number][])
      for (const n of [0, 3, 7]) {
        expectVecClose(toVec(g(t, n)), fdGrad((q: [number, number, number]) => tupleLoop(q, n), t, { fourPoint: true }), FIRST, `∇tupleLoop[n=${n}]`);
        expectVecClose(toVec(h2(t, n)), fdGrad((q: [number, number, number]) => g(q, n)[2], t, { fourPoint: true }), SECOND, `∇∂t2[n=${n}]`);
      }
  });

  it("early return inside nested loops", () => {
    const d1 = grad(earlyNested), d2 = grad(d1);
    for (const n of [2, 4, 8]) check12(`earlyNested[n=${n}]`, (x) => earlyNested(x, n), (x) => d1(x, n), (x) => d2(x, n), [0.5, 1.7, 3.4, -0.8]);
    // the value through the early exit is the function's, bit for bit
    expect(valueAndGrad(earlyNested)(3.9, 3)[0]).toBe(earlyNested(3.9, 3));
  });

  it("switch: fallthrough, shared bodies, default", () => {
    const d1 = grad(piecewise), d2 = grad(d1);
    check12("piecewise", piecewise, d1, d2, [-3.5, -0.5, 0.25, 0.75, 1.5, 2.5, 3.25, 4.5]);
    // case -1 falls through to case 0: r = x² + sin x, times x
    expect(d1(-0.5)).toBeCloseTo(3 * 0.25 + Math.sin(-0.5) + -0.5 * Math.cos(-0.5), 12);
  });

  it("ternary chains", () => {
    const d1 = grad(ternaries), d2 = grad(d1);
    check12("ternaries", ternaries, d1, d2, [-2, -0.5, 0.5, 2, 4]);
  });

  it("short-circuit && and || returning values", () => {
    const g = grad(shortCircuit, { argnums: [0, 1] });
    const dx = grad(shortCircuit, { argnums: 0 }), dy = grad(shortCircuit, { argnums: 1 });
    const hx = grad(dx, { argnums: [0, 1] }), hy = grad(dy, { argnums: [0, 1] });
    const pts: [number, number][] = [[0.6, 1.3], [-0.7, 0.4], [1.5, -0.9], [2.3, -2.5], [-1.4, -1.2], [0.4, -0.6]];
    for (const p of pts) {
      expectVecClose(toVec(g(...p)), fdGrad((t: [number, number]) => shortCircuit(...t), p, { fourPoint: true }), FIRST, `∇shortCircuit(${p})`);
      expectVecClose(toVec(hx(...p)), fdGrad((t: [number, number]) => dx(...t), p, { fourPoint: true }), SECOND, `H row x (${p})`);
      expectVecClose(toVec(hy(...p)), fdGrad((t: [number, number]) => dy(...t), p, { fourPoint: true }), SECOND, `H row y (${p})`);
    }
  });

  it("labelled break and continue", () => {
    const d1 = grad(labelled), d2 = grad(d1);
    for (const n of [0, 3, 6]) check12(`labelled[n=${n}]`, (x) => labelled(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.7, 0.3, 1.4]);
  });

  it("do-while", () => {
    const d1 = grad(doWhile), d2 = grad(d1);
    check12("doWhile", doWhile, d1, d2, [-1.2, 0.4, 1.1, 2.7, 5]);
  });

  it("Horner's rule over a captured coefficient array", () => {
    const d1 = grad(horner), d2 = grad(d1), e1 = grad(hornerIdx), e2 = grad(e1);
    for (const x of [-1.5, 0.2, 1.3]) {
      expectVecClose([d1(x)], [8 * x ** 3 - 9 * x ** 2 + x + 1], { rtol: 1e-14, atol: 1e-14 }, `horner′(${x})`);
      expectVecClose([d2(x)], [24 * x ** 2 - 18 * x + 1], { rtol: 1e-14, atol: 1e-14 }, `horner″(${x})`);
      expect([e1(x), e2(x)]).toEqual([d1(x), d2(x)]);
    }
    check12("horner", horner, d1, d2, [-1.5, 0.2, 1.3]);
  });

  it("explicit Euler steps of a damped oscillator: gradient and Hessian wrt (k, c)", () => {
    const g = grad(oscillator);
    const hk = grad((p: Osc) => grad(oscillator)(p).k), hc = grad((p: Osc) => grad(oscillator)(p).c);
    for (const p of [{ k: 4, c: 0.3 }, { k: 1.5, c: 1.2 }]) {
      const gp = g(p);
      expect(Object.keys(gp).sort()).toEqual(["c", "k"]);
      expectVecClose(toVec(gp), fdGrad(oscillator, p, { fourPoint: true }), FIRST, `∇oscillator(${JSON.stringify(p)})`);
      const H = [toVec(hc(p)), toVec(hk(p))];
      expectVecClose(H[0], fdGrad((q: Osc) => g(q).c, p, { fourPoint: true }), SECOND, "H row c");
      expectVecClose(H[1], fdGrad((q: Osc) => g(q).k, p, { fourPoint: true }), SECOND, "H row k");
      expectVecClose([H[0][1]], [H[1][0]], { rtol: 1e-10, atol: 1e-12 }, "symmetry");
    }
  });
});

// ---- more loop shapes ------------------------------------------------------------------------------

/** A floating-point loop counter that starts at x: the counter itself is differentiated. */
function floatCounter(x: number): number {
  let s = 0;
  for (let t = x; t < 5; t += 0.5) s += t * t;
  return s;
}
/** continue in a while loop whose counter is stepped before it; the counter stepped inside a for body too. */
function whileContinue(x: number, n: number): number {
  let s = 0;
  let i = 0;
  while (i < n) {
    i++;
    if (i % 3 === 0) continue;
    s = s * 0.8 + Math.sin(x * i);
  }
  for (let j = 0; j < n; j++) {
    if (j % 2 === 1) j++;
    s += x / (j + 1);
  }
  return s;
}
/** switch inside a loop: break leaves the switch, continue the loop. */
function switchInLoop(x: number, n: number): number {
  let s = x;
  for (let i = 0; i < n; i++) {
    switch (i % 4) {
      case 0:
        s = s * 1.1;
        break;
      case 1:
        if (s > 2) continue;
        s = s + Math.cos(s);
        break;
      case 2:
        s = Math.sqrt(s * s + 1);
      // falls through
      default:
        s = s - 0.1 * x;
    }
    s += 0.01;
  }
  return s;
}
/** A data-dependent while nested in a for, and a shadowed name. */
function whileInFor(x: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let y = x + i;
    while (y > 1) y = y / 3 + 0.1;
    {
      const s2 = s;
      let s3 = s2 + y * y;
      s = s3;
    }
  }
  return s;
}
/** An unrolled for...of over a tuple of differentiated values. */
function tupleOf(x: number, y: number): number {
  let s = 0;
  let k = 1;
  for (const v of [x, y, x * y, Math.sin(x)] as const) {
    if (v > 0.5) s += v * k;
    else s -= v * v;
    k++;
  }
  return s;
}

describe("more loop shapes", () => {
  it("a differentiated floating-point loop counter", () => {
    const d1 = grad(floatCounter), d2 = grad(d1);
    // t_k = x + k/2 for every t_k < 5: d/dx Σ t_k² = Σ 2 t_k, d² = 2·(trip count)
    for (const x of [0.3, 1.1, 4.2]) {
      const ts = [...globalThis.Array(20).keys()].map((k) => x + k / 2).filter((t) => t < 5);
      expectVecClose([d1(x)], [ts.reduce((a, t) => a + 2 * t, 0)], { rtol: 1e-14 }, `floatCounter′(${x})`);
      expect(d2(x)).toBe(2 * ts.length);
    }
    check12("floatCounter", floatCounter, d1, d2, [0.3, 1.1, 4.2]);
  });

  it("continue in while, a counter stepped inside the body", () => {
    const d1 = grad(whileContinue), d2 = grad(d1);
    for (const n of [0, 4, 9]) check12(`whileContinue[n=${n}]`, (x) => whileContinue(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.7, 0.4, 1.3]);
  });

  it("switch inside a loop (break leaves the switch, continue the loop)", () => {
    const d1 = grad(switchInLoop), d2 = grad(d1);
    for (const n of [0, 3, 8, 13]) check12(`switchInLoop[n=${n}]`, (x) => switchInLoop(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.7, 0.4, 1.3, 2.6]);
  });

  it("a data-dependent while nested in a for, block-scoped and shadowing names", () => {
    const d1 = grad(whileInFor), d2 = grad(d1);
    for (const n of [0, 2, 5]) check12(`whileInFor[n=${n}]`, (x) => whileInFor(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.7, 0.4, 1.3, 2.9]);
  });

  it("for...of over a tuple of differentiated values (unrolled)", () => {
    const g = grad(tupleOf, { argnums: [0, 1] });
    const hx = grad(grad(tupleOf, { argnums: 0 }), { argnums: [0, 1] });
    for (const p of [[0.7, 1.3], [0.2, 0.9], [1.6, -0.4]] as [number, number][]) {
      expectVecClose(toVec(g(...p)), fdGrad((t: [number, number]) => tupleOf(...t), p, { fourPoint: true }), FIRST, `∇tupleOf(${p})`);
      expectVecClose(toVec(hx(...p)), fdGrad((t: [number, number]) => grad(tupleOf, { argnums: 0 })(...t), p, { fourPoint: true }), SECOND, `∇∂x tupleOf(${p})`);
    }
  });

  it("valueAndGrad through loops: the value is the function's, bit for bit; hasAux carries loop results", () => {
    for (const n of [0, 3, 7]) {
      expect(valueAndGrad(loopIf)(0.45, n)[0]).toBe(loopIf(0.45, n));
      expect(valueAndGrad(switchInLoop)(1.3, n)[0]).toBe(switchInLoop(1.3, n));
    }
    const withTrips = (x: number) => {
      let y = x;
      let k = 0;
      while (y < 10) {
        y = y * 1.5 + 0.1;
        k++;
      }
      return [y * y, k] as [number, number];
    };
    const [[v, trips], g] = valueAndGrad(withTrips, { hasAux: true })(1.2);
    expect(trips).toBe(withTrips(1.2)[1]);
    expect(v).toBe(withTrips(1.2)[0]);
    expectVecClose([g], [fd1((x) => withTrips(x)[0], 1.2)], FIRST, "withTrips′");
  });

  it("for...of over the first axis of a differentiated Array, with loop-carried (Array, number) state", () => {
    const f = (X: Array, w: Array) => {
      let acc = jnp.zeros([]);
      let h = w;
      for (const row of X) {
        h = jnp.tanh(h.add(row.mul(w)));
        acc = acc.add(jnp.sum(h.mul(row)));
      }
      return acc;
    };
    const twin = (v: number[]) => {
      const X = [v.slice(0, 3), v.slice(3, 6), v.slice(6, 9), v.slice(9, 12)];
      const w = v.slice(12, 15);
      let acc = 0;
      let h = w.slice();
      for (const row of X) {
        h = h.map((hj, j) => Math.tanh(hj + row[j] * w[j]));
        acc += h.reduce((a, hj, j) => a + hj * row[j], 0);
      }
      return acc;
    };
    const X = arr([0.3, -0.2, 0.5, 0.1, 0.4, -0.6, -0.3, 0.2, 0.1, 0.7, -0.1, 0.2], [4, 3]);
    const w = arr([0.5, -0.4, 0.3], [3]);
    const g = grad(f, { argnums: [0, 1] })(X, w);
    expect(g.map((a) => a.shape)).toEqual([[4, 3], [3]]);
    expectVecClose(toVec(g), fdVec(twin, toVec([X, w])), F32_FIRST, "∇(X, w)");
    const dotG = (X: Array, w: Array) => {
      const [gX, gw] = grad(f, { argnums: [0, 1] })(X, w);
      return jnp.sum(gX.mul(X)).add(jnp.sum(gw.mul(w)));
    };
    const h = grad(dotG, { argnums: [0, 1] })(X, w);
    // ⟨∇f, p⟩ at p = (X, w): its gradient is H·p + ∇f
    const v0 = toVec([X, w]);
    const want = fdDir((v) => fdVec(twin, v), v0, v0).map((hv, i) => hv + fdVec(twin, v0)[i]);
    expectVecClose(toVec(h), want, F32_SECOND, "∇⟨∇f, p⟩");
  });
});

// ---- deeper nesting ---------------------------------------------------------------------------------

/** Three nested loops with a labelled break from the innermost to the outermost. */
function triple(x: number, n: number): number {
  let s = x;
  outer: for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        s = s * 0.9 + Math.sin(s * x + k) * 0.5;
        if (s > 3) break outer;
        if (k > j) break;
      }
  return s * s;
}
/** return from inside a switch inside a do-while inside an if; a loop in each branch. */
function returnInSwitch(x: number, n: number): number {
  let s = x;
  if (x > 0) {
    let k = 0;
    do {
      switch (k % 3) {
        case 0:
          s = s * 1.2;
          break;
        case 1:
          if (s > 4) return s * k;
          s += Math.cos(s);
          break;
        default:
          s -= 0.1 * s * s;
      }
      k++;
    } while (k < n);
  } else {
    let i = 0;
    while (i < n && s < 1) {
      s = s + Math.exp(s) * 0.3;
      i++;
    }
  }
  return s + x;
}
/** A while condition computed by a module-level helper returning a boolean. */
const stillLarge = (y: number, tol: number) => !(Math.abs(y) <= tol);
function helperCondition(x: number): number {
  let y = x;
  let p = 1;
  while (stillLarge(y, 0.01)) {
    y = Math.sin(y) * 0.5;
    p *= 1 + y;
  }
  return p;
}
/** The gradient of a loop function, called inside a loop (tapes of two transforms nested). */
const dpow3 = grad((z: number) => ipow(z, 3) + z);
function gradInLoop(x: number, n: number): number {
  let s = x;
  for (let i = 0; i < n; i++) s = s + 0.05 * dpow3(s) - 0.1 * s * s;
  return s;
}
/** Return from inside a for...of over a captured number array. */
function returnFromForOf(x: number): number {
  let p = 0;
  for (const c of COEFFS) {
    p = p * x + c;
    if (p < -5) return p * x;
  }
  return p;
}

describe("deeper nesting", () => {
  it("three nested loops, labelled break out of all of them", () => {
    const d1 = grad(triple), d2 = grad(d1);
    for (const n of [0, 2, 4]) check12(`triple[n=${n}]`, (x) => triple(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.6, 0.35, 0.8, 1.2]);
  });

  it("grad³ through an early return inside a loop", () => {
    const f = (x: number, n: number) => {
      let s = x;
      for (let i = 0; i < n; i++) {
        s = s * 1.5;
        if (s > 2) return s * s * s;
      }
      return s;
    };
    // at x = 0.3 the return is taken after 5 steps: f = x³·1.5¹⁵
    expect(grad(grad(f))(0.3, 6)).toBeCloseTo(6 * 0.3 * 1.5 ** 15, 9);
    expect(grad(grad(grad(f)))(0.3, 6)).toBeCloseTo(6 * 1.5 ** 15, 9);
  });
  it("return from a switch in a do-while in an if, a while loop in the else", () => {
    const d1 = grad(returnInSwitch), d2 = grad(d1), d3 = grad(d2);
    for (const n of [1, 4, 9])
      check12(`returnInSwitch[n=${n}]`, (x) => returnInSwitch(x, n), (x) => d1(x, n), (x) => d2(x, n), [-1.3, -0.4, 0.6, 1.7, 3.1]);
    for (const x of [-0.4, 0.6, 1.7]) expectVecClose([d3(x, 6)], [fd1((v) => d2(v, 6), x)], { rtol: 1e-4, atol: 1e-6 }, `returnInSwitch‴(${x})`);
  });

  it("a loop condition computed by a helper", () => {
    const d1 = grad(helperCondition), d2 = grad(d1);
    check12("helperCondition", helperCondition, d1, d2, [-1.7, 0.5, 2.2]);
  });

  it("grad of a loop function, called in a loop, to second and third order", () => {
    const d1 = grad(gradInLoop), d2 = grad(d1), d3 = grad(d2);
    for (const n of [0, 3, 6]) check12(`gradInLoop[n=${n}]`, (x) => gradInLoop(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.5, 0.3, 1.1]);
    for (const x of [-0.5, 0.3, 1.1]) expectVecClose([d3(x, 4)], [fd1((v) => d2(v, 4), x)], { rtol: 1e-4, atol: 1e-6 }, `gradInLoop‴(${x})`);
  });

  it("return from inside a for...of over a captured array", () => {
    const d1 = grad(returnFromForOf), d2 = grad(d1);
    check12("returnFromForOf", returnFromForOf, d1, d2, [-1.5, 0.2, 1.3, 2.4]);
  });
});

// ---- transforms inside loops ---------------------------------------------------------------------

/** A nested grad whose function closes over the loop-carried s. */
function closesOverLoop(x: number, n: number): number {
  let s = x;
  for (let i = 0; i < n; i++) s = s + grad((z: number) => Math.sin(z * s))(x) * 0.1;
  return s;
}
/** Newton's method minimising obj(·, a) with inner grads, until the gradient vanishes: w*(a) and beyond. */
const obj = (w: number, a: number) => (w - a) ** 4 / 4 + (w * w) / 2 + a * w;
function argminNewton(a: number): number {
  let w = 0;
  let k = 0;
  let g = grad(obj)(w, a);
  while (Math.abs(g) > 1e-12 && k < 60) {
    const h = grad(grad(obj))(w, a);
    w = w - g / h;
    g = grad(obj)(w, a);
    k++;
  }
  return w * w + a;
}

describe("transforms inside loops", () => {
  it("a nested grad closing over a loop-carried variable", () => {
    const d1 = grad(closesOverLoop), d2 = grad(d1);
    for (const n of [0, 1, 4]) check12(`closesOverLoop[n=${n}]`, (x) => closesOverLoop(x, n), (x) => d1(x, n), (x) => d2(x, n), [-0.8, 0.7, 1.9]);
  });

  it("Newton's method with inner grads until convergence: derivatives of the minimiser (implicit function theorem)", () => {
    const d1 = grad(argminNewton), d2 = grad(d1);
    for (const a of [-1.2, 0.8, 2.5]) {
      // w* solves (w − a)³ + w + a = 0, so dw*/da = (3(w − a)² − 1) / (3(w − a)² + 1)
      let w = 0;
      for (let i = 0; i < 60; i++) w -= ((w - a) ** 3 + w + a) / (3 * (w - a) ** 2 + 1);
      const dw = (3 * (w - a) ** 2 - 1) / (3 * (w - a) ** 2 + 1);
      expectVecClose([d1(a)], [2 * w * dw + 1], { rtol: 1e-9, atol: 1e-12 }, `d(w*² + a)/da at ${a}`);
    }
    check12("argminNewton", argminNewton, d1, d2, [-1.2, 0.8, 2.5]);
  });

  it("break inside for...of over the rows of a differentiated Array", () => {
    const f = (X: Array) => {
      let s = jnp.zeros([]);
      for (const r of X) {
        s = s.add(jnp.sum(jnp.sin(r)));
        if ((s.item() as number) > 1) break;
      }
      return s;
    };
    const X = arr([0.3, 0.2, 0.4, 0.5, 0.1, 0.9], [3, 2]);
    // rows 0 and 1 run (the sum passes 1 after row 1), row 2 never does
    expectVecClose(toVec(grad(f)(X)), [0.3, 0.2, 0.4, 0.5].map(Math.cos).concat([0, 0]), { rtol: 1e-6, atol: 1e-7 }, "∇ rows");
    const d2 = grad((X: Array) => jnp.sum(grad(f)(X)))(X);
    expectVecClose(toVec(d2), [0.3, 0.2, 0.4, 0.5].map((v) => -Math.sin(v)).concat([0, 0]), { rtol: 1e-6, atol: 1e-7 }, "∇Σ∇ rows");
  });

  it("loop-carried pytree of Arrays (an LSTM-like cell state)", () => {
    const f = (x: Array, n: number) => {
      let st = { h: x, c: x.mul(0.5) };
      for (let i = 0; i < n; i++) {
        const c = st.c.mul(0.9).add(jnp.tanh(st.h));
        st = { h: jnp.tanh(c).mul(st.h), c: c };
      }
      return jnp.sum(st.h.add(st.c));
    };
    const twin = (v: number[], n: number) =>
      v.reduce((acc, x) => {
        let h = x, c = 0.5 * x;
        for (let i = 0; i < n; i++) {
          c = 0.9 * c + Math.tanh(h);
          h = Math.tanh(c) * h;
        }
        return acc + h + c;
      }, 0);
    const x0 = [0.3, -0.2, 0.8];
    const g = grad(f), h = grad((x: Array, n: number) => jnp.sum(grad(f)(x, n).mul(x)));
    for (const n of [0, 1, 4]) {
      expectVecClose(toVec(g(jnp.array(x0), n)), fdVec((v) => twin(v, n), x0), F32_FIRST, `∇lstm[n=${n}]`);
      // ∇⟨∇f, x⟩ = H·x + ∇f
      const want = fdDir((v) => fdVec((u) => twin(u, n), v), x0, x0).map((hv, i) => hv + fdVec((v) => twin(v, n), x0)[i]);
      expectVecClose(toVec(h(jnp.array(x0), n)), want, F32_SECOND, `∇⟨∇lstm, x⟩[n=${n}]`);
    }
  });
});

// ---- JAX conventions at non-differentiable points --------------------------------------------------

describe("non-differentiable points follow JAX", () => {
  it("Math.max / Math.min at a tie give each side half; jnp.maximum too", () => {
    const mx = grad((x: number, y: number) => Math.max(x, y), { argnums: [0, 1] });
    const mn = grad((x: number, y: number) => Math.min(x, y) * 2, { argnums: [0, 1] });
    expect(mx(1.5, 1.5)).toEqual([0.5, 0.5]);
    expect(mn(-2, -2)).toEqual([1, 1]);
    expect(mx(1.5, 1.4)).toEqual([1, 0]);
    // in a loop, each iteration ties again
    const loopMax = grad((x: number, y: number, n: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.max(x, y) * i;
      return s;
    }, { argnums: [0, 1] });
    expect(loopMax(0.25, 0.25, 4)).toEqual([3, 3]);
    const am = grad((x: Array, y: Array) => jnp.sum(jnp.maximum(x, y)), { argnums: [0, 1] })(jnp.array([1, 2, 3]), jnp.array([1, 0, 3]));
    expect(am.map((a) => a.tolist())).toEqual([[0.5, 1, 0.5], [0.5, 0, 0.5]]);
  });

  it("Math.abs at 0 has derivative 1", () => {
    const d = grad((x: number) => Math.abs(x));
    expect(d(0)).toBe(1);
    expect(d(-0.5)).toBe(-1);
    expect(d(2)).toBe(1);
    expect(grad((x: Array) => jnp.sum(jnp.abs(x)))(jnp.array([0, -1, 2])).tolist()).toEqual([1, -1, 1]);
  });

  it("comparisons and loop counters never get gradients", () => {
    // the trip count depends on x, the counter is compared with x: d/dx Σ x = ⌈x⌉
    const count = grad((x: number) => {
      let s = 0;
      for (let i = 0; i < x; i++) s += x;
      return s;
    });
    expect(count(3.5)).toBe(4);
    expect(count(0.2)).toBe(1);
    expect(count(-1)).toBe(0);
    // a comparison's result used as a selector: only the chosen value's dependence counts
    const sel = grad((x: number, i: number) => (i < x ? x * i : x), { argnums: [0, 1] });
    expect(sel(2.5, 2)).toEqual([2, 2.5]);
    expect(sel(1.5, 2)).toEqual([1, 0]);
    // a constant result behind a comparison
    expect(grad((x: number) => (x > 1 ? 2 : 3))(1.5)).toBe(0);
    // a counter that a differentiated value steps: i is never differentiated, x·i is
    const counter = grad((x: number) => {
      let s = 0;
      let i = 0;
      while (i * x < 10) {
        s += i * x;
        i++;
      }
      return s;
    });
    expect(counter(1.5)).toBe(0 + 1 + 2 + 3 + 4 + 5 + 6);
  });
});

// ---- Array programs (float32) against float64 twins ---------------------------------------------------

/** ∂f/∂v_i for every i in float64, 4-point stencil. */
function fdVec(f: (v: number[]) => number, v: readonly number[], h = 1e-4): number[] {
  return v.map((vi, i) => {
    const at = (d: number) => {
      const w = v.slice();
      w[i] = vi + d;
      return f(w);
    };
    return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
  });
}
/** The derivative of the vector function g along u, 4-point stencil. */
function fdDir(g: (v: number[]) => number[], v: readonly number[], u: readonly number[], h = 1e-3): number[] {
  const at = (d: number) => g(v.map((vi, i) => vi + d * u[i]));
  const [a, b, c, e] = [at(2 * h), at(h), at(-h), at(-2 * h)];
  return a.map((_, i) => (-a[i] + 8 * b[i] - 8 * c[i] + e[i]) / (12 * h));
}
const arr = (data: number[], shape: number[]) => new NDArray(new Float32Array(data), shape, "float32");
const scalarOf = (v: Array) => Number(v.item());

// RNN: h ← tanh(W h + U x_t + b) over the captured sequence; loss Σ h² + Σ h/2
type Rnn = { W: Array; U: Array; b: Array };
function rnnLoss(p: Rnn): Array {
  let h = jnp.zeros([3]);
  for (const x of SEQ) h = jnp.tanh(p.W.dot(h).add(p.U.dot(x)).add(p.b));
  return jnp.sum(h.mul(h)).add(jnp.sum(h).mul(0.5));
}
/** The same in float64 over the flat parameter vector (toVec order: U, W, b: keys sorted). */
function rnnTwin(v: number[]): number {
  const U = [v.slice(0, 2), v.slice(2, 4), v.slice(4, 6)];
  const W = [v.slice(6, 9), v.slice(9, 12), v.slice(12, 15)];
  const b = v.slice(15, 18);
  let h = [0, 0, 0];
  for (const x of SEQ_DATA) h = h.map((_, r) => Math.tanh(W[r][0] * h[0] + W[r][1] * h[1] + W[r][2] * h[2] + U[r][0] * x[0] + U[r][1] * x[1] + b[r]));
  return h.reduce((s, y) => s + y * y + 0.5 * y, 0);
}
const RNN_P: Rnn = {
  W: arr([0.5, -0.3, 0.2, 0.1, 0.4, -0.6, -0.25, 0.35, 0.15], [3, 3]),
  U: arr([0.8, -0.5, 0.3, 0.9, -0.4, 0.2], [3, 2]),
  b: arr([0.1, -0.2, 0.05], [3]),
};
const RNN_DIR: Rnn = {
  W: arr([0.3, 0.1, -0.2, 0.5, -0.4, 0.2, 0.1, 0.6, -0.3], [3, 3]),
  U: arr([-0.2, 0.4, 0.7, -0.1, 0.3, 0.5], [3, 2]),
  b: arr([0.6, -0.3, 0.2], [3]),
};
/** ⟨∇loss(p), d⟩ with tsjax's own gradient: its gradient is the Hessian-vector product H·d. */
function rnnGradDot(p: Rnn): Array {
  const g = grad(rnnLoss)(p);
  return jnp.sum(g.W.mul(RNN_DIR.W)).add(jnp.sum(g.U.mul(RNN_DIR.U))).add(jnp.sum(g.b.mul(RNN_DIR.b)));
}

// Logistic regression trained by 20 SGD steps; the final loss as a function of the initial weights
function bce(w: Array): Array {
  const z = LR_X.dot(w);
  return jnp.mean(jnp.log1p(jnp.exp(z)).sub(LR_Y.mul(z)));
}
/** Each step by the explicit gradient formula Xᵀ(σ(Xw) − y)/N. */
function trainExplicit(w0: Array): Array {
  let w = w0;
  for (let s = 0; s < 20; s++) {
    const p = sigmoid(LR_X.dot(w));
    w = w.sub(LR_X.T.dot(p.sub(LR_Y)).mul(0.5 / 8));
  }
  return bce(w);
}
/** Each step by an inner valueAndGrad (a transform nested in the differentiated loop). */
function trainInner(w0: Array): Array {
  let w = w0;
  let last = jnp.zeros([]);
  for (let s = 0; s < 20; s++) {
    const [l, g] = valueAndGrad(bce)(w);
    w = w.sub(g.mul(0.5));
    last = l;
  }
  return bce(w).add(last.mul(0.1));
}
function trainTwin(w0: number[], withLast = false): number {
  const loss = (w: number[]) =>
    LR_X_DATA.reduce((s, x, i) => {
      const z = x[0] * w[0] + x[1] * w[1] + x[2] * w[2];
      return s + Math.log1p(Math.exp(z)) - LR_Y_DATA[i] * z;
    }, 0) / 8;
  let w = w0.slice();
  let last = 0;
  for (let s = 0; s < 20; s++) {
    last = loss(w);
    const r = LR_X_DATA.map((x, i) => 1 / (1 + Math.exp(-(x[0] * w[0] + x[1] * w[1] + x[2] * w[2]))) - LR_Y_DATA[i]);
    w = w.map((wj, j) => wj - (0.5 / 8) * LR_X_DATA.reduce((a, x, i) => a + x[j] * r[i], 0));
  }
  return loss(w) + (withLast ? 0.1 * last : 0);
}
const LR_DIR = [0.4, -0.7, 0.2];
function trainGradDot(w: Array): Array {
  return jnp.sum(grad(trainExplicit)(w).mul(jnp.array(LR_DIR)));
}
function trainInnerGradDot(w: Array): Array {
  return jnp.sum(grad(trainInner)(w).mul(jnp.array(LR_DIR)));
}

/** A data-dependent branch and an early return on Arrays (conditions read with .item()). */
function arrayBranchy(x: Array, n: number): Array {
  let h = x;
  for (let i = 0; i < n; i++) {
    if ((jnp.sum(h).item() as number) > 0) h = jnp.tanh(h.mul(1.3)).add(x.mul(0.1));
    else h = h.mul(h).sub(0.2);
    if ((jnp.max(h).item() as number) > 0.95) return jnp.sum(h).mul(i + 1);
  }
  return jnp.sum(h.mul(x));
}
function arrayBranchyTwin(x: number[], n: number): number {
  let h = x.slice();
  for (let i = 0; i < n; i++) {
    if (h.reduce((a, b) => a + b) > 0) h = h.map((v, j) => Math.tanh(v * 1.3) + x[j] * 0.1);
    else h = h.map((v) => v * v - 0.2);
    if (Math.max(...h) > 0.95) return h.reduce((a, b) => a + b) * (i + 1);
  }
  return h.reduce((a, v, j) => a + v * x[j], 0);
}

describe("Array programs (float32) against float64 twins", () => {
  it("an RNN over a captured sequence: gradient wrt (W, U, b) as a pytree", () => {
    const [loss, g] = valueAndGrad(rnnLoss)(RNN_P);
    const v = toVec(RNN_P);
    expectVecClose([scalarOf(loss)], [rnnTwin(v)], { rtol: 1e-5 }, "RNN loss");
    expect(Object.keys(g).sort()).toEqual(["U", "W", "b"]);
    expect([g.W.shape, g.U.shape, g.b.shape]).toEqual([[3, 3], [3, 2], [3]]);
    expectVecClose(toVec(g), fdVec(rnnTwin, v), F32_FIRST, "∇RNN");
  });

  it("the RNN's second order: Hessian-vector product against differences of the gradient", () => {
    const hv = grad(rnnGradDot)(RNN_P);
    const v = toVec(RNN_P);
    expectVecClose(toVec(hv), fdDir((w) => fdVec(rnnTwin, w, 1e-4), v, toVec(RNN_DIR)), F32_SECOND, "H·d RNN");
    expectVecClose(toVec(hv), fdGrad(rnnGradDot, RNN_P), { rtol: 3e-2, atol: 2e-3, floor: 0.05 }, "H·d RNN (float32 differences)");
  });

  it("logistic regression trained by 20 SGD steps: gradient of the final loss wrt the initial weights", () => {
    for (const w0 of [[0.1, -0.2, 0.3], [-0.5, 0.4, 0.0]]) {
      const w = jnp.array(w0);
      const [l, g] = valueAndGrad(trainExplicit)(w);
      expectVecClose([scalarOf(l)], [trainTwin(w0)], { rtol: 1e-5 }, "trained loss");
      expectVecClose(toVec(g), fdVec((v) => trainTwin(v), w0), F32_FIRST, `∇trained(${w0})`);
      expectVecClose(toVec(grad(trainGradDot)(w)), fdDir((v) => fdVec((u) => trainTwin(u), v), w0, LR_DIR), F32_SECOND, `H·d trained(${w0})`);
    }
  });

  it("logistic regression with an inner valueAndGrad per step (grad through grad in a loop, and its second order)", () => {
    const w0 = [0.1, -0.2, 0.3];
    const w = jnp.array(w0);
    expectVecClose(toVec(grad(trainInner)(w)), fdVec((v) => trainTwin(v, true), w0), F32_FIRST, "∇trainInner");
    expectVecClose(toVec(grad(trainInnerGradDot)(w)), fdDir((v) => fdVec((u) => trainTwin(u, true), v), w0, LR_DIR), F32_SECOND, "H·d trainInner");
  });

  it("data-dependent branches and an early return on Arrays", () => {
    const g = grad(arrayBranchy);
    const dot = (x: Array, n: number) => jnp.sum(grad(arrayBranchy)(x, n).mul(jnp.array([0.3, -0.5, 0.8])));
    const h = grad(dot);
    for (const [x0, n] of [[[0.2, -0.1, 0.4], 5], [[-0.6, 0.1, 0.2], 4], [[0.3, 0.2, 0.25], 3], [[0.1, -0.3, 0.05], 0]] as [number[], number][]) {
      const x = jnp.array(x0);
      expectVecClose(toVec(g(x, n)), fdVec((v) => arrayBranchyTwin(v, n), x0), F32_FIRST, `∇arrayBranchy(${x0}; ${n})`);
      expectVecClose(toVec(h(x, n)), fdDir((v) => fdVec((u) => arrayBranchyTwin(u, n), v), x0, [0.3, -0.5, 0.8]), F32_SECOND, `H·d arrayBranchy(${x0}; ${n})`);
    }
  });
});

// ---- regressions: minimal repros of bugs this corpus found ------------------------------------

/** `??` where the left side is a captured nullable constant (the run-time test picks a side). */
const MAYBE_SCALE: number | null = null;
const MAYBE_SHIFT: number | null = 0.5;

describe("short circuits with booleans and null", () => {
  it("?? over captured nullable constants", () => {
    const d = grad((x: number) => (MAYBE_SCALE ?? x) * x + (MAYBE_SHIFT ?? x * x));
    expect(d(1.5)).toBe(3); // (null ?? x)·x + (0.5 ?? x²) = x² + 0.5
  });
  it("&& with a boolean on the left flows the number through", () => {
    const g = grad(boolAnd, { argnums: [0, 1] });
    expect(g(0.6, 1.3)).toEqual([1.3, 0.6]); // x > 0: x·y
    expect(g(-0.6, 1.3)).toEqual([0, 2.6]); // false || y²
    expectVecClose(toVec(g(0.6, 1.3)), fdGrad((t: [number, number]) => boolAnd(...t), [0.6, 1.3], { fourPoint: true }), FIRST, "∇boolAnd");
  });
});

describe("regressions", () => {
  it("side effects in a loop condition are a build diagnostic (not a wrong result)", () => {
    const c = compile({
      "a.ts": HEADER + "export const g = valueAndGrad((x: number) => {\n  let k = 0;\n  let s = 0;\n  while (k++ < 3) s += x;\n  return s + k * x;\n});\n",
      "b.ts": HEADER + "export const g = valueAndGrad((x: number, n: number) => {\n  let s = 0;\n  let m = n;\n  do {\n    s += x * m;\n  } while (--m > 0);\n  return s + m * x;\n});\n",
    });
    try {
      for (const [file, name] of [["a.ts", "k"], ["b.ts", "m"]]) {
        const msgs = c.emit(file).diagnostics.map((d) => (typeof d.messageText === "string" ? d.messageText : d.messageText.messageText));
        expect(msgs).toEqual([`tsjax: the loop condition assigns '${name}': side effects in a loop condition are not supported in a differentiated function (update it in the body)`]);
      }
    } finally {
      c.cleanup();
    }
  });
  it("second order of a loop inside an if", () => {
    const f = (x: number, n: number) => {
      let s = x;
      if (x < 0) {
        for (let i = 0; i < n; i++) s = s * s;
      }
      return s;
    };
    const d2 = grad(grad(f));
    expect(d2(-1.3, 2)).toBeCloseTo(12 * 1.3 ** 2, 12); // s = x⁴
    expect(d2(0.6, 2)).toBe(0); // s = x
  });

  it("a loop-carried variable initialised from a value the body also reads", () => {
    const d = grad((x: number, n: number) => {
      let y = x;
      for (let i = 0; i < n; i++) y = y * x;
      return y;
    });
    expect(d(2, 0)).toBe(1); // y = x
    expect(d(2, 1)).toBe(4); // y = x²
    expect(d(2, 3)).toBe(32); // y = x⁴
  });

  it("second order through an Array early return inside a loop", () => {
    const f = (x: Array, n: number) => {
      let h = x;
      for (let i = 0; i < n; i++) {
        h = jnp.sin(h);
        if ((jnp.sum(h).item() as number) > 5) return jnp.sum(h.mul(h));
      }
      return jnp.sum(h);
    };
    const h = grad((x: Array) => jnp.sum(grad(f)(x, 3)));
    // Σ sin³(x)'' : the return is not taken, so the result is Σ d²/dx² sin(sin(sin x))
    const s3 = (v: number) => Math.sin(Math.sin(Math.sin(v)));
    const want = [0.2, 0.3].map((v) => fd1((u) => fd1(s3, u, 1e-4), v, 1e-3));
    expectVecClose(toVec(h(jnp.array([0.2, 0.3]))), want, { rtol: 1e-4, atol: 1e-5 }, "d²");
  });
});

// ---- what is not differentiated: build-time diagnostics -------------------------------------------

// Sources (after HEADER) whose grad call must fail to build; the marker /*@*/ shows where the diagnostic starts.
const UNSUPPORTED: { name: string; src: string; msg: RegExp; bug?: boolean }[] = [
  {
    name: "try/catch inside a loop",
    src: `export const d = grad((x: number, n: number) => {\n  let s = x;\n  for (let i = 0; i < n; i++) {\n    /*@*/try {\n      s = s * x;\n    } catch {\n      s = 0;\n    }\n  }\n  return s;\n});\n`,
    msg: /`try` inside a differentiated function is not supported/,
  },
  {
    name: "a generator driving a loop",
    src: `/*@*/function* gen(n: number) {\n  for (let i = 0; i < n; i++) yield i;\n}\nexport const d = grad((x: number) => {\n  let s = 0;\n  for (const k of gen(3)) s += x * k;\n  return s;\n});\n`,
    msg: /'gen' is a generator/,
  },
  {
    name: "a loop variable that changes structure",
    src: `export const d = grad((x: number, n: number) => {\n  let s: number | [number, number] = x;\n  /*@*/for (let i = 0; i < n; i++) s = [x, x];\n  return x;\n});\n`,
    msg: /'s' changes structure inside the loop/,
  },
  {
    name: "a ternary whose two sides have different structures",
    src: `export const d = grad((x: number) => {\n  const o = /*@*/x > 0 ? { a: x } : { b: x };\n  return x;\n});\n`,
    msg: /different structure on the two paths/,
  },
];

describe("control flow that is not differentiated is a build diagnostic", () => {
  const files = Object.fromEntries(UNSUPPORTED.map((c, i) => [`case${i}.ts`, HEADER + c.src.replace("/*@*/", "")]));
  // (and one program that must build)
  files["shorthand.ts"] =
    HEADER + `export const d = grad((x: number, n: number) => {\n  let c = x;\n  for (let i = 0; i < n; i++) {\n    const o = { c };\n    c = o.c * x;\n  }\n  return c;\n});\n`;
  const c = compile(files);
  const results = UNSUPPORTED.map((_, i) => c.emit(`case${i}.ts`));
  const shorthand = c.emit("shorthand.ts");
  c.cleanup();
  UNSUPPORTED.forEach((cs, i) =>
    it(cs.name, () => {
      const res = results[i];
      expect(res.diagnostics.length, `diagnostics of ${cs.name}`).toBeGreaterThan(0);
      const d = res.diagnostics[0];
      const text = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
      expect(text).toMatch(cs.msg);
      const full = HEADER + cs.src;
      const at = full.indexOf("/*@*/");
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start!);
      const want = full.slice(0, at).split("\n");
      expect([line + 1, character + 1]).toEqual([want.length, want[want.length - 1].length + 1]);
    }),
  );
  it("shorthand properties in loop-carried object state build", () => {
    expect(shorthand.diagnostics.map((d) => d.messageText)).toEqual([]);
    expect(shorthand.sites).toHaveLength(1);
  });
  it("the structure message names no internal variable", () => {
    const d = results[3].diagnostics[0];
    expect(typeof d.messageText === "string" ? d.messageText : d.messageText.messageText).not.toMatch(/\$sel/);
  });
});

// ---- tapes: what loops keep for the adjoint sweep ----------------------------------------------

const TAPE_SRC = `
export const straight = grad((x: number, y: number) => Math.sin(x * y) + Math.exp(x) / (1 + y * y), { argnums: [0, 1] });
export const branchy = grad((x: number) => { if (x > 0) return Math.sin(x) * x; return x > -1 ? x * x : -x; });
export const oneLoop = grad((x: number, n: number) => { let y = x; for (let i = 0; i < n; i++) y = Math.sin(y) * 0.5 + y; return y * x; });
export const nested = grad((x: number, n: number, m: number) => { let s = 0; for (let i = 0; i < n; i++) { let p = Math.cos(x); for (let j = 0; j < m; j++) p = p * Math.sin(p); s += p; } return s; });
export const arrLoop = grad((w: Array, n: number) => { let h = w; for (let i = 0; i < n; i++) h = jnp.tanh(h).mul(2); return jnp.sum(h); });
`;
// The same programs compiled with this file, to run.
const oneLoop = grad((x: number, n: number) => {
  let y = x;
  for (let i = 0; i < n; i++) y = Math.sin(y) * 0.5 + y;
  return y * x;
});
const nested = grad((x: number, n: number, m: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let p = Math.cos(x);
    for (let j = 0; j < m; j++) p = p * Math.sin(p);
    s += p;
  }
  return s;
});
const straight = grad((x: number, y: number) => Math.sin(x * y) + Math.exp(x) / (1 + y * y), { argnums: [0, 1] });

/** The `.push(...)` calls of generated code: how many values each pushes. */
/** Values pushed at each push site of generated code: numbers `tape_f[tape_n++] = v`, others `tape.o.push(v)`. */
const pushes = (code: string) =>
  code
    .split("\n")
    .filter((l) => /_n\+\+\] =|\.o\.push\(/.test(l))
    .map((l) => (l.match(/_n\+\+\] =/g)?.length ?? 0) + [...l.matchAll(/\.o\.push\(([^)]*)\)/g)].reduce((k, m) => k + m[1].split(",").length, 0));
/** Values popped: `tape_f[--tape_n]` and `tape.o.pop()`. */
const pops = (code: string) => (code.match(/\[--\w+_n\]/g)?.length ?? 0) + (code.match(/\.o\.pop\(\)/g)?.length ?? 0);

/** After a call: numbers left on the last finished tape (0: all popped) and its buffer size. */
function tapeAfter<T>(f: () => T): { value: T; left: number; capacity: number } {
  const value = f();
  return { value, left: __rt.tapeStats.left, capacity: __rt.tapeStats.capacity };
}

describe("loop tapes", () => {
  const c = compile({ "tape.ts": HEADER + TAPE_SRC });
  const res = c.emit("tape.ts");
  c.cleanup();
  /** The generated code of the grad call on the line declaring `name`. */
  const code = (name: string) => {
    const line = (HEADER + TAPE_SRC).split("\n").findIndex((l) => l.startsWith(`export const ${name} =`)) + 1;
    const s = res.sites.find((x) => x.line === line);
    expect(s, name).toBeDefined();
    return s!.code;
  };

  it("compiles the probe programs without diagnostics", () => {
    expect(res.diagnostics).toEqual([]);
    expect(res.sites).toHaveLength(5);
  });

  it("straight-line code and branches keep no tape", () => {
    for (const name of ["straight", "branchy"]) {
      expect(code(name)).not.toMatch(/tape|\.push\(|\.pop\(/);
    }
  });

  it("a loop pushes a fixed number of values per iteration, and the adjoint pops them all", () => {
    // y ← sin(y)/2 + y: the adjoint reads y (cos y is recomputed); the code after the loop reads y directly
    const one = code("oneLoop");
    expect(one.match(/new __tsjax_rt\.Tape\(\)/g)).toHaveLength(1);
    expect(pushes(one)).toEqual([1]);
    expect(pops(one)).toBe(1);
    // Arrays: tanh(h)·2 keeps tanh(h) only
    const arrCode = code("arrLoop");
    expect(pushes(arrCode)).toEqual([1]);
    expect(pops(arrCode)).toBe(1);
  });

  it("nested loops share the function's one tape: the inner loop pushes its values, the outer its trip count", () => {
    const n = code("nested");
    expect(n.match(/new __tsjax_rt\.Tape\(\)/g)).toHaveLength(1);
    expect(pushes(n).sort()).toEqual([1, 2]); // inner: p and sin p; outer: the inner trip count
    expect(pops(n)).toBe(3);
  });

  it("at run time: every value taped is popped, and the tape grows with the trip count", () => {
    for (const n of [0, 10, 100, 5000]) {
      const r = tapeAfter(() => oneLoop(0.4, n));
      expect(r.left).toBe(0);
      expect(r.capacity).toBeGreaterThanOrEqual(n);
      expect(r.capacity).toBeLessThanOrEqual(Math.max(1024, 2 * n));
    }
    for (const [n, m] of [[0, 5], [3, 0], [10, 10], [20, 50]]) {
      const r = tapeAfter(() => nested(0.4, n, m));
      expect(r.left).toBe(0);
    }
    // and the gradient is right: d/dx Σᵢ pₘ with p₀ = cos x
    const inner = (x: number) => {
      let p = Math.cos(x);
      for (let j = 0; j < 4; j++) p = p * Math.sin(p);
      return 3 * p;
    };
    expectVecClose([nested(0.4, 3, 4)], [fd1(inner, 0.4)], FIRST, "nested′");
    expectVecClose([oneLoop(0.4, 7)], [fd1((x) => {
      let y = x;
      for (let i = 0; i < 7; i++) y = Math.sin(y) * 0.5 + y;
      return y * x;
    }, 0.4)], FIRST, "oneLoop′");
  });
});
