// tsjax/optim: optax's design in TypeScript. A gradient transformation is a pair of pure
// functions over pytrees, `init(params) → state` and `update(grads, state, params?) →
// [updates, state]`; optimizers are chains of small transformations with optax's update rules
// and defaults, and `applyUpdates(params, updates)` adds the updates (which already carry the
// minus sign of descent). Leaves are float32 Arrays (updated with the float32 ops of jnp) or
// numbers (float64). The state mirrors the parameters' pytree: moments are pytrees of the
// parameters' type, so `tree.map` and `tree.save` take them as they take the parameters.
//
//   const tx = optim.chain(optim.clipByGlobalNorm(1), optim.adam(optim.cosineDecaySchedule(1e-3, 1000)));
//   let state = tx.init(params);
//   const [updates, next] = tx.update(grads, state, params);
//   params = optim.applyUpdates(params, updates); state = next;
/**
 * optax's gradient transformations, optimizers and schedules: `import { optim } from "tsjax"`
 * (or `"tsjax/optim"`).
 * @module tsjax/optim
 */

import { floatDTypeOf } from "../dtype-cast.js";
import { NDArray } from "../array.js";
import * as ew from "../numpy/elementwise.js";
import { sum } from "../numpy/reduce.js";
import { fullLike, zerosLike } from "../numpy/creation.js";
import * as tree from "../tree.js";
import type { Schedule } from "./schedules.js";

export * from "./schedules.js";

/** A transformation's state: a step count and moments shaped like the parameters (pytrees P). */
export interface OptState<P> {
  readonly count?: number;
  readonly mu?: P;
  readonly nu?: P;
  readonly trace?: P;
  /** A chain's states, one a link. */
  readonly inner?: readonly OptState<P>[];
}

export interface GradientTransformation {
  init<P>(params: P): OptState<P>;
  update<P>(updates: P, state: OptState<P>, params?: P): [P, OptState<P>];
}

/** A learning rate: a number, or a schedule of the step. */
export type LearningRate = number | Schedule;

type Leaf = NDArray | number;
const num = (x: unknown): x is number => typeof x === "number";
// leaf arithmetic: numbers in float64, Arrays in their dtype (jnp's ops; a number operand is weak)
const add = (a: Leaf, b: Leaf): Leaf => (num(a) && num(b) ? a + b : ew.add(a, b));
const sub = (a: Leaf, b: Leaf): Leaf => (num(a) && num(b) ? a - b : ew.subtract(a, b));
const mul = (a: Leaf, b: Leaf): Leaf => (num(a) && num(b) ? a * b : ew.multiply(a, b));
const div = (a: Leaf, b: Leaf): Leaf => (num(a) && num(b) ? a / b : ew.divide(a, b));
const sqrt = (a: Leaf): Leaf => (num(a) ? Math.sqrt(a) : ew.sqrt(a));
const square = (a: Leaf): Leaf => (num(a) ? a * a : ew.square(a));
const sign = (a: Leaf): Leaf => (num(a) ? Math.sign(a) : ew.sign(a));
// (state in the parameter's float dtype, as optax's zeros_like: float64 parameters get float64 moments)
const zeros = (a: Leaf): Leaf => (num(a) ? 0 : zerosLike(a, { dtype: floatDTypeOf(a) }));
const full = (a: Leaf, v: number): Leaf => (num(a) ? v : fullLike(a, v, { dtype: floatDTypeOf(a) }));

/** tree.map over leaves with leaf arithmetic (the trees share the first one's structure). */
const lift = <P>(f: (...xs: Leaf[]) => Leaf, t: P, ...rest: unknown[]): P => tree.map((x: Leaf, ...r: Leaf[]) => f(x, ...r), t, ...rest);

function need<P>(name: string, params: P | undefined): P {
  if (params === undefined) throw new TypeError(`optim.${name}: update needs the parameters (tx.update(grads, state, params))`);
  return params;
}

// ---- the building blocks (optax's scale_by_* and friends) ------------------------------------

/** Multiply the updates by `factor`. */
export function scale(factor: number): GradientTransformation {
  return { init: () => ({}), update: (u, s) => [lift((g) => mul(g, factor), u), s] };
}

