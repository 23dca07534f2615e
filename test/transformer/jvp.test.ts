// Forward mode: jvp(f, primals, tangents) against hand derivations, against reverse mode (a jvp
// with a basis tangent is a column of the Jacobian, so for a scalar output it equals the gradient
// component), and against finite differences; through control flow, local arrays, closures,
// recursion, pytrees and Arrays; composed with grad both ways and with itself; and with no tape.
import { describe, expect, it } from "vitest";
import { grad, jvp, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fd1, toVec } from "./fixtures/fd.js";
import { compile, HEADER } from "./fixtures/compile.js";

const EXACT = { rtol: 1e-13, atol: 1e-13 };
const FD = { rtol: 1e-7, atol: 1e-9 };

// ---- number programs with control flow -------------------------------------------------------------
function branchy(x: number, y: number): number {
  let s = 0;
  if (x > 0) s = Math.sin(x) * y;
  else s = x * x - y;
  return s > 0.5 ? s * s : s + y;
}
function loops(x: number, y: number, n: number): number {
  let s = x;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (s > 3) break;
    s = s * 1.1 + Math.tanh(y * i);
    if (i % 2 === 1) continue;
    s += 0.1 * x;
  }
  while (s > 0.5 && k < 4) {
    s = s * 0.8 - 0.01 * y;
    k++;
  }
  return s;
}
function switcher(x: number, y: number): number {
  let r = 0;
  switch (Math.floor(x)) {
    case 0:
      r += x * y;
    // falls through
    case 1:
      r += Math.exp(y);
      break;
    default:
      r = -x;
  }
  return r;
}
function arrays(x: number, y: number): number {
  const v: number[] = [x, y];
  for (let i = 0; i < 3; i++) v.push(v[i] * v[i + 1] * 0.5);
  let s = 0;
  for (const e of v) s += e;
  return s;
}
function rpow(x: number, n: number): number {
  return n <= 0 ? 1 : x * rpow(x, n - 1);
}
function closure(x: number, y: number): number {
  const scale = (u: number) => u * y + x;
  let s = x;
  for (let i = 0; i < 2; i++) s = scale(s);
  return s + rpow(y, 3);
}

describe("jvp of number programs equals the gradient along basis tangents", () => {
  const pts: [number, number][] = [
    [0.4, 1.3],
    [-0.7, 0.9],
    [1.6, -0.4],
  ];
  it("branches", () => {
    const g = grad(branchy, { argnums: [0, 1] });
    for (const [x, y] of pts) {
      const [v, tx] = jvp(branchy, [x, y], [1, 0]);
      const [, ty] = jvp(branchy, [x, y], [0, 1]);
      expect(v).toBe(branchy(x, y));
      expectVecClose([tx, ty], g(x, y), EXACT, `branchy at ${x},${y}`);
    }
  });
  it("loops with break, continue and a data-dependent exit", () => {
    const g = grad(loops, { argnums: [0, 1] });
    for (const [x, y] of pts)
      for (const n of [0, 3, 6]) {
        const [v, tx] = jvp(loops, [x, y, n], [1, 0, 0]);
        const [, ty] = jvp(loops, [x, y, n], [0, 1, 0]);
        expect(v).toBe(loops(x, y, n));
        expectVecClose([tx, ty], g(x, y, n), EXACT, `loops at ${x},${y},${n}`);
        expectVecClose([tx], [fd1((u) => loops(u, y, n), x, 1e-6)], FD, `loops fd at ${x},${y},${n}`);
      }
  });
  it("switch with fall-through, local arrays, closures, recursion", () => {
    const cases = [
      { name: "switcher", g: grad(switcher, { argnums: [0, 1] }), j: (x: number, y: number, u: number, v: number) => jvp(switcher, [x, y], [u, v])[1] },
      { name: "arrays", g: grad(arrays, { argnums: [0, 1] }), j: (x: number, y: number, u: number, v: number) => jvp(arrays, [x, y], [u, v])[1] },
      { name: "closure", g: grad(closure, { argnums: [0, 1] }), j: (x: number, y: number, u: number, v: number) => jvp(closure, [x, y], [u, v])[1] },
    ];
    for (const c of cases)
      for (const [x, y] of pts) expectVecClose([c.j(x, y, 1, 0), c.j(x, y, 0, 1)], c.g(x, y), EXACT, `${c.name} at ${x},${y}`);
    // x^n: n x^(n−1); a tangent on n (a trip count) changes nothing
    expect(jvp(rpow, [2, 5], [1, 0])).toEqual([32, 80]);
    expect(jvp(rpow, [2, 5], [0, 1])).toEqual([32, 0]);
  });
  it("linear in the tangent: jvp(f, p, a·u + v) = a·jvp(f, p, u) + jvp(f, p, v)", () => {
    const [, tu] = jvp(loops, [0.4, 1.3, 4], [0.3, -1.2, 0]);
    const [, t1] = jvp(loops, [0.4, 1.3, 4], [1, 0, 0]);
    const [, t2] = jvp(loops, [0.4, 1.3, 4], [0, 1, 0]);
    expectVecClose([tu], [0.3 * t1 - 1.2 * t2], EXACT, "linearity");
  });
});

