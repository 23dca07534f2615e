// Hyper-dual numbers in float64: a value with its first and second partial derivatives with
// respect to the two inputs x and y (v, ∂x, ∂y, ∂xx, ∂xy, ∂yy). Forward mode, evaluated along the
// branches the program actually takes: the fuzzer's independent oracle.

export interface HD {
  v: number;
  x: number;
  y: number;
  xx: number;
  xy: number;
  yy: number;
}

export const hd = (v: number, x = 0, y = 0, xx = 0, xy = 0, yy = 0): HD => ({ v, x, y, xx, xy, yy });
export const konst = (v: number): HD => hd(v);
/** Whether the value moves with x or y (at first order). */
export const active = (a: HD): boolean => a.x !== 0 || a.y !== 0;

export const add = (a: HD, b: HD): HD => hd(a.v + b.v, a.x + b.x, a.y + b.y, a.xx + b.xx, a.xy + b.xy, a.yy + b.yy);
export const sub = (a: HD, b: HD): HD => hd(a.v - b.v, a.x - b.x, a.y - b.y, a.xx - b.xx, a.xy - b.xy, a.yy - b.yy);
export const neg = (a: HD): HD => hd(-a.v, -a.x, -a.y, -a.xx, -a.xy, -a.yy);
export const mul = (a: HD, b: HD): HD =>
  hd(
    a.v * b.v,
    a.x * b.v + a.v * b.x,
    a.y * b.v + a.v * b.y,
    a.xx * b.v + 2 * a.x * b.x + a.v * b.xx,
    a.xy * b.v + a.x * b.y + a.y * b.x + a.v * b.xy,
    a.yy * b.v + 2 * a.y * b.y + a.v * b.yy,
  );

/** f(a) given f(a.v), f'(a.v), f''(a.v) (the chain rule to second order). */
export const chain = (a: HD, f0: number, f1: number, f2: number): HD =>
  hd(
    f0,
    f1 * a.x,
    f1 * a.y,
    f2 * a.x * a.x + f1 * a.xx,
    f2 * a.x * a.y + f1 * a.xy,
    f2 * a.y * a.y + f1 * a.yy,
  );

export const div = (a: HD, b: HD): HD => {
  // the value exactly as JS computes it; derivatives through a · (1/b)
  const r = chain(b, 1 / b.v, -1 / (b.v * b.v), 2 / (b.v * b.v * b.v));
  return { ...mul(a, r), v: a.v / b.v };
};

export function math1(f: string, a: HD): HD {
  const v = a.v;
  switch (f) {
    case "sin":
      return chain(a, Math.sin(v), Math.cos(v), -Math.sin(v));
    case "cos":
      return chain(a, Math.cos(v), -Math.sin(v), -Math.cos(v));
    case "tanh": {
      const t = Math.tanh(v);
      return chain(a, t, 1 - t * t, -2 * t * (1 - t * t));
    }
    case "exp": {
      const e = Math.exp(v);
      return chain(a, e, e, e);
    }
    case "sqrt": {
      const s = Math.sqrt(v);
      return chain(a, s, 0.5 / s, -0.25 / (s * v));
    }
    case "abs":
      // tsjax (and JAX) take +1 at 0; the fuzzer never compares at a kink anyway
      return chain(a, Math.abs(v), v >= 0 ? 1 : -1, 0);
    case "floor":
      return chain(a, Math.floor(v), 0, 0);
  }
  throw new Error(`hd: unknown Math.${f}`);
}

/** Math.min / Math.max: the chosen operand (ties are avoided by the caller). */
export function math2(f: string, a: HD, b: HD): HD {
  const r = f === "min" ? Math.min(a.v, b.v) : Math.max(a.v, b.v);
  const pick = f === "min" ? (a.v <= b.v ? a : b) : a.v >= b.v ? a : b;
  return { ...pick, v: r };
}

/** a ** n for a small integer constant n. */
export function powi(a: HD, n: number): HD {
  const v = a.v;
  return chain(a, v ** n, n === 0 ? 0 : n * v ** (n - 1), n === 0 || n === 1 ? 0 : n * (n - 1) * v ** (n - 2));
}
