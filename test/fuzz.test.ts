// Differential fuzzing of the tsjax transformer on `number` programs with control flow.
//
// Seeded generated programs (test/fuzz/gen.ts) are built through the transformer, many per file
// (test/fuzz/harness.ts), and their valueAndGrad / second-order derivatives are compared with an
// independent oracle: an interpreter of the same AST over hyper-dual numbers (test/fuzz/oracle.ts).
// Failures are grouped by signature and one program per class is reduced (test/fuzz/reduce.ts);
// the test fails printing the reduced repros.
//
//   npx vitest run test/fuzz.test.ts                       (what `npm test` runs: 2500 programs)
//   TSJAX_FUZZ_SEED=7 TSJAX_FUZZ_COUNT=50000 npx vitest run test/fuzz.test.ts
//   node test/fuzz/run.mjs --count 50000 --seed 7          (long runs in chunks, see that file)
//
// Environment: TSJAX_FUZZ_SEED, TSJAX_FUZZ_COUNT, TSJAX_FUZZ_START (first program id),
// TSJAX_FUZZ_BATCH (programs per file), TSJAX_FUZZ_WORKERS (compiling threads, default 2), TSJAX_FUZZ_OFF (features to leave out, e.g. "same,narrow";
// see FEATURES in gen.ts), TSJAX_FUZZ_REDUCE_MS (total time for reductions), TSJAX_FUZZ_REPORT
// (write a JSON report to this path), TSJAX_FUZZ_KNOWN (JSON list of class signatures not to reduce).
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import type { Expr, Prog, Stmt } from "./fuzz/ast.js";
import { generate } from "./fuzz/gen.js";
import { MARGIN, closePool, newStats, pickPoint, runBatches } from "./fuzz/harness.js";
import { evaluate, value } from "./fuzz/oracle.js";
import { formatReport, reduceClasses } from "./fuzz/report.js";

const env = process.env;
const SEED = Number(env.TSJAX_FUZZ_SEED ?? 20261201);
const COUNT = Number(env.TSJAX_FUZZ_COUNT ?? 2500);
const START = Number(env.TSJAX_FUZZ_START ?? 0);
const BATCH = Number(env.TSJAX_FUZZ_BATCH ?? 100);
const OFF = new Set((env.TSJAX_FUZZ_OFF ?? "").split(",").filter(Boolean));
const WORKERS = Number(env.TSJAX_FUZZ_WORKERS ?? 2);
const REDUCE_MS = Number(env.TSJAX_FUZZ_REDUCE_MS ?? 40_000);

// ---- tiny builders for hand-written programs ----------------------------------------------------
const n = (v: number): Expr => ({ k: "num", v });
const V = (name: string): Expr => ({ k: "var", n: name });
const b = (op: "+" | "-" | "*" | "/", a: Expr, c: Expr): Expr => ({ k: "bin", op, a, b: c });
const m = (f: "sin" | "cos" | "tanh" | "exp" | "sqrt" | "abs" | "floor", a: Expr): Expr => ({ k: "m1", f, a });
const ret = (e: Expr): Stmt => ({ k: "ret", e });
const main = (body: Stmt[], helpers: Prog["helpers"] = []): Prog => ({ id: 0, helpers, main: { name: "f0", params: ["x", "y"], body } });

/** [program, x, y, [f, fx, fy, fxx, fxy, fyy] derived by hand] */
const HAND: [string, Prog, number, number, (x: number, y: number) => number[]][] = [
  [
    "x·x·y + sin x",
    main([ret(b("+", b("*", b("*", V("x"), V("x")), V("y")), m("sin", V("x"))))]),
    0.7,
    -1.3,
    (x, y) => [x * x * y + Math.sin(x), 2 * x * y + Math.cos(x), x * x, 2 * y - Math.sin(x), 2 * x, 0],
  ],
  [
    "loop: s = x; 3× s = s·y  (x·y³)",
    main([{ k: "let", n: "s", e: V("x") }, { k: "for", i: "i", n: 3, body: [{ k: "set", n: "s", e: b("*", V("s"), V("y")) }] }, ret(V("s"))]),
    1.1,
    0.6,
    (x, y) => [x * y ** 3, y ** 3, 3 * x * y * y, 0, 3 * y * y, 6 * x * y],
  ],
  [
    "sqrt(x² + 1) / (1 + y²)",
    main([ret(b("/", m("sqrt", b("+", b("*", V("x"), V("x")), n(1))), b("+", n(1), b("*", V("y"), V("y")))))]),
    -0.4,
    0.9,
    (x, y) => {
      const r = Math.sqrt(x * x + 1), q = 1 + y * y;
      return [r / q, x / r / q, (-2 * y * r) / (q * q), 1 / (r * r * r) / q, (-2 * y * x) / r / (q * q), r * (6 * y * y - 2) / (q * q * q)];
    },
  ],
  [
    "branch: x > y ? exp(tanh(y))·x : x·y  (taken: first)",
    main([ret({ k: "cond", c: { k: "cmp", op: ">", a: V("x"), b: V("y") }, a: b("*", m("exp", m("tanh", V("y"))), V("x")), b: b("*", V("x"), V("y")) })]),
    0.5,
    -0.2,
    (x, y) => {
      const t = Math.tanh(y), e = Math.exp(t), dt = 1 - t * t, ddt = -2 * t * dt;
      const de = e * dt, dde = e * dt * dt + e * ddt;
      return [e * x, e, de * x, 0, de, dde * x];
    },
  ],
  [
    "recursion: cube(x, 3)·y",
    main(
      [ret(b("*", { k: "call", f: "cube", args: [V("x"), n(3)] }, V("y")))],
      [{ name: "cube", params: ["a", "n"], rec: true, body: [ret({ k: "cond", c: { k: "cmp", op: "<=", a: V("n"), b: n(0) }, a: n(1), b: b("*", { k: "call", f: "cube", args: [V("a"), b("-", V("n"), n(1))] }, V("a")) })] }],
    ),
    1.2,
    -0.8,
    (x, y) => [x ** 3 * y, 3 * x * x * y, x ** 3, 6 * x * y, 3 * x * x, 0],
  ],
  [
    "switch (floor x) with fall-through: case 0: s += x; case 1: s *= y; break",
    main([
      { k: "let", n: "s", e: n(1) },
      { k: "switch", d: m("floor", V("x")), cases: [{ t: 0, body: [{ k: "op", n: "s", op: "+=", e: V("x") }] }, { t: 1, body: [{ k: "op", n: "s", op: "*=", e: V("y") }, { k: "brk" }] }, { t: null, body: [{ k: "set", n: "s", e: n(0) }] }] },
      ret(V("s")),
    ]),
    0.5,
    2.5,
    (x, y) => [(1 + x) * y, y, 1 + x, 0, 1, 0],
  ],
  [
    "dead value with an infinite derivative: u = 1/(y − y), never read",
    main([{ k: "let", n: "u", e: n(0) }, { k: "for", i: "i", n: 2, body: [{ k: "set", n: "u", e: b("/", n(1), b("-", V("y"), V("y"))) }] }, ret(b("*", V("x"), V("y")))]),
    0.3,
    0.4,
    (x, y) => [x * y, y, x, 0, 1, 0],
  ],
  [
    "y || y, x && x (operands returned)",
    main([ret(b("*", { k: "log", op: "||", a: V("y"), b: V("y") }, { k: "log", op: "&&", a: V("x"), b: n(2) }))]),
    0.3,
    -0.4,
    (x, y) => [2 * y, 0, 2, 0, 0, 0],
  ],
];