// ---- Arrays and pytrees -----------------------------------------------------------------------------
type Params = { W: Array; b: Array };
const X = jnp.array([[0.5, -1, 2], [1.5, 0.25, -0.5]]);

describe("jvp of Array code", () => {
  it("an MLP layer's loss: the tangent along dW equals ⟨∇W, dW⟩ (float32)", () => {
    const loss = (p: Params) => jnp.mean(jnp.square(jnp.tanh(jnp.add(jnp.matmul(X, p.W), p.b))));
    const p = { W: jnp.array([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]]), b: jnp.array([0.1, -0.1]) };
    const dp = { W: jnp.array([[1, 0], [0, -1], [0.5, 0.5]]), b: jnp.array([0.2, 0.3]) };
    const [v, t] = jvp(loss, [p], [dp]);
    const g = grad(loss)(p);
    const want = toVec(g).reduce((acc, gi, i) => acc + gi * toVec(dp)[i], 0);
    expect(v.item()).toBe(loss(p).item());
    expectVecClose([t.item() as number], [want], { rtol: 1e-5, atol: 1e-6 }, "⟨∇, dp⟩");
  });
  it("reductions and movement: sum, max, prod, logsumexp, var, transpose, reshape, stack, slice", () => {
    const f = (x: Array) => {
      const m = jnp.reshape(x, [2, 2]);
      const s = jnp.stack([jnp.max(m, 0), jnp.prod(m, 1), jnp.var(m, 0)]);
      return jnp.add(jnp.sum(jnp.transpose(s)), jnp.logsumexp(x.slice([1, 3])));
    };
    const x = jnp.array([0.5, -1.5, 2, 0.25]);
    const g = grad(f)(x);
    for (let k = 0; k < 4; k++) {
      const e = jnp.array([0, 1, 2, 3].map((i) => (i === k ? 1 : 0)));
      const [, t] = jvp(f, [x], [e]);
      expectVecClose([t.item() as number], [(g.tolist() as number[])[k]], { rtol: 1e-5, atol: 1e-6 }, `∂/∂x${k}`);
    }
  });
  it("a pytree output: the tangent has its structure", () => {
    const f = (x: number, a: Array) => ({ s: x * x, v: jnp.multiply(a, x), pair: [Math.sin(x), jnp.sum(a)] as const });
    const [v, t] = jvp(f, [2, jnp.array([1, 3])], [1, jnp.array([0.5, 0])]);
    expect(v.s).toBe(4);
    expect(t.s).toBe(4);
    expect(t.v.tolist()).toEqual([1 + 2 * 0.5, 3]);
    expect(t.pair[0]).toBeCloseTo(Math.cos(2), 15);
    expect(t.pair[1].item()).toBe(0.5);
  });
});

