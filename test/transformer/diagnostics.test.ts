// Build-time diagnostics: each program below is compiled in-process through the transformer
// (one ts.Program over real files in a temp directory, importing this repo's runtime by absolute
// path), and the diagnostic's text, file, line and column are checked. `/*@*/` in a source marks
// where the diagnostic must start (the first token after the marker).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ts from "typescript";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { emitFile } from "../../dist/transformer/program.js";
import { OPTIONS } from "./fixtures/compile.js";

const RUNTIME = fileURLToPath(new URL("../../runtime/index.ts", import.meta.url)).replace(/\.ts$/, ".js");
const HEADER = `import { grad, valueAndGrad, jit, numpy as jnp } from ${JSON.stringify(RUNTIME)};\nimport type { Array } from ${JSON.stringify(RUNTIME)};\n`;
const MARK = "/*@*/";

interface Case {
  name: string;
  /** main.ts, after the tsjax import header. */
  src: string;
  /** The diagnostic's message (after "tsjax: "), exactly or by pattern. */
  msg: string | RegExp;
  /** Other files of the case (name → text); the marker may be in one of them. */
  files?: Record<string, string>;
  /** The case is a TypeScript error too (so the type-check sanity check is skipped). */
  tsError?: boolean;
  /** grad sites that are still transformed (nested inside the failing one). */
  innerSites?: number;
  /** A known bug (see the BUG comment at the case): the test is skipped. */
  bug?: boolean;
}

