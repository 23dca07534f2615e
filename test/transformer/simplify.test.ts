// Properties of the generated code, read through the inspect API (emitFile(...).sites[i].code):
// the simplifier folds higher derivatives of polynomials to constants, number code never calls
// the runtime, straight-line code needs no tape or closures, common subexpressions are computed
// once, and nothing is computed for values that are not differentiated (activity analysis).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmitResult } from "../../dist/transformer/program.js";
import { compile, HEADER, type Compiled } from "./fixtures/compile.js";

/** Each entry becomes `export const <name> = <expr>;` — one transformed site each, in order. */
const SITES: Record<string, string> = {
  // higher derivatives of polynomials
  cubic1: "grad(cubic)",
  cubic2: "grad(grad(cubic))",
  cubic3: "grad(grad(grad(cubic)))",
  cubic4: "grad(grad(grad(grad(cubic))))",
  prodCubic3: "grad(grad(grad((x: number) => x * x * x - 4 * x)))",
  prodCubic4: "grad(grad(grad(grad((x: number) => x * x * x - 4 * x))))",
  powCubic4: "grad(grad(grad(grad((x: number) => Math.pow(x, 3) + x ** 2))))",
  quad3Bound: "d3quad",
  // pure number code
  nPoly: "grad((x: number) => 3 * x ** 4 - 2 * x ** 3 + x / 7 - 1)",
  nElem: "grad((x: number) => Math.exp(x) + Math.log(x) + Math.sin(x) * Math.cos(x) + Math.tan(x) + Math.tanh(x) + Math.sqrt(x))",
  nInv: "grad((x: number) => Math.asin(x) + Math.acos(x) + Math.atan(x) + Math.sinh(x) + Math.cosh(x) + Math.log1p(x) + Math.expm1(x))",
  nBinary: "grad((x: number, y: number) => Math.atan2(y, x) + Math.pow(x, y) + x ** y + Math.hypot(x, y) + x % y + x / y, { argnums: [0, 1] })",
  nAbs: "grad((x: number) => Math.abs(x) + Math.floor(x) + Math.sign(x))",
  nTree: "grad((p: { a: number; b: [number, number] }) => p.a * p.b[0] + Math.exp(p.b[1]))",
  nAux: "grad((x: number) => [x * x, { v: x }] as [number, { v: number }], { hasAux: true })",
  nValue: "valueAndGrad((x: number, y: number) => Math.sin(x) * y, { argnums: [1, 0] })",
  nNested: "grad((x: number) => d1quad(Math.sin(x)) * x)",
  nLocals: "grad(localsFn)",
  // Math.max / Math.min on numbers (see the skipped test)
  nMax: "grad((x: number, y: number) => Math.max(x, y) + Math.min(x, 2), { argnums: [0, 1] })",
  // Array code
  mlp: "grad(mlpLoss)",
  // common subexpressions
  cseSinCos: "grad((x: number) => Math.sin(x * x) + Math.cos(x * x))",
  cseExp: "grad((x: number) => Math.exp(x) * Math.exp(x))",
  cseHelper: "grad((x: number) => sq(x + 1) + 3 * sq(x + 1))",
  cseArr: "grad((x: Array) => jnp.sum(jnp.tanh(x)).mul(jnp.sum(jnp.tanh(x))))",
  // activity
  actConst: "grad((x: number) => x * c * c)",
  actArgnum: "grad((x: number, y: number) => x * y + Math.sin(y))",
  actArgnum1: "grad((x: number, y: number) => Math.exp(x) * y + Math.sin(y), { argnums: 1 })",
  actArrConst: "grad((x: Array) => jnp.sum(jnp.tanh(W.dot(x))))",
  actArrParam: "grad((w: Array, x: Array) => jnp.sum(jnp.tanh(w.dot(x))), { argnums: 1 })",
  actTree: "grad((p: { a: Array; b: Array }, x: Array) => jnp.sum(p.a.mul(x)), { argnums: 1 })",
};