// ---- composition --------------------------------------------------------------------------------------
describe("jvp composes with grad and with itself", () => {
  const f = (x: number, y: number) => x * x * y + Math.sin(x * y);
  // ∂x f = 2xy + y cos(xy); ∂y f = x² + x cos(xy)
  // ∂xx = 2y − y² sin(xy); ∂xy = 2x + cos(xy) − xy sin(xy); ∂yy = −x² sin(xy)
  const [x, y] = [0.7, 1.9];
  const s = Math.sin(x * y), c = Math.cos(x * y);
  it("forward over reverse: jvp(grad(f)) is a Hessian-vector product", () => {
    const [g, hv] = jvp(grad(f, { argnums: [0, 1] }), [x, y], [1, 0]);
    expectVecClose(g, [2 * x * y + y * c, x * x + x * c], EXACT, "grad");
    expectVecClose(hv, [2 * y - y * y * s, 2 * x + c - x * y * s], EXACT, "H·e₀");
  });
  it("reverse over forward: grad of a function that calls jvp", () => {
    const dfx = (a: number, b: number) => jvp(f, [a, b], [1, 0])[1];
    expectVecClose(grad(dfx, { argnums: [0, 1] })(x, y), [2 * y - y * y * s, 2 * x + c - x * y * s], EXACT, "∇∂x f");
  });
  it("forward over forward: jvp of a jvp", () => {
    const dfy = (a: number, b: number) => jvp(f, [a, b], [0, 1])[1];
    const [, dyy] = jvp(dfy, [x, y], [0, 1]);
    expectVecClose([dyy], [-x * x * s], EXACT, "∂yy");
  });
  it("through a loop and recursion: jvp(grad) against differences of grad", () => {
    const h = (a: number, n: number) => {
      let s2 = a;
      for (let i = 0; i < n; i++) s2 = Math.tanh(s2) * rpow(a, 2) + 0.5;
      return s2;
    };
    const dh = grad(h);
    for (const a of [0.3, -0.8]) {
      const [, hh] = jvp(dh, [a, 3], [1, 0]);
      expectVecClose([hh], [fd1((u) => dh(u, 3), a, 1e-5)], { rtol: 1e-7, atol: 1e-8 }, `h″(${a})`);
    }
  });
  it("valueAndGrad of jvp's tangent output", () => {
    const [v, g] = valueAndGrad((a: number) => jvp(rpow, [a, 4], [1, 0])[1])(1.5);
    expect(v).toBeCloseTo(4 * 1.5 ** 3, 12);
    expect(g).toBeCloseTo(12 * 1.5 ** 2, 12);
  });
});

describe("the generated code", () => {
  it("keeps no tape for a loop, and a wrong number of primals is a build error", () => {
    const c = compile({
      "main.ts":
        HEADER.replace("grad,", "grad, jvp,") +
        `export const t = jvp((x: number, n: number) => {\n  let s = x;\n  for (let i = 0; i < n; i++) s = Math.sin(s) * x;\n  return s;\n}, [0.5, 1000], [1, 0]);\n`,
      "bad.ts": HEADER.replace("grad,", "grad, jvp,") + `export const t = jvp((x: number, y: number) => x * y, [1], [1]);\n`,
    });
    try {
      const ok = c.emit("main.ts");
      expect(ok.diagnostics).toEqual([]);
      expect(ok.js).not.toMatch(/Tape|tapePush/);
      const bad = c.emit("bad.ts").diagnostics.map((d) => d.messageText);
      expect(bad).toEqual([expect.stringMatching(/jvp: '.*' takes 2 argument\(s\), but this tuple has 1/)]);
    } finally {
      c.cleanup();
    }
  });
});