describe("fuzz oracle", () => {
  it.each(HAND)("%s: hand-derived derivatives", (_, p, x, y, want) => {
    const { out } = evaluate(p, x, y);
    const got = [out.v, out.x, out.y, out.xx, out.xy, out.yy];
    want(x, y).forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
  });

  it("agrees with central finite differences on generated programs away from branch switches", () => {
    const h = 1e-6;
    let checked = 0;
    for (let id = 0; id < 400; id++) {
      const p = generate(99, id);
      const pt = pickPoint(p, 99);
      if (!pt || pt === "oracle" || pt.o.margin < 1e-3) continue;
      const { x, y, o } = pt;
      const o1 = o.out;
      if ([o1.x, o1.y, o1.xx, o1.xy, o1.yy].some((d) => Math.abs(d) > 1e3)) continue;
      const close = (fd: number, ad: number, what: string) =>
        expect(Math.abs(fd - ad), `program ${id} at (${x}, ${y}): ${what} oracle ${ad} vs finite difference ${fd}`).toBeLessThan(2e-5 * (1 + Math.abs(ad)));
      close((value(p, x + h, y) - value(p, x - h, y)) / (2 * h), o1.x, "∂x");
      close((value(p, x, y + h) - value(p, x, y - h)) / (2 * h), o1.y, "∂y");
      const dx = (xx: number, yy: number) => evaluate(p, xx, yy).out;
      close((dx(x + h, y).x - dx(x - h, y).x) / (2 * h), o1.xx, "∂xx");
      close((dx(x, y + h).x - dx(x, y - h).x) / (2 * h), o1.xy, "∂xy");
      close((dx(x, y + h).y - dx(x, y - h).y) / (2 * h), o1.yy, "∂yy");
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(MARGIN).toBeLessThan(1e-3);
  });
});

describe("fuzz: generated programs through the transformer vs the hyper-dual oracle", () => {
  it(`${COUNT} programs, seed ${SEED}`, async () => {
    const progs = new Map<number, Prog>();
    const progOf = (id: number) => progs.get(id) ?? generate(SEED, id, OFF);
    const stats = newStats();
    const t0 = Date.now();
    const batches: Prog[][] = [];
    for (let s = START; s < START + COUNT; s += BATCH) {
      const batch: Prog[] = [];
      for (let id = s; id < Math.min(s + BATCH, START + COUNT); id++) batch.push(generate(SEED, id, OFF));
      batches.push(batch);
    }
    await runBatches(batches, { seed: SEED, workers: WORKERS }, stats);
    closePool();
    const fuzzMs = Date.now() - t0;
    // classes already reduced by an earlier chunk of a long run (test/fuzz/run.mjs)
    const known = new Set<string>(env.TSJAX_FUZZ_KNOWN ? JSON.parse(fs.readFileSync(env.TSJAX_FUZZ_KNOWN, "utf8")) : []);
    const reps = await reduceClasses(stats.failures, progOf, SEED, { maxClasses: 20, totalMs: REDUCE_MS, perClassMs: 15_000, skip: known });
    const report = formatReport(stats, SEED, reps, progOf);
    if (env.TSJAX_FUZZ_REPORT)
      fs.writeFileSync(env.TSJAX_FUZZ_REPORT, JSON.stringify({ seed: SEED, start: START, count: COUNT, off: [...OFF], fuzzMs, stats: { ...stats, failures: undefined }, failures: stats.failures, classes: reps }, null, 1));
    console.log(`fuzz: ${stats.programs} programs in ${fuzzMs} ms (${stats.checked} compared, ${stats.skipped} skipped, ${stats.failures.length} failures)`);
    if (stats.failures.length) console.log(report);
    expect(stats.skipped, "programs without a usable input point (a generator problem)").toBeLessThan(COUNT * 0.2);
    expect(stats.failures.length, report).toBe(0);
  }, 900_000);
});