const PRELUDE = `
const c = 3;
const W = jnp.array([[1, 2], [3, 4]]);
const cubic = (x: number) => x ** 3 + 2 * x ** 2 - 3 * x + 1;
const quad = (x: number) => 5 * x * x - x;
const d1quad = grad(quad);
const d2quad = grad(d1quad);
const d3quad = grad(d2quad);
const sq = (v: number) => v * v;
function localsFn(x: number) {
  let y = x * 2;
  y += Math.sin(y);
  const z = [y, x] as [number, number];
  return z[0] * z[1];
}
function mlpLoss(p: { W1: Array; b1: Array; W2: Array }, x: Array, y: Array) {
  const h = jnp.tanh(p.W1.dot(x).add(p.b1));
  const out = p.W2.dot(h);
  const err = out.sub(y);
  return jnp.mean(err.mul(err));
}
`;

let C: Compiled;
let res: EmitResult;
const code: Record<string, string> = {};

beforeAll(() => {
  // d1quad / d2quad are transformed sites too: they come first in the file.
  const exports = Object.entries(SITES).map(([k, v]) => `export const ${k} = ${v};`).join("\n");
  C = compile({ "main.ts": HEADER + PRELUDE + exports + "\n" });
  res = C.emit("main.ts");
  const names = ["d1quad", "d2quad", "d3quad", ...Object.keys(SITES).filter((k) => k !== "quad3Bound")];
  expect(res.diagnostics.map((d) => d.messageText)).toEqual([]);
  expect(res.sites.length).toBe(names.length);
  names.forEach((n, i) => (code[n] = res.sites[i].code));
  code.quad3Bound = code.d3quad;
});

afterAll(() => C?.cleanup());

/** The statements of a generated arrow function's block body. */
function body(src: string): string {
  const open = src.indexOf("{");
  return src.slice(open + 1, src.lastIndexOf("}")).trim();
}
const count = (s: string, sub: string) => s.split(sub).length - 1;

describe("the simplifier folds derivatives of polynomials", () => {
  it("grad⁴ of a cubic is `return 0`, grad³ is `return 6`", () => {
    expect(body(code.cubic4)).toBe("return 0;");
    expect(body(code.cubic3)).toBe("return 6;");
    expect(body(code.prodCubic4)).toBe("return 0;");
    expect(body(code.prodCubic3)).toBe("return 6;");
    expect(body(code.powCubic4)).toBe("return 0;");
  });
  it("through const bindings: grad³ of a quadratic is `return 0`", () => {
    expect(body(code.d3quad)).toBe("return 0;");
    expect(body(code.d2quad)).toBe("return 10;");
  });
  it("grad² of the cubic is linear: no powers left, a handful of statements", () => {
    const b = body(code.cubic2);
    expect(b).not.toMatch(/\*\*|Math\.pow/);
    expect(count(b, "const ")).toBeLessThanOrEqual(4);
    expect(b).toMatch(/return \w+;$/);
  });
});

describe("number code is plain JS", () => {
  const NUM = ["cubic1", "cubic2", "nPoly", "nElem", "nInv", "nBinary", "nAbs", "nTree", "nAux", "nValue", "nNested", "nLocals", "actConst", "actArgnum", "actArgnum1"];
  it.each(NUM)("%s: no __tsjax_rt call", (name) => {
    expect(code[name]).not.toContain("__tsjax_rt");
    expect(code[name]).not.toContain("checkGradInput");
  });
  it("Math.max / Math.min: no __tsjax_rt call", () => {
    expect(code.nMax).not.toContain("__tsjax_rt");
  });
});

