// Bad input to composite functions names the function the user called (then the operation inside
// it that failed, with the shapes), and counts that NumPy refuses are refused: repeat/tile/split
// counts, nn.oneHot's numClasses; in eager and compiled code.
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { jit, nn, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { compile, HEADER, RUNTIME } from "./fixtures/compile.js";

const x = jnp.ones([2, 3]);

describe("errors name the function called", () => {
  it("composites and formulas: the function, then the operation inside it and the shapes", () => {
    expect(() => nn.softmax(x, 3)).toThrow(/^nn\.softmax: logsumexp: axis 3 is out of bounds for array of shape \(2, 3\)$/);
    expect(() => nn.logSoftmax(x, -3)).toThrow(/^nn\.logSoftmax: logsumexp: axis -3 is out of bounds for array of shape \(2, 3\)$/);
    expect(() => nn.standardize(x, 2)).toThrow(/^nn\.standardize: mean: axis 2 is out of bounds for array of shape \(2, 3\)$/);
    expect(() => jnp.all(x, 4)).toThrow(/^all: .*axis 4 is out of bounds for array of shape \(2, 3\)$/);
    expect(() => jnp.vecdot(x, jnp.ones([2]))).toThrow(/^vecdot: multiply: shapes \(2, 3\) and \(2,\) cannot be broadcast/);
    expect(() => jnp.matvec(x, jnp.ones([2]))).toThrow(/^matvec: matmul: shapes \(2, 3\) and \(2, 1\) not aligned/);
    expect(() => jnp.linalg.vectorNorm(x, { axis: 4 })).toThrow(/^vectorNorm: sum: axis 4 is out of bounds for array of shape \(2, 3\)$/);
    expect(() => jnp.linalg.matrixNorm(jnp.ones([3]))).toThrow(/^matrixNorm: .*shape \(3,\)$/);
    expect(() => jnp.trace(jnp.ones([3]))).toThrow(/^trace: diagonal: axis 1 is out of bounds for array of shape \(3,\)$/);
    expect(() => jnp.sort(x, 2)).toThrow(/^sort: axis 2 is out of bounds for array of shape \(2, 3\)$/);
    // (a message that already names the function is left as it is)
    expect(() => nn.glu(x)).toThrow(/^nn\.glu: axis -1 of shape \(2, 3\) has odd size 3/);
  });
  it("counts: repeat, tile, split, arraySplit, oneHot (eager and compiled)", () => {
    expect(() => jnp.repeat(x, -1, 1)).toThrow(/^repeat: repeats must be a non-negative integer, got -1 \(array of shape \(2, 3\)\)$/);
    expect(() => jnp.repeat(x, [1, 2] as unknown as number, 1)).toThrow(/^repeat: repeats must be a non-negative integer, got \[1,2\]/);
    expect(() => jnp.tile(x, 1.5)).toThrow(/^tile: reps must be a non-negative integer, got 1\.5 \(array of shape \(2, 3\)\)$/);
    expect(() => jnp.split(x, 0, 1)).toThrow(/^split: the number of pieces must be a positive integer, got 0/);
    expect(() => jnp.arraySplit(x, -2)).toThrow(/^arraySplit: the number of pieces must be a positive integer, got -2/);
    expect(() => nn.oneHot(jnp.array([0, 1]), 2.5)).toThrow(/^nn\.oneHot: numClasses must be a non-negative integer, got 2\.5 \(x of shape \(2,\)\)$/);
    expect(jnp.repeat(x, 0, 1).shape).toEqual([2, 0]);
    expect(() => jit((a: Array) => jnp.tile(a, -1))(x)).toThrow(/^tile: reps must be a non-negative integer, got -1/);
    expect(() => jit((a: Array) => jnp.repeat(a, 2.5, 0))(x)).toThrow(/^repeat: repeats must be a non-negative integer, got 2\.5/);
  });
  it("cov and corrcoef refuse more than 2 dimensions (eager, jit, under vmap) and still batch", () => {
    const m3 = jnp.ones([2, 2, 3]);
    expect(() => jnp.cov(m3)).toThrow(/^cov: m has more than 2 dimensions \(shape \(2, 2, 3\)\)$/);
    expect(() => jnp.cov(x, m3)).toThrow(/^cov: y has more than 2 dimensions \(shape \(2, 2, 3\)\)$/);
    expect(() => jnp.corrcoef(m3)).toThrow(/^corrcoef: m has more than 2 dimensions/);
    expect(() => jit((a: Array) => jnp.cov(a))(m3)).toThrow(/^cov: m has more than 2 dimensions \(shape \(2, 2, 3\)\)$/);
    expect(() => vmap((a: Array) => jnp.cov(a))(jnp.ones([2, 2, 2, 3]))).toThrow(/^cov: m has more than 2 dimensions \(shape \(2, 2, 3\)\)$/);
    const ms = jnp.reshape(jnp.sin(jnp.arange(12)), [2, 2, 3]);
    expect(vmap((a: Array) => jnp.cov(a))(ms)).toEqual(jnp.stack([jnp.cov(jnp.take(ms, 0, 0)), jnp.cov(jnp.take(ms, 1, 0))]));
  });
  it("compiled oneHot with a fractional numClasses is a build error", () => {
    const src = `import { nn } from ${JSON.stringify(RUNTIME)};\nexport const d = grad((a: Array) => jnp.sum(nn.oneHot(a, 2.5)).item() as number);\n`;
    const c = compile({ "main.ts": HEADER + src });
    try {
      const texts = c.emit("main.ts").diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(texts).toEqual([expect.stringMatching(/nn\.oneHot: numClasses must be a non-negative integer, got 2\.5/)]);
    } finally {
      c.cleanup();
    }
  });
});
