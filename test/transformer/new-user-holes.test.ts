// Code a new user writes that used to crash the transformer or fail at run time: curried closure
// factories, const enums, tsjax's names re-exported through a module of the project.
import { describe, expect, it } from "vitest";
import { grad, valueAndGrad, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { compile, HEADER, RUNTIME } from "./fixtures/compile.js";

const scaleBy = (k: number) => (x: Array) => jnp.multiply(x, k);
const double = scaleBy(2);
function affine(a: number, b: number) {
  return function (x: number) {
    return a * x * x + b;
  };
}
const quad = affine(1.5, -1);

const enum Mode {
  Slow = 1,
  Fast = 3,
}
enum Plain {
  Half = 0.5,
}

describe("closure factories", () => {
  it("const double = scaleBy(2): the gradient of Σ 2x is 2", () => {
    const g = grad((x: Array) => jnp.sum(double(x)));
    expect(g(jnp.array([1, -4])).tolist()).toEqual([2, 2]);
  });
  it("a factory called inline, with a block body and arguments computed from the input", () => {
    // f = quad(x) + Σ scaleBy(x)([1, 1]) = 1.5x² − 1 + 2x; f′ = 3x + 2
    const f = (x: number) => quad(x) + (jnp.sum(scaleBy(x)(jnp.ones([2]))).item() as number);
    expect(valueAndGrad(f)(2)).toEqual([1.5 * 4 - 1 + 4, 3 * 2 + 2]);
  });
});

describe("enums", () => {
  it("const enum and plain enum members are constants", () => {
    const f = (x: number) => x * Mode.Fast + x * x * Plain.Half;
    expect(valueAndGrad(f)(2)).toEqual([8, 3 + 2]);
  });
});

describe("tsjax's names re-exported by a module of the project", () => {
  it("grad imported through `export { grad } from \"tsjax\"` is transformed", () => {
    const c = compile({
      "lib.ts": `export { grad, valueAndGrad } from ${JSON.stringify(RUNTIME)};\n`,
      "main.ts": `import { grad as g } from "./lib.js";\nexport const d = g((x: number) => x * x * x);\n`,
      "ns.ts": `import * as lib from "./lib.js";\nexport const d = lib.valueAndGrad((x: number) => Math.sin(x));\n`,
    });
    try {
      for (const f of ["main.ts", "ns.ts"]) {
        const r = c.emit(f);
        expect(r.diagnostics).toEqual([]);
        expect(r.transformed).toBe(true);
        expect(r.js).not.toMatch(/\bg\(\(x\)|lib\.valueAndGrad\(/);
      }
    } finally {
      c.cleanup();
    }
  });
  it("a file without tsjax imports, direct or re-exported, is untouched", () => {
    const c = compile({ "plain.ts": `${HEADER.split("\n")[1]}\nexport const grad = (x: number) => x;\n` });
    try {
      expect(c.emit("plain.ts").transformed).toBe(false);
    } finally {
      c.cleanup();
    }
  });
});

describe("the same source emits the same code", () => {
  it("whatever was built before it in the same process", () => {
    const src = `${HEADER}function p(x: number, n: number): number {\n  return n <= 0 ? 1 : x * p(x, n - 1);\n}\nexport const d = grad((x: number) => {\n  let s = x;\n  for (let i = 0; i < 3; i++) s = s > 1 ? s * x : p(s, 2);\n  return s || x;\n});\n`;
    const c = compile({ "a.ts": src, "b.ts": src.replace("s * x", "s + x") });
    try {
      const first = c.emit("a.ts").js;
      c.emit("b.ts");
      c.emit("b.ts");
      expect(c.emit("a.ts").js).toBe(first);
      expect(first).toMatch(/function p_1_fwd/);
    } finally {
      c.cleanup();
    }
  });
});

const sinTwice = (x: number) => Math.sin(x) * 2;
describe("a Math of the user's own at the call site", () => {
  it("the generated derivative still calls the global Math.cos", () => {
    const run = () => {
      const Math = { cos: () => 42, sin: () => 0 };
      void Math.cos;
      return grad(sinTwice)(0.5);
    };
    expect(run()).toBe(2 * Math.cos(0.5));
  });
});

type Cfg = { k?: number; inner?: { w: number } } | undefined;
const noCfg = undefined as Cfg;
const someCfg = { k: 3, inner: { w: 0.5 } } as Cfg;
describe("optional chaining on captured values", () => {
  it("cfg?.k ?? 2 with cfg undefined, and with a value", () => {
    expect(grad((x: number) => x * x * (noCfg?.k ?? 2))(1.5)).toBe(6);
    expect(grad((x: number) => x * x * (someCfg?.k ?? 2))(1.5)).toBe(9);
    expect(grad((x: number) => x * (someCfg?.inner?.w ?? 1) + x * (noCfg?.inner?.w ?? 1))(2)).toBe(1.5);
  });
});

type Layer = { W: Array; b: Array };
describe("destructured parameters", () => {
  it("({ W, b }: Layer) and ([a, b]: [number, number]): the gradient has the parameter's structure", () => {
    const lin = ({ W, b }: Layer, x: Array) => jnp.sum(jnp.add(jnp.multiply(W, x), b));
    const g = grad(lin)({ W: jnp.array([1, 2]), b: jnp.array([0.5, 0.5]) }, jnp.array([3, 4]));
    expect(g.W.tolist()).toEqual([3, 4]);
    expect(g.b.tolist()).toEqual([1, 1]);
    const pair = ([a, b]: [number, number]) => a * a * b;
    expect(valueAndGrad(pair)([3, 2])).toEqual([18, [12, 9]]);
    const nested = ({ p: [u, v], k }: { p: [number, number]; k: number }) => (u + v) * k;
    expect(grad(nested)({ p: [1, 2], k: 4 })).toEqual({ k: 3, p: [4, 4] });
  });
});