describe("straight-line code needs no tape", () => {
  it.each(["nPoly", "nElem", "nBinary", "nTree", "nValue", "nNested", "nLocals", "mlp", "cseArr", "actArrConst"])("%s: no closures, no tape pushes", (name) => {
    const b = body(code[name]);
    expect(b).not.toContain("=>");
    expect(b).not.toContain("function");
    expect(b).not.toContain(".push(");
    expect(b).not.toMatch(/\blet\b|\bfor\b|\bwhile\b/);
    // every statement is a const binding or a check, and the last one returns
    const lines = b.split("\n").map((l) => l.trim()).filter(Boolean);
    expect(lines[lines.length - 1]).toMatch(/^return /);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^(const \w+ = |__tsjax_rt\.checkGradInput\()/);
  });
  it("the MLP gradient returns the parameters' structure", () => {
    expect(body(code.mlp)).toMatch(/return \{ W1: \w+, W2: \w+, b1: \w+ \};$/);
  });
});

describe("common subexpressions are computed once", () => {
  it("x * x in sin(x²) + cos(x²)", () => {
    const b = body(code.cseSinCos);
    expect(count(b, "x * x")).toBe(1);
    expect(count(b, "Math.sin(")).toBe(1);
    expect(count(b, "Math.cos(")).toBe(1);
  });
  it("exp(x) · exp(x): one Math.exp", () => {
    expect(count(body(code.cseExp), "Math.exp(")).toBe(1);
  });
  it("a helper inlined twice on the same argument", () => {
    const b = body(code.cseHelper);
    expect(count(b, "x + 1")).toBe(1);
  });
  it("Array code: sum(tanh(x)) · sum(tanh(x)) computes tanh, sum and 1 − tanh once", () => {
    const b = body(code.cseArr);
    expect(count(b, "__tsjax_rt.tanh(")).toBe(1);
    expect(count(b, "__tsjax_rt.sum(")).toBe(1);
    expect(count(b, "__tsjax_rt.subtract(1, ")).toBe(1);
    expect(count(b, "__tsjax_rt.checkGradInput(")).toBe(1);
  });
});

describe("nested grad closing over the outer function's parameter", () => {
  it("compiles without diagnostics", () => {
    const C2 = compile({ "nested.ts": HEADER + "export const d = grad((x: number) => grad((y: number) => Math.sin(x * y))(x) * x);\n" });
    try {
      const r = C2.emit("nested.ts");
      expect(r.diagnostics.map((d) => d.messageText)).toEqual([]);
      expect(r.sites.length).toBe(1);
    } finally {
      C2.cleanup();
    }
  });
});

describe("activity analysis: nothing is computed for constants", () => {
  it("a captured constant gets no adjoint", () => {
    const b = body(code.actConst);
    expect(b).not.toMatch(/\bg_c\b/);
    expect(b).toBe("const t = c * c;\n    return t;");
  });
  it("a parameter outside argnums gets no adjoint, and unused forward values are dropped", () => {
    expect(body(code.actArgnum)).toBe("return y;");
    const b = body(code.actArgnum1);
    expect(b).not.toMatch(/\bg_x\b/);
    expect(b).toContain("Math.exp(x)");
    expect(b).toContain("Math.cos(y)");
    expect(b).not.toContain("Math.sin(");
  });
  it("a captured Array gets no adjoint: only the x side of dot is transposed", () => {
    const b = body(code.actArrConst);
    expect(b).toContain("dotGradB(");
    expect(b).not.toContain("dotGradA(");
    expect(b).not.toMatch(/\bg_W\b/);
    expect(count(b, "checkGradInput(")).toBe(1);
    expect(b).toContain('checkGradInput(x, "grad")');
  });
  it("an Array parameter outside argnums is neither differentiated nor checked", () => {
    const b = body(code.actArrParam);
    expect(b).not.toContain("dotGradA(");
    expect(b).not.toContain('checkGradInput(w, "grad")');
    const t = body(code.actTree);
    expect(t).not.toMatch(/\bg_p/);
    // p.b is read on entry (every parameter leaf is), but never used
    expect(count(t, "p_b")).toBeLessThanOrEqual(1);
  });
  it("valueAndGrad keeps the value; grad drops it when the gradient does not need it", () => {
    expect(body(code.nValue)).toContain("Math.sin(x)");
    expect(body(code.actArgnum)).not.toContain("Math.sin");
  });
});
