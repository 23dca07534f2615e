// Learning-rate schedules, as optax defines them: a schedule is `(step: number) => number`, the
// step counting updates from 0. Each is a plain function of the step (float64), so it can be
// plotted, composed, or passed where a learning rate goes.

export type Schedule = (step: number) => number;

function check(name: string, cond: boolean, what: string): void {
  if (!cond) throw new RangeError(`optim.${name}: ${what}`);
}

/** The same value at every step. */
export function constantSchedule(value: number): Schedule {
  return () => value;
}

/**
 * init · rate^((step − transitionBegin) / transitionSteps) (the exponent floored with
 * `staircase`), held at init before transitionBegin and clipped at endValue (a floor when the
 * rate decays, a ceiling when it grows).
 */
export function exponentialDecay(
  initValue: number,
  transitionSteps: number,
  decayRate: number,
  opts: { transitionBegin?: number; staircase?: boolean; endValue?: number } = {},
): Schedule {
  check("exponentialDecay", transitionSteps > 0, `transitionSteps must be positive, got ${transitionSteps}`);
  const { transitionBegin = 0, staircase = false, endValue } = opts;
  return (step) => {
    const count = step - transitionBegin;
    if (count <= 0) return initValue;
    const p = staircase ? Math.floor(count / transitionSteps) : count / transitionSteps;
    const v = initValue * decayRate ** p;
    if (endValue === undefined) return v;
    return decayRate < 1 ? Math.max(v, endValue) : Math.min(v, endValue);
  };
}

/** init · ((1 − alpha)·(½(1 + cos(π·min(step, decaySteps)/decaySteps)))^exponent + alpha). */
export function cosineDecaySchedule(initValue: number, decaySteps: number, opts: { alpha?: number; exponent?: number } = {}): Schedule {
  check("cosineDecaySchedule", decaySteps > 0, `decaySteps must be positive, got ${decaySteps}`);
  const { alpha = 0, exponent = 1 } = opts;
  return (step) => {
    const count = Math.min(Math.max(step, 0), decaySteps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * count) / decaySteps));
    return initValue * ((1 - alpha) * cosine ** exponent + alpha);
  };
}

/** A line from init to end over transitionSteps steps (after transitionBegin), then end. */
export function linearSchedule(initValue: number, endValue: number, transitionSteps: number, transitionBegin = 0): Schedule {
  return (step) => {
    if (transitionSteps <= 0) return initValue; // (optax: a constant schedule)
    const frac = Math.min(Math.max(step - transitionBegin, 0), transitionSteps) / transitionSteps;
    return (initValue - endValue) * (1 - frac) + endValue;
  };
}

/** Schedules one after another: the i-th from boundaries[i − 1] on, counting its steps from there. */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  check("joinSchedules", boundaries.length === schedules.length - 1, `${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${boundaries.length}`);
  return (step) => {
    let i = 0;
    while (i < boundaries.length && step >= boundaries[i]) i++;
    return schedules[i](i === 0 ? step : step - boundaries[i - 1]);
  };
}

/** Linear warm-up from init to peak over warmupSteps, then cosine decay to end at decaySteps (counted from 0). */
export function warmupCosineDecaySchedule(
  initValue: number,
  peakValue: number,
  warmupSteps: number,
  decaySteps: number,
  opts: { endValue?: number; exponent?: number } = {},
): Schedule {
  const { endValue = 0, exponent = 1 } = opts;
  check("warmupCosineDecaySchedule", decaySteps > warmupSteps, `decaySteps (${decaySteps}) must exceed warmupSteps (${warmupSteps})`);
  const alpha = peakValue === 0 ? 0 : endValue / peakValue;
  return joinSchedules([linearSchedule(initValue, peakValue, warmupSteps), cosineDecaySchedule(peakValue, decaySteps - warmupSteps, { alpha, exponent })], [warmupSteps]);
}

/** init, multiplied by scales[b] once the step is past each boundary b (`{ 1000: 0.1, 2000: 0.1 }`). */
export function piecewiseConstantSchedule(initValue: number, boundariesAndScales: Readonly<Record<number, number>> = {}): Schedule {
  const bounds = Object.keys(boundariesAndScales)
    .map(Number)
    .sort((a, b) => a - b);
  return (step) => {
    let v = initValue;
    for (const b of bounds) if (step > b) v *= boundariesAndScales[b];
    return v;
  };
}