const CASES: Case[] = [
  // ---- statements tsjax does not differentiate ------------------------------------------------
  // (if/for/while/switch/?:/&&/|| are lowered since the structured IR landed; these remain)
  {
    name: "try",
    src: `export const d = grad((x: number) => {\n  ${MARK}try {\n    x = x * 2;\n  } catch {}\n  return x;\n});\n`,
    msg: /^`try` inside a differentiated function is not supported/,
  },
  {
    name: "throw of something other than an Error",
    src: `export const d = grad((x: number) => {\n  if (x > 1) ${MARK}throw x;\n  return x * 2;\n});\n`,
    msg: /^only `throw new Error\(\.\.\.\)` \(or TypeError, RangeError\) is supported in a differentiated function/,
  },
  {
    name: "a local class",
    src: `export const d = grad((x: number) => {\n  ${MARK}class K {}\n  return x;\n});\n`,
    msg: /^`class` inside a differentiated function is not supported/,
  },
  {
    name: "an Array used as a condition",
    src: `export const d = grad((x: Array) => jnp.sum((${MARK}x && x.mul(2)) as Array));\n`,
    msg: /an Array used as a condition|control flow/,
  },
  {
    name: "a construct in a helper in another file: reported in that file",
    src: `import { helper } from "./helper.js";\nexport const d = grad((x: number) => helper(x) + 1);\n`,
    files: { "helper.ts": `export function helper(x: number): number {\n  return x * ${MARK}Math.random();\n}\n` },
    msg: "Math.random is not differentiable",
  },

  // ---- callees -----------------------------------------------------------------------------
  {
    name: "a callee without source (declare function)",
    src: `declare function mystery(x: number): number;\nexport const d = grad((x: number) => ${MARK}mystery(x) * 2);\n`,
    msg: /^cannot differentiate through 'mystery': no source is available \(declared in .*main\.ts\)$/,
  },
  {
    name: "a callee from a .d.ts",
    src: `import { ext } from "./ext.js";\nexport const d = grad((x: number) => ${MARK}ext(x));\n`,
    files: { "ext.d.ts": `export declare function ext(x: number): number;\n` },
    msg: /^cannot differentiate through 'ext': no source is available \(declared in .*ext\.d\.ts\)$/,
  },
  {
    name: "grad of a declared function",
    src: `declare function mystery(x: number): number;\nexport const d = grad(${MARK}mystery);\n`,
    msg: /^cannot differentiate through 'mystery': no source is available/,
  },
  {
    name: "Math.random",
    src: `export const d = grad((x: number) => x * ${MARK}Math.random());\n`,
    msg: "Math.random is not differentiable",
  },
  {
    name: "a jnp function with no lowering (unstack)",
    src: `export const d = grad((x: Array) => jnp.sum(${MARK}jnp.unstack(x)[0]));\n`,
    msg: "jnp.unstack is not differentiable by tsjax yet",
  },
  {
    name: "grad of a non-differentiable jnp function",
    src: `export const d = grad(${MARK}jnp.unstack);\n`,
    msg: "jnp.unstack is not differentiable by tsjax",
    tsError: true,
  },
  {
    name: "a non-differentiable Array method",
    src: `export const d = grad((x: Array) => (x.${MARK}tolist() as number[]).length * 2);\n`,
    msg: "Array.tolist() is not differentiable by tsjax",
  },
  {
    name: "a function-valued let binding",
    src: `let f = (x: number) => x * x;\nf = (x: number) => x;\nexport const d = grad(${MARK}f);\n`,
    msg: "'f' is not a const binding: tsjax needs to know which function it is at build time",
  },
  {
    name: "grad(...) as a value inside a differentiated function",
    src: `const g = (x: number) => x * x;\nexport const d = grad((x: number) => {\n  const h = ${MARK}grad(g);\n  return x;\n});\n`,
    msg: "grad(...) as a value inside a differentiated function is not supported; call the function it returns, or bind it to a const outside",
    innerSites: 1, // the inner grad(g) is still transformed on its own
  },

  // ---- parameter types ---------------------------------------------------------------------
  {
    name: "an array parameter of objects",
    src: `export const d = grad((${MARK}xs: { w: number }[]) => xs[0].w * 2);\n`,
    msg: "parameter 'xs' has an array type of unknown length ({ w: number; }[]) whose elements are not numbers or Arrays; use a tuple type such as [{ w: Array }, { w: Array }]",
  },
  {
    name: "an index signature of something not differentiable",
    src: `export const d = grad((${MARK}p: Record<string, string>, x: number) => x * p.k.length, { argnums: 1 });\n`,
    msg: /^parameter 'p' has an index signature \(Record<string, string>\) with values that are not numbers or Arrays/,
  },
  {
    name: "optional (number | undefined) parameter",
    src: `export const d = grad((x: number, ${MARK}k?: number) => x * 2);\n`,
    msg: "parameter 'k' has type number | undefined, which tsjax cannot differentiate (expected number, Array, or objects/tuples of them)",
  },
  {
    name: "function-typed parameter",
    src: `export const d = grad((x: number, ${MARK}f: (y: number) => number) => x * 2);\n`,
    msg: "parameter 'f' has type (y: number) => number, which tsjax cannot differentiate (expected number, Array, or objects/tuples of them)",
  },

  // ---- captured state ----------------------------------------------------------------------
  {
    name: "a captured variable not exported from another file",
    src: `import { scaled } from "./mod.js";\nexport const d = grad((x: number) => scaled(x));\n`,
    files: { "mod.ts": `const K = 3;\nexport function scaled(x: number): number {\n  return x * ${MARK}K;\n}\n` },
    msg: "'K' (declared in mod.ts) is captured by a function differentiated in main.ts, but it is not exported; export it so the derivative can read it",
  },
  {
    name: "a function made by a call (not known at build time)",
    src: `function make() {\n  const k = 2;\n  return (x: number) => x * k;\n}\nconst f = ${MARK}make();\nexport const d = grad(f);\n`,
    msg: /./,
  },
  {
    name: "a captured name shadowed at the call site",
    src: `const k = 2;\nconst f = (x: number) => x * ${MARK}k;\nexport function run() {\n  const k = 100;\n  return grad(f)(1) + k;\n}\n`,
    msg: "'k' is captured by the differentiated function but is not visible where the transform is called (it is local to another function)",
  },
  {
    name: "mutation of captured state",
    src: `let counter = 0;\nexport const d = grad((x: number) => {\n  ${MARK}counter = counter + 1;\n  return x * 2;\n});\n`,
    msg: "assignment to 'counter', which is not a local of the differentiated function (mutation of captured state)",
  },
  {
    name: "compound mutation of captured state",
    src: `let total = 0;\nexport const d = grad((x: number) => {\n  ${MARK}total += x;\n  return x * 2;\n});\n`,
    msg: "assignment to 'total', which is not a local of the differentiated function (mutation of captured state)",
  },
  {
    name: "a call for its effects",
    src: `export const d = grad((x: number) => {\n  ${MARK}console.log(x);\n  return x * 2;\n});\n`,
    msg: "cannot resolve the function 'console.log'",
    tsError: true, // no DOM/node types in this program: console is unknown to the checker
  },

  // ---- options -----------------------------------------------------------------------------
  {
    name: "non-literal argnums",
    src: `const n = 1;\nexport const d = grad((x: number, y: number) => x * y, { argnums: ${MARK}n });\n`,
    msg: "argnums must be integer literals (known at build time), got `n`",
  },
  {
    name: "non-literal argnums inside an array",
    src: `const n = 1;\nexport const d = grad((x: number, y: number) => x * y, { argnums: [0, ${MARK}n] });\n`,
    msg: "argnums must be integer literals (known at build time), got `n`",
  },
  {
    name: "non-literal options object",
    src: `const opts = { argnums: 1 } as const;\nexport const d = grad((x: number, y: number) => x * y, ${MARK}opts);\n`,
    msg: "the options of grad must be an object literal ({ argnums, hasAux }) so they are known at build time",
  },
  {
    name: "non-literal hasAux",
    src: `const aux = true;\nexport const d = grad((x: number) => [x * x, x] as [number, number], { hasAux: ${MARK}aux });\n`,
    msg: "hasAux must be true or false literally",
  },
  {
    name: "argnums out of range",
    src: `export const d = ${MARK}grad((x: number, y: number) => x * y, { argnums: 2 });\n`,
    msg: "grad: argnums 2 is out of range for 'f' with 2 parameter(s)",
    tsError: true, // the .d.ts types also reject index 2 of a 2-tuple
  },
  {
    name: "argnums out of range in a list (valueAndGrad)",
    src: `function f(x: number) {\n  return x * x;\n}\nexport const d = ${MARK}valueAndGrad(f, { argnums: [0, 3] });\n`,
    msg: "valueAndGrad: argnums 3 is out of range for 'f' with 1 parameter(s)",
    tsError: true,
  },
  {
    name: "hasAux on a function that does not return a pair",
    src: `export const d = ${MARK}grad((x: number) => x * x, { hasAux: true });\n`,
    msg: "grad: hasAux requires 'f' to return a pair [output, aux]",
  },
  {
    name: "hasAux on a triple",
    src: `const f = (x: number) => [x * x, x, x] as [number, number, number];\nexport const d = ${MARK}grad(f, { hasAux: true });\n`,
    msg: "grad: hasAux requires 'f' to return a pair [output, aux]",
  },
  {
    name: "unknown option",
    src: `export const d = grad((x: number) => x * x, { ${MARK}argnum: 0 } as {});\n`,
    msg: "unknown option 'argnum' for grad (expected argnums, hasAux)",
  },
  {
    name: "a structured output without hasAux",
    src: `export const d = ${MARK}grad((x: number) => [x, x]);\n`,
    msg: "grad: the output of 'f' must be a scalar, not a structure",
  },

  // ---- syntax tsjax does not differentiate -------------------------------------------------
  {
    name: "spread argument of a local array (run-time length)",
    src: `const h = (a: number, b: number) => a * b;\nexport const d = grad((x: number) => {\n  const t: number[] = [x, x];\n  return h(${MARK}...t);\n});\n`,
    msg: "spread arguments need a tuple whose length tsjax knows at build time",
    tsError: true, // (TypeScript refuses it too: the parameters are not a rest parameter)
  },
  {
    name: "spread into a local array",
    src: `export const d = grad((x: [number, number]) => {\n  const t: number[] = [${MARK}...x, 1];\n  return t[0];\n});\n`,
    msg: "a spread or a hole in a local array's initial value is not supported; push the elements in a loop instead",
  },
  {
    name: "a method in an object literal",
    src: `export const d = grad((x: number) => {\n  const q = { ${MARK}f() { return 1; }, b: x };\n  return q.b;\n});\n`,
    msg: "methods and accessors in object literals are not supported in a differentiated function",
  },
  {
    name: "an arithmetic operator on Arrays",
    src: `export const d = grad((x: Array) => jnp.sum(${MARK}x as any + 1));\n`,
    msg: /only number arithmetic is differentiable|operator \+ on an Array/,
  },
  {
    name: "indexing with a run-time value",
    src: `export const d = grad((t: [number, number], i: number) => t[${MARK}i]);\n`,
    msg: /^indexing (a tuple or object )?with a value computed at run time is not supported( yet)?; use a literal index, or jnp\.take for Arrays$/,
  },
  {
    name: "an Array built from run-time values",
    src: `export const d = grad((x: number) => jnp.sum(jnp.array(${MARK}[x, 2 * x])));\n`,
    msg: /^a list or object of run-time values is not supported here \(only constants\)/,
  },
  {
    name: "a function without a return",
    src: `function f(x: number): number {\n  const y = x * 2;\n  return y;\n}\n${MARK}function g(x: number) {\n  const y = x * 2;\n}\nexport const d = grad((x: number) => f(x) + (g(x) as unknown as number));\n`,
    msg: /^'g' does not (end with a return statement|return a value)$/,
    tsError: true,
  },
  {
    name: "a named function expression without a return",
    src: `export const d = grad(${MARK}function f(x: number): number {\n  const y = x;\n} as (x: number) => number);\n`,
    msg: /^'f' does not (end with a return statement|return a value)$/,
    tsError: true,
  },
  {
    name: "a parameter with nothing differentiable in it (a string)",
    src: `export const d = ${MARK}grad((x: string) => x.length * 1.0);\n`,
    msg: "grad: parameter 'x' (argnums 0) holds no number or Array: there is nothing to differentiate with respect to",
  },
  {
    name: "a factory whose returned function is not visible at build time",
    src: `const make = (k: number) => {\n  const h = (x: number) => x * k;\n  return h;\n};\nconst triple = make(3);\nexport const d = grad((x: number) => ${MARK}make(3)(x) + triple(x));\n`,
    msg: /^cannot see at build time which function `make\(3\)` returns/,
  },
  {
    name: "push onto an array outside the function",
    src: `const history: number[] = [];\nexport const d = grad((x: number) => {\n  ${MARK}history.push(x);\n  return x * 2;\n});\n`,
    msg: "'history.push(...)' changes 'history', which lives outside the differentiated function (mutation of captured state): collect values in a local array and return them, or log them with console.log",
  },
  {
    name: "an optional field of a parameter",
    src: `export const d = grad((p: { W: Array; ${MARK}b?: Array }) => jnp.sum(p.W));\n`,
    msg: "field 'b' of parameter 'p' is optional (Array | undefined): tsjax differentiates every field of a parameter, so each must be present; make it required, or pass it as an argument of its own",
  },
  // ---- constructs named in plain words, never by their syntax-tree kind ----------------------
  {
    name: "new inside a differentiated function",
    src: `export const d = grad((x: number) => {\n  const m = ${MARK}new Map<string, number>();\n  return x * m.size;\n});\n`,
    msg: "`new` (constructing an object) is not supported inside a differentiated function",
  },
  {
    name: "a call of a built-in object's method (a regular expression's test)",
    src: `export const d = grad((x: number) => (${MARK}/a+/.test("aa") ? x : 2 * x));\n`,
    msg: "cannot differentiate through 'test': it is not a function tsjax can see the source of",
  },
  // ---- classes: the method that runs must be known at build time ------------------------------
  {
    name: "a virtual call on a value typed with a base class some subclass overrides",
    src: `class Base {\n  f(x: number) { return 2 * x; }\n}\nclass Derived extends Base {\n  override f(x: number) { return 3 * x; }\n}\nconst make = (): Base => new Derived();\nconst o = make();\nexport const d = grad((x: number) => ${MARK}o.f(x));\n`,
    msg: "cannot tell at build time which 'f' this calls: `o` is typed Base, and Derived overrides 'f'. Bind the object with `const o = new Derived(...)` so its class is known, or call a function instead",
  },
  {
    name: "a decorated method",
    src: `function twice(f: (this: unknown, x: number) => number, _c: ClassMethodDecoratorContext) {\n  return function (this: unknown, x: number) { return 2 * f.call(this, x); };\n}\nclass D {\n  @twice\n  g(x: number) { return 3 * x; }\n}\nconst o = new D();\nexport const d = grad((x: number) => ${MARK}o.g(x));\n`,
    msg: "'g' is decorated (@twice): tsjax cannot see at build time what a decorator does to a method; differentiate an undecorated function (the decorator may call it)",
  },
  {
    name: "this in a plain function",
    src: `function h(this: { k: number } | void, x: number) { return x * (${MARK}this as { k: number }).k; }\nexport const d = grad((x: number) => h(x));\n`,
    msg: "`this` here is not known at build time: call the method on an object (`o.m(x)`), or pass what it needs as arguments",
  },
  // ---- vjp and linearize return pairs; nested Jacobians need tuples or Arrays ---------------
  {
    name: "vjp as the function to differentiate",
    src: `import { vjp } from ${JSON.stringify(RUNTIME)};
const f = (x: number) => x * x;
export const d = grad(${MARK}vjp(f, 2) as unknown as (x: number) => number);
`,
    msg: "vjp(...) returns a pair [value, function], not a function to differentiate: differentiate a function that calls it instead",
    innerSites: 1, // (the vjp/jacfwd call is a site of its own)
  },
  {
    name: "calling the value vjp returns",
    src: `import { vjp } from ${JSON.stringify(RUNTIME)};
const f = (x: number) => x * x;
export const d = grad((x: number) => {
  const [y, pb] = vjp(f, x);
  const [g] = pb(1);
  return g * (${MARK}y as unknown as (t: number) => number)(1);
});
`,
    msg: /cannot|not a function|is the value vjp returns/,
    innerSites: 1, // (the vjp/jacfwd call is a site of its own)
  },
  {
    name: "a nested Jacobian with respect to a local array",
    src: `import { jacfwd } from ${JSON.stringify(RUNTIME)};
const f = (xs: number[]) => xs[0] * xs[1];
export const d = ${MARK}grad((x: number) => jacfwd(f)([x, 2])[0]);
`,
    msg: "jacfwd inside another transform: parameter 'xs' holds a local array (number[] or Array[]); pass a tuple or an Array instead",
    innerSites: 1, // (the vjp/jacfwd call is a site of its own)
  },
  // ---- integer-Array indices in slice ---------------------------------------------------------------
  {
    name: "slice: an integer index apart from the index Array (NumPy moves the gathered axes)",
    src: `const idx = jnp.array([1], { dtype: "int32" });\nexport const d = grad((a: Array) => jnp.sum(${MARK}a.slice(0, null, idx)));\n`,
    msg: "slice: integer indices apart from the index Array put NumPy's gathered axes in front; inside compiled code write the integer indices next to it, or use jnp.take and jnp.moveaxis",
  },
  {
    name: "slice: two index Arrays",
    src: `const idx = jnp.array([1], { dtype: "int32" });\nexport const d = grad((a: Array) => jnp.sum(${MARK}a.slice(idx, idx)));\n`,
    msg: /^slice: one integer-Array index per slice \(got 2\)/,
  },
  {
    name: "linalg.norm with an ord and no axis (NumPy decides by the rank)",
    src: `export const d = grad((a: Array) => ${MARK}jnp.linalg.norm(a, { ord: 1 }).item() as number);\n`,
    msg: /norm: with ord 1, give the axis \(a number for a vector norm, \[-2, -1\] for a matrix norm\)/,
  },
  // ---- jit's options are read at build time -----------------------------------------------------
  {
    name: "jit options that are not an object literal",
    src: `const opts = { fastMath: true };
export const f = jit((x: Array) => jnp.exp(x), ${MARK}opts);
`,
    msg: "the options of jit must be an object literal ({ fastMath, device }) so they are known at build time",
  },
  {
    name: "an unknown jit option",
    src: `export const f = jit((x: Array) => jnp.exp(x), { ${MARK}fast: true } as never);
`,
    msg: "unknown option for jit (expected fastMath or device)",
  },
  {
    name: "a jit device that is not a literal \"cpu\" or \"webgpu\"",
    src: `export const f = jit((x: Array) => jnp.exp(x), { device: ${MARK}"gpu" as never });
`,
    msg: 'device must be "cpu" or "webgpu" literally',
  },
  {
    name: "tree.map over trees of different structures",
    src: `import { tree } from ${JSON.stringify(RUNTIME)};
export const f = grad((p: { a: Array; b: Array }, q: { a: Array }) => jnp.sum(tree.map((x: Array, y: Array) => jnp.multiply(x, y), p, ${MARK}q).a), { argnums: [0] });
`,
    msg: "tree.map: structure mismatch at the root: expected an object with keys a, b, got an object with keys a",
  },
  {
    name: "a jit on the GPU that cannot be compiled is an error, not an eager fallback",
    src: `const f = (${MARK}...xs: Array[]) => jnp.add(xs[0], xs[1]);
export const g = jit((a: Array) => f(a, a), { device: "webgpu" });
`,
    msg: /rest parameters are not supported/,
  },
  {
    name: "a jit on the GPU whose code needs a helper the GPU lacks",
    src: `export const f = jit((x: Array) => jnp.cumprod(x, 0), { device: ${MARK}"webgpu" });
`,
    msg: /jit on "webgpu": this function needs 'cumprod', which is not on the GPU yet \(run it with device "cpu"\)/,
  },

  {
    name: "fastMath not written as true or false",
    src: `const on = Math.random() > 2;
export const f = jit((x: Array) => jnp.exp(x), { fastMath: ${MARK}on });
`,
    msg: "fastMath must be true or false literally",
  },
];