/** Multiply the updates by schedule(step), the step counting calls of update from 0. */
export function scaleBySchedule(schedule: Schedule): GradientTransformation {
  return {
    init: () => ({ count: 0 }),
    update: (u, s) => {
      const count = s.count ?? 0;
      const f = schedule(count);
      return [lift((g) => mul(g, f), u), { count: count + 1 }];
    },
  };
}

/** −lr·updates (descent): a fixed rate, or a schedule of the step. */
export function scaleByLearningRate(lr: LearningRate): GradientTransformation {
  return typeof lr === "function" ? scaleBySchedule((c) => -lr(c)) : scale(-lr);
}

/** Momentum: t ← g + decay·t; the updates are t (or g + decay·t with Nesterov's correction). */
export function trace(decay: number, opts: { nesterov?: boolean } = {}): GradientTransformation {
  return {
    init: (p) => ({ trace: lift(zeros, p) }),
    update: (u, s) => {
      const t = lift((g, tr) => add(g, mul(tr, decay)), u, s.trace);
      return [opts.nesterov ? lift((g, tr) => add(g, mul(tr, decay)), u, t) : t, { trace: t }];
    },
  };
}

/** Adam's moments, bias-corrected: m̂/(√(v̂ + epsRoot) + eps). */
export function scaleByAdam(opts: { b1?: number; b2?: number; eps?: number; epsRoot?: number } = {}): GradientTransformation {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0 } = opts;
  return {
    init: (p) => ({ count: 0, mu: lift(zeros, p), nu: lift(zeros, p) }),
    update: (u, s) => {
      const mu = lift((g, m) => add(mul(g, 1 - b1), mul(m, b1)), u, s.mu);
      const nu = lift((g, v) => add(mul(square(g), 1 - b2), mul(v, b2)), u, s.nu);
      const count = (s.count ?? 0) + 1;
      const c1 = 1 - b1 ** count, c2 = 1 - b2 ** count;
      const out = lift((m, v) => div(div(m, c1), add(sqrt(add(div(v, c2), epsRoot)), eps)), mu, nu);
      return [out, { count, mu, nu }];
    },
  };
}

/** updates + weightDecay·params (decoupled weight decay, before the learning rate). */
export function addDecayedWeights(weightDecay: number): GradientTransformation {
  return {
    init: () => ({}),
    update: (u, s, params) => [lift((g, p) => add(g, mul(p, weightDecay)), u, need("addDecayedWeights", params)), s],
  };
}

/** RMSProp's scaling: v ← decay·v + (1 − decay)·g², updates g/√(v + eps). */
export function scaleByRms(opts: { decay?: number; eps?: number; initialScale?: number } = {}): GradientTransformation {
  const { decay = 0.9, eps = 1e-8, initialScale = 0 } = opts;
  return {
    init: (p) => ({ nu: lift((x) => full(x, initialScale), p) }),
    update: (u, s) => {
      const nu = lift((g, v) => add(mul(square(g), 1 - decay), mul(v, decay)), u, s.nu);
      return [lift((g, v) => div(g, sqrt(add(v, eps))), u, nu), { nu }];
    },
  };
}

/** Adagrad's scaling: s ← s + g², updates g/√(s + eps) (0 where s is 0). */
export function scaleByRss(opts: { initialAccumulatorValue?: number; eps?: number } = {}): GradientTransformation {
  const { initialAccumulatorValue = 0.1, eps = 1e-7 } = opts;
  return {
    init: (p) => ({ nu: lift((x) => full(x, initialAccumulatorValue), p) }),
    update: (u, s) => {
      const nu = lift((g, v) => add(square(g), v), u, s.nu);
      const out = lift((g, v) => (num(v) && num(g) ? (v > 0 ? g / Math.sqrt(v + eps) : 0) : ew.where(ew.greater(v, 0), ew.divide(g, ew.sqrt(ew.add(v, eps))), 0)), u, nu);
      return [out, { nu }];
    },
  };
}

