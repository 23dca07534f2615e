// The IR verifier and abstract evaluation (transformer/verify.ts, avals.ts). The whole suite runs
// with TSJAX_VERIFY=1, so every IR it builds is verified after each stage; these tests show the
// verifier catches what it claims to (hand-built broken IR, a broken derivative rule) and that
// abstract evaluation derives the shapes JAX would.
import { afterEach, describe, expect, it } from "vitest";
import { Builder, freshVar, leaf, lit, num, tup, type Fn, type Stmt, type Value, type Var } from "../../dist/transformer/ir.js";
import { PRIMS, primTy } from "../../dist/transformer/prims/index.js";
import { verifyFn, fmtAval } from "../../dist/transformer/verify.js";
import { compile, HEADER } from "./fixtures/compile.js";

const fnOf = (params: Var[], body: Stmt[], result: Value, name = "f"): Fn => ({ name, params: params.map((p) => ({ name: p.name, tree: leaf(p) })), body, result: leaf(result) });

describe("abstract evaluation", () => {
  it("derives shapes through reshape, reductions, matmul, transpose, stack and broadcasting", () => {
    const x = freshVar("x", "arr");
    const b = new Builder(primTy);
    const y = b.apply("reshape", [x, lit([2, 3])], "y");
    const s0 = b.apply("sum", [y, num(0), lit(undefined)], "s0");
    const s1 = b.apply("sum", [y, num(1), lit({ keepdims: true })], "s1");
    const yt = b.apply("transpose", [y, lit(null)], "yt");
    const m = b.apply("matmul", [y, yt], "m");
    const d = b.apply("dot", [yt, y], "d");
    const e = b.apply("expandDims", [s0, num(0)], "e");
    const z = b.apply("add", [y, e], "z"); // (2,3) + (1,3)
    const st = b.apply("stackN", [num(1), s0, s0], "st");
    const o = b.apply("outer", [s0, m], "o");
    const all = b.apply("sum", [x, lit(null), lit(undefined)], "all");
    const avals = verifyFn(fnOf([x], b.body, all), "test");
    const shape = (v: Var) => fmtAval(avals.get(v.id)!);
    expect(shape(y)).toBe("f32[2,3]");
    expect(shape(s0)).toBe("f32[3]");
    expect(shape(s1)).toBe("f32[2,1]");
    expect(shape(yt)).toBe("f32[3,2]");
    expect(shape(m)).toBe("f32[2,2]");
    expect(shape(d)).toBe("f32[3,3]");
    expect(shape(z)).toBe("f32[2,3]");
    expect(shape(st)).toBe("f32[3,2]");
    expect(shape(o)).toBe("f32[3,4]");
    expect(shape(all)).toBe("f32[]");
    // a parameter's rank is not known at build time: its shape is a symbol
    expect(shape(x)).toBe(`f32x#${x.id}`);
  });

  it("a keepdims reduction of an unknown shape broadcasts back to it (x − mean(x, keepdims))", () => {
    const x = freshVar("x", "arr");
    const b = new Builder(primTy);
    const m = b.apply("mean", [x, num(-1), lit({ keepdims: true })], "m");
    const c = b.apply("sub", [x, m], "c");
    const avals = verifyFn(fnOf([x], b.body, c), "test");
    expect(fmtAval(avals.get(c.id)!)).toBe(`f32x#${x.id}`);
  });
});

