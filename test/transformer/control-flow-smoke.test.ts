import { expect, it } from "vitest";
import { grad, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
const fd = (f: (x: number) => number, x: number, h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);
const f1 = (x: number) => { if (x > 0) { return x * x; } else { return -x * 3; } };
const f2 = (x: number) => { let y = 1; for (let i = 0; i < 5; i++) { y = y * x; } return y; };
const f3 = (x: number) => { let y = x; while (Math.abs(y) > 1e-3) { y = y / 2; } return y * x; };
const f4 = (x: number) => { let s = 0; for (let i = 0; i < 10; i++) { if (i % 2 === 0) continue; s += Math.sin(x * i); if (s > 2) break; } return s; };
const f5 = (x: number) => (x > 1 ? x ** 3 : Math.exp(x));
const f7 = (x: number) => { let y = x; outer: for (let i = 0; i < 4; i++) { for (let j = 0; j < 4; j++) { y = y * 1.1 + Math.sin(y) * 0.1; if (j === i) continue outer; if (y > 100) break outer; } } return y; };
const f8 = (x: number) => { let y = x; do { y = y * y + 1.1; } while (y < 10); return y; };
const f9 = (x: number) => { switch (Math.floor(x)) { case 0: return x * 2; case 1: { const t = x * x; return t * x; } default: return Math.sin(x); } };
const f10 = (x: number) => { for (let i = 0; i < 100; i++) { if (x * i > 5) return x * i; } return 0; };
const f11 = (x: number) => { let y = 0; for (const c of [1, 2, 3] as const) { y += c * x ** c; } return y; };
const f12 = (x: number) => (x > 0 && x < 2) || x > 5 ? x * x : -x;
it("control flow smoke", () => {
  for (const [f, g] of [[f1, grad(f1)], [f2, grad(f2)], [f3, grad(f3)], [f4, grad(f4)], [f5, grad(f5)], [f7, grad(f7)], [f8, grad(f8)], [f9, grad(f9)], [f10, grad(f10)], [f11, grad(f11)], [f12, grad(f12)]] as const)
    for (const x of [-1.3, 0.4, 1.7, 3.2, 6.1]) expect(g(x), `${f.toString().replace(/\s+/g, " ").slice(0, 90)} at ${x}`).toBeCloseTo(fd(f, x), 4);
});
it("array loop", () => {
  const f6 = (x: Array) => { let h = x; for (let t = 0; t < 3; t++) { h = jnp.tanh(jnp.multiply(h, 1.5)); } return jnp.sum(h); };
  const g = grad(f6)(jnp.array([0.1, -0.2]));
  const fx = (v: number) => { let h = v; for (let t = 0; t < 3; t++) h = Math.tanh(h * 1.5); return h; };
  expect(g.tolist()).toEqual([expect.closeTo(fd(fx, 0.1), 3), expect.closeTo(fd(fx, -0.2), 3)]);
});