let dir = "";
let program: ts.Program;
const mainOf = (i: number) => path.join(dir, `case${i}`, "main.ts");

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsjax-diag-"));
  CASES.forEach((c, i) => {
    const d = path.join(dir, `case${i}`);
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, "main.ts"), HEADER + c.src);
    for (const [name, text] of Object.entries(c.files ?? {})) fs.writeFileSync(path.join(d, name), text);
  });
  fs.writeFileSync(path.join(dir, "plain.ts"), PLAIN);
  program = ts.createProgram([...CASES.map((_, i) => mainOf(i)), path.join(dir, "plain.ts")], OPTIONS);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** File, 1-based line and column, and text of the marked position in a case. */
function expectedAt(i: number): { file: string; line: number; column: number } {
  const c = CASES[i];
  const all: [string, string][] = [["main.ts", HEADER + c.src], ...Object.entries(c.files ?? {})];
  const hit = all.find(([, text]) => text.includes(MARK));
  if (!hit) throw new Error(`case ${c.name} has no marker`);
  const [name, text] = hit;
  const before = text.slice(0, text.indexOf(MARK) + MARK.length);
  const lines = before.split("\n");
  return { file: path.join(dir, `case${i}`, name), line: lines.length, column: lines[lines.length - 1].length + 1 };
}