describe("the verifier refuses", () => {
  const x = () => freshVar("x", "arr");
  it("a variable used before it is defined", () => {
    const p = x(), t = freshVar("t", "arr");
    const u = freshVar("u", "arr");
    const body: Stmt[] = [{ out: u, prim: "sin", args: [t] }, { out: t, prim: "cos", args: [p] }];
    expect(() => verifyFn(fnOf([p], body, u), "test")).toThrow(/t#\d+ is used before it is defined/);
  });
  it("a variable defined twice", () => {
    const p = x(), t = freshVar("t", "arr");
    const body: Stmt[] = [{ out: t, prim: "sin", args: [p] }, { out: t, prim: "cos", args: [p] }];
    expect(() => verifyFn(fnOf([p], body, t), "test")).toThrow(/t#\d+ is defined twice/);
  });
  it("a primitive with the wrong operand count, or an unknown one", () => {
    const p = x(), t = freshVar("t", "arr");
    expect(() => verifyFn(fnOf([p], [{ out: t, prim: "sin", args: [p, p] }], t), "test")).toThrow(/sin applied to 2 operand/);
    expect(() => verifyFn(fnOf([p], [{ out: t, prim: "sine", args: [p] }], t), "test")).toThrow(/unknown primitive 'sine'/);
  });
  it("a result typed against the registry (an Array primitive giving a number)", () => {
    const p = x(), t = freshVar("t", "num");
    expect(() => verifyFn(fnOf([p], [{ out: t, prim: "matmul", args: [p, p] }], t), "test")).toThrow(/matmul gives arr, but t#\d+ is typed num/);
  });
  it("known sizes that do not broadcast", () => {
    const p = x();
    const b = new Builder(primTy);
    const a = b.apply("zeros", [lit([3]), lit(undefined)]);
    const c = b.apply("zeros", [lit([4]), lit(undefined)]);
    const s = b.apply("add", [a, c]);
    expect(() => verifyFn(fnOf([p], b.body, s), "test")).toThrow(/shapes \(3\) and \(4\) do not broadcast/);
  });
  it("a loop whose body gives fewer values than it carries, a call of a missing function", () => {
    const p = x(), q = freshVar("q", "arr"), o = freshVar("o", "arr");
    const loop: Stmt = { kind: "while", params: [q], init: [p], cond: { body: [], results: [lit(false)] }, body: { body: [], results: [] }, outs: [o] };
    expect(() => verifyFn(fnOf([p], [loop], o), "test")).toThrow(/a loop body gives 0 values for 1 carried/);
    const call: Stmt = { kind: "call", fn: "nowhere", args: [p], outs: [o] };
    expect(() => verifyFn(fnOf([p], [call], o), "test")).toThrow(/unknown local function 'nowhere'/);
  });
  it("a gradient without its parameter's shape", () => {
    const p = x();
    const b = new Builder(primTy);
    const g = b.apply("sum", [p, lit(null), lit(undefined)], "g_x");
    expect(() => verifyFn({ name: "grad_f", params: [{ name: "x", tree: leaf(p) }], body: b.body, result: tup([leaf(g)]) }, "test", [[g, p, "a gradient and its parameter"]])).toThrow(
      /a gradient and its parameter: g_x#\d+ has f32\[\], but x#\d+ has f32x#\d+/,
    );
  });
});

describe("a broken derivative rule is caught when the suite builds code", () => {
  const add = PRIMS.add as { vjp?: unknown };
  const saved = add.vjp;
  afterEach(() => {
    add.vjp = saved;
  });
  it("add's rule without unbroadcast gives a gradient of the broadcast shape: an internal error at the call", () => {
    const src = `export const g = grad((x: Array, y: Array) => jnp.sum(jnp.add(x, y)));\n`;
    const ok = compile({ "main.ts": HEADER + src });
    try {
      expect(ok.emit("main.ts").diagnostics).toEqual([]);
    } finally {
      ok.cleanup();
    }
    add.vjp = (o: unknown, g: Value) => [g, g]; // forgets to sum the cotangent down to each operand
    const bad = compile({ "main.ts": HEADER + src });
    try {
      const msgs = bad.emit("main.ts").diagnostics.map((d) => String(typeof d.messageText === "string" ? d.messageText : d.messageText.messageText));
      expect(msgs.join("\n")).toMatch(/IR verifier \(grad_.*\): a gradient and its parameter: .* has f32bcast\(x#\d+;y#\d+\), but x#\d+ has f32x#\d+/);
    } finally {
      bad.cleanup();
    }
  });
});