/** Lion's update: sign((1 − b1)·g + b1·m), then m ← (1 − b2)·g + b2·m. */
export function scaleByLion(opts: { b1?: number; b2?: number } = {}): GradientTransformation {
  const { b1 = 0.9, b2 = 0.99 } = opts;
  return {
    init: (p) => ({ mu: lift(zeros, p) }),
    update: (u, s) => {
      const out = lift((g, m) => sign(add(mul(g, 1 - b1), mul(m, b1))), u, s.mu);
      const mu = lift((g, m) => add(mul(g, 1 - b2), mul(m, b2)), u, s.mu);
      return [out, { mu }];
    },
  };
}

/** ‖updates‖ over every leaf (float64 sum of the leaves' sums of squares). */
export function globalNorm(updates: unknown): number {
  let s = 0;
  for (const x of tree.leaves(updates) as Leaf[]) s += num(x) ? x * x : (sum(ew.square(x)).item() as number);
  return Math.sqrt(s);
}

/** Scale the updates down to global norm maxNorm when it is above it. */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation {
  return {
    init: () => ({}),
    update: (u, s) => {
      const g = globalNorm(u);
      if (g < maxNorm) return [u, s];
      // (an Array divides by the norm in its own dtype, as optax does; a number by the float64 norm)
      return [lift((x) => (num(x) ? (x / g) * maxNorm : mul(div(x, Math.fround(g)), maxNorm)), u), s];
    },
  };
}

/** The transformations one after another (each update's output the next one's input). */
export function chain(...txs: GradientTransformation[]): GradientTransformation {
  return {
    init: (p) => ({ inner: txs.map((t) => t.init(p)) }),
    update: (u, s, params) => {
      const inner = s.inner ?? [];
      if (inner.length !== txs.length) throw new TypeError(`optim.chain: a state for ${inner.length} transformations given to a chain of ${txs.length}`);
      const next: OptState<typeof u>[] = [];
      let cur = u;
      txs.forEach((t, i) => {
        const [v, st] = t.update(cur, inner[i], params);
        cur = v;
        next.push(st);
      });
      return [cur, { inner: next }];
    },
  };
}

// ---- optimizers (optax's aliases, same defaults) ---------------------------------------------

/** Stochastic gradient descent, with optional (Nesterov) momentum. */
export function sgd(learningRate: LearningRate, opts: { momentum?: number; nesterov?: boolean } = {}): GradientTransformation {
  const lr = scaleByLearningRate(learningRate);
  return opts.momentum === undefined ? chain(lr) : chain(trace(opts.momentum, { nesterov: opts.nesterov }), lr);
}

export function adam(learningRate: LearningRate, opts: { b1?: number; b2?: number; eps?: number; epsRoot?: number } = {}): GradientTransformation {
  return chain(scaleByAdam(opts), scaleByLearningRate(learningRate));
}

/** Adam with decoupled weight decay (Loshchilov & Hutter): default weightDecay 1e-4, as optax. */
export function adamw(learningRate: LearningRate, opts: { b1?: number; b2?: number; eps?: number; epsRoot?: number; weightDecay?: number } = {}): GradientTransformation {
  return chain(scaleByAdam(opts), addDecayedWeights(opts.weightDecay ?? 1e-4), scaleByLearningRate(learningRate));
}

export function rmsprop(learningRate: LearningRate, opts: { decay?: number; eps?: number; initialScale?: number; momentum?: number; nesterov?: boolean } = {}): GradientTransformation {
  const parts = [scaleByRms(opts)];
  if (opts.momentum !== undefined) parts.push(trace(opts.momentum, { nesterov: opts.nesterov }));
  return chain(...parts, scaleByLearningRate(learningRate));
}

export function adagrad(learningRate: LearningRate, opts: { initialAccumulatorValue?: number; eps?: number } = {}): GradientTransformation {
  return chain(scaleByRss(opts), scaleByLearningRate(learningRate));
}

/** Lion (Chen et al. 2023): default weightDecay 1e-3, as optax. */
export function lion(learningRate: LearningRate, opts: { b1?: number; b2?: number; weightDecay?: number } = {}): GradientTransformation {
  return chain(scaleByLion(opts), addDecayedWeights(opts.weightDecay ?? 1e-3), scaleByLearningRate(learningRate));
}

/** params + updates, leaf by leaf (the updates already point downhill). */
export function applyUpdates<P>(params: P, updates: P): P {
  return lift(add, params, updates);
}