describe("build-time diagnostics", () => {
  CASES.forEach((c, i) => {
    (c.bug ? it.skip : it)(c.name, () => {
      const file = mainOf(i);
      if (!c.tsError) {
        const tsd = program.getSemanticDiagnostics(program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        expect(tsd, "the case itself should type-check").toEqual([]);
      }
      const res = emitFile(program, file);
      expect(res.diagnostics.length, res.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n")).toBe(1);
      const d = res.diagnostics[0];
      expect(d.category).toBe(ts.DiagnosticCategory.Error);
      expect(d.source).toBe("tsjax");
      expect(d.code).toBe(99001);
      const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      expect(text.startsWith("tsjax: ")).toBe(true);
      const msg = text.slice("tsjax: ".length);
      if (typeof c.msg === "string") expect(msg).toBe(c.msg);
      else expect(msg).toMatch(c.msg);
      // where
      const want = expectedAt(i);
      expect(d.file?.fileName).toBe(want.file);
      const lc = d.file!.getLineAndCharacterOfPosition(d.start!);
      expect({ line: lc.line + 1, column: lc.character + 1 }).toEqual({ line: want.line, column: want.column });
      expect(d.length).toBeGreaterThan(0);
      // the failing call is left as it was: nothing was transformed
      expect(res.sites.length).toBe(c.innerSites ?? 0);
    });
  });
});

// ---- programs that must compile without diagnostics ---------------------------------------------
const MUST_COMPILE: { name: string; src: string; bug?: boolean }[] = [
  { name: "recursion", src: `function f(x: number, n: number): number {\n  return n <= 0 ? x : x * f(x, n - 1);\n}\nexport const d = grad((x: number) => f(x, 3));\n` },
  { name: "mutual recursion through a helper", src: `function a(x: number, n: number): number {\n  return n <= 0 ? x : b(x, n) + 1;\n}\nfunction b(x: number, n: number): number {\n  return x * a(x, n - 1);\n}\nexport const d = grad((x: number) => a(x, 3));\n` },
  { name: "a local function declaration (a closure)", src: `export const d = grad((x: number) => {\n  function h(y: number) { return y * x; }\n  return h(x);\n});\n` },
  { name: "second order through sum and max", src: `const f = (x: Array) => jnp.sum(jnp.max(x, 0));\nconst df = grad(f);\nexport const h = grad((x: Array) => jnp.sum(df(x).mul(x)));\n` },
  {
    name: "second order through prod",
    src: `const f = (x: Array) => jnp.prod(x);\nconst df = grad(f);\nexport const h = grad((x: Array) => jnp.sum(df(x).mul(x)));\n`,
  },
];

describe("programs that must compile", () => {
  MUST_COMPILE.forEach((c, i) => {
    (c.bug ? it.skip : it)(c.name, () => {
      const file = path.join(dir, `ok${i}.ts`);
      fs.writeFileSync(file, HEADER + c.src);
      const p2 = ts.createProgram([file], program.getCompilerOptions(), undefined, program);
      const res = emitFile(p2, file);
      expect(res.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
      expect(res.sites.length).toBeGreaterThan(0);
    });
  });
});

// ---- files that do not import tsjax ---------------------------------------------------------
const PLAIN = `// no tsjax here, though the names look alike
export function grad(f: (x: number) => number, opts?: { argnums?: number }) {
  return (x: number) => (f(x + 1e-6) - f(x - 1e-6)) / 2e-6 + (opts?.argnums ?? 0);
}
export const valueAndGrad = (f: (x: number) => number) => (x: number) => [f(x), grad(f)(x)] as const;
export const d = grad((x: number) => (x > 0 ? x * x : -x), { argnums: 0 });
enum E { A = 1, B }
export class C<T> {
  constructor(private readonly t: T) {}
  get v(): T { return this.t; }
}
export default { E, d: valueAndGrad(Math.sin)(0) };
`;

describe("files that do not import tsjax", () => {
  it("are emitted byte-identical to TypeScript's own emit", () => {
    const file = path.join(dir, "plain.ts");
    const sf = program.getSourceFile(file)!;
    let plain = "";
    program.emit(sf, (name, text) => {
      if (name.endsWith(".js")) plain = text;
    });
    const res = emitFile(program, file);
    expect(plain.length).toBeGreaterThan(100);
    expect(res.js).toBe(plain);
    expect(res.diagnostics).toEqual([]);
    expect(res.transformed).toBe(false);
    expect(res.sites).toEqual([]);
  });
});
