// jit fuses elementwise chains into one kernel (transformer/jit/fuse.ts → runtime/jit/fused.ts):
// results equal the eager code's bit for bit, below the size threshold (interpreted with the
// eager functions) and above it (one WebAssembly pass: f32x4 lanes for arithmetic chains, the
// runtime's scalar functions for transcendental ones), with broadcasting, scalars, one-element
// and zero-size Arrays, odd sizes around the SIMD width, through grad, and in loops.
import { describe, expect, it } from "vitest";
import { grad, jit, valueAndGrad, numpy as jnp, Array as TArray } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { FUSED_MIN_SIZE } from "../../runtime/jit/fused.js";

function rand(shape: number[], seed: number, lo = -2, hi = 2): Array {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    d[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return new TArray(d, shape, "float32");
}

/** The same function, eager and jit'd. */
const chain = (x: Array) => jnp.add(jnp.multiply(jnp.tanh(jnp.add(jnp.multiply(x, 1.1), 0.3)), jnp.exp(jnp.negative(jnp.multiply(x, x)))), jnp.sin(x));
const chainJ = jit(chain);
const arith = (x: Array, y: Array) => jnp.divide(jnp.subtract(jnp.multiply(x, x), jnp.maximum(y, 0.5)), jnp.add(jnp.abs(y), 1.25));
const arithJ = jit(arith);
const bcast = (x: Array, b: Array, k: number) => jnp.sqrt(jnp.add(jnp.square(jnp.subtract(x, b)), k));
const bcastJ = jit(bcast);

/** The float32 bit patterns (every NaN as one: its sign and payload are not part of the result). */
const bits = (a: Array) => [...new Uint32Array(new Float32Array(a.data as Float32Array).buffer)].map((b) => ((b & 0x7f800000) === 0x7f800000 && b & 0x7fffff ? 0x7fc00000 : b));

describe("fused kernels equal eager code bit for bit", () => {
  it("jit'd code calls fused kernels", () => {
    expect(String(chainJ)).toContain("fused(");
    expect(String(arithJ)).toContain("fused(");
  });
  const SIZES = [0, 1, 3, 4, 5, 100, FUSED_MIN_SIZE - 1, FUSED_MIN_SIZE, FUSED_MIN_SIZE + 1, FUSED_MIN_SIZE + 3, 10007];
  it.each(SIZES)("a transcendental chain on %i elements", (n) => {
    const x = rand([n], n + 1, -3, 3);
    expect(bits(chainJ(x))).toEqual(bits(chain(x)));
    expect(chainJ(x).shape).toEqual([n]);
  });
  it.each(SIZES)("an arithmetic chain (f32x4 lanes) on %i elements", (n) => {
    const x = rand([n], n + 2), y = rand([n], n + 3);
    expect(bits(arithJ(x, y))).toEqual(bits(arith(x, y)));
  });
  it.each([
    [[64, 64], [64]],
    [[64, 64], [64, 1]],
    [[3, 1000], [1]],
    [[2, 3, 700], [3, 1]],
    [[2500], []],
    // rows read in place (the trailing dimensions, a multiple of 4 long), on one thread and on two
    [[5, 3, 700], [3, 700]],
    [[40, 256], [1, 256]],
    [[2049, 4], [4]],
    [[300, 100], [100]],
    [[97, 3, 172], [172]],
    // not a row kernels can read in place: made full
    [[1000, 6], [6]],
  ])("broadcasting %j against %j, with a number", (xs, bs) => {
    const x = rand(xs as number[], 7), b = rand(bs as number[], 8);
    expect(bits(bcastJ(x, b, 0.7))).toEqual(bits(bcast(x, b, 0.7)));
    expect(bits(bcastJ(b, x, 2))).toEqual(bits(bcast(b, x, 2)));
  });
  it("special values: NaN, ±Infinity, ±0, and tiny numbers", () => {
    const d = new Float32Array(4096);
    const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-38, 3.4e38, -3.4e38, 1, -1];
    for (let i = 0; i < d.length; i++) d[i] = specials[i % specials.length] * (i % 3 === 0 ? 1 : 0.5);
    const x = new TArray(d, [4096], "float32"), y = new TArray(d.slice().reverse(), [4096], "float32");
    expect(bits(arithJ(x, y))).toEqual(bits(arith(x, y)));
    expect(bits(chainJ(x))).toEqual(bits(chain(x)));
  });
});

describe("large Arrays: the kernel split across threads", () => {
  it("100003 elements through jit equal the eager chain run on slices small enough for Math.* (per element)", () => {
    const n = 100003;
    const x = rand([n], 77, -6, 6);
    const whole = chainJ(x).data as Float32Array;
    const d = x.data as Float32Array;
    const parts: number[] = [];
    for (let i = 0; i < n; i += 1000) parts.push(...(chain(new TArray(d.slice(i, Math.min(n, i + 1000)), [Math.min(n, i + 1000) - i], "float32")).data as Float32Array));
    expect(bits(new TArray(whole, [n], "float32"))).toEqual(bits(new TArray(Float32Array.from(parts), [n], "float32")));
  });
});

describe("fused kernels under differentiation and control flow", () => {
  const loss = (w: Array, x: Array) => jnp.sum(jnp.square(jnp.subtract(jnp.tanh(jnp.multiply(x, w)), jnp.multiply(x, 0.5))));
  const w = rand([5000], 11, -1, 1), x = rand([5000], 12);
  it("jit(grad(f)), grad(jit(f)) and jit(valueAndGrad(f)) give the eager gradient bit for bit", () => {
    const g = grad(loss)(w, x);
    expect(bits(jit(grad(loss))(w, x))).toEqual(bits(g));
    expect(bits(grad(jit(loss))(w, x))).toEqual(bits(g));
    const [v, g2] = jit(valueAndGrad(loss))(w, x);
    // (the value is a fused sum: float64 sums of the chain's float32 values, within the bound)
    expect(Math.abs((v.item() as number) - (loss(w, x).item() as number))).toBeLessThanOrEqual(2 ** -20 * Math.abs(loss(w, x).item() as number));
    expect(bits(g2)).toEqual(bits(g));
  });
  it("a loop with a run-time trip count inside jit", () => {
    const f = (x: Array, n: number) => {
      let h = x;
      for (let i = 0; i < n; i++) h = jnp.add(jnp.multiply(jnp.tanh(h), 0.9), jnp.multiply(x, 0.1));
      return h;
    };
    const x = rand([3000], 5);
    expect(bits(jit(f)(x, 7))).toEqual(bits(f(x, 7)));
    expect(bits(jit(grad((x: Array, n: number) => jnp.sum(f(x, n))))(x, 4))).toEqual(bits(grad((x: Array, n: number) => jnp.sum(f(x, n)))(x, 4)));
  });
});

describe("one kernel for a whole gradient: shared values, shape-only reads, scalar cotangents", () => {
  const gradJ = jit(grad((x: Array) => jnp.sum(chain(x))));
  const gradE = grad((x: Array) => jnp.sum(chain(x)));
  it("jit(grad(Σ chain)) is one kernel reading x: the forward sum is not computed", () => {
    const code = String(gradJ);
    expect(code.match(/\.fused\(/g)?.length).toBe(1);
    // the seed is the constant 1 (the output is a float32 scalar by its avals), so Σy is dead
    expect(code).not.toMatch(/\.sum\(|\.seed\(|\.unreduce\(/);
    expect(code).toContain(`ones([], { dtype: "float32" })`);
  });
  it.each([5, FUSED_MIN_SIZE - 1, FUSED_MIN_SIZE, 10007])("its gradient equals the eager gradient bit for bit on %i elements", (n) => {
    const x = rand([n], n + 21, -3, 3);
    expect(bits(gradJ(x))).toEqual(bits(gradE(x)));
  });
  it("a value read by several ops is computed once in the kernel (t = tanh(x): t·t + t − t³)", () => {
    const f = (x: Array) => {
      const t = jnp.tanh(x);
      return jnp.subtract(jnp.add(jnp.multiply(t, t), t), jnp.multiply(jnp.multiply(t, t), t));
    };
    const fJ = jit(f);
    const code = String(fJ);
    expect(code.match(/\.fused\(/g)?.length).toBe(1);
    expect(code.match(/\.tanh\(/g)?.length).toBe(1); // (the eager fallback names it once, too)
    for (const n of [7, 3001]) {
      const x = rand([n], n, -2, 2);
      expect(bits(fJ(x))).toEqual(bits(f(x)));
    }
  });
  it("the spread cotangent of a sum stays a scalar input when no other input has the shape", () => {
    // Σ(b·c) for a broadcast b: the kernel's inputs broadcast to the output's shape either way
    const loss = (x: Array, b: Array) => jnp.sum(jnp.multiply(jnp.sin(x), b));
    const x = rand([40, 100], 3), b = rand([100], 4);
    expect(bits(jit(grad(loss))(x, b))).toEqual(bits(grad(loss)(x, b)));
    expect(bits(jit(grad(loss, { argnums: 1 }))(x, b))).toEqual(bits(grad(loss, { argnums: 1 })(x, b)));
  });
  it("the seed's checks stay where the avals cannot prove them: a non-scalar output is still an error", () => {
    const bad = jit(grad((x: Array) => jnp.tanh(x)));
    expect(String(bad)).toContain("seed(");
    expect(() => bad(rand([3], 1))).toThrow(/Gradient only defined for scalar-output functions. Output had shape: \(3,\)/);
    const viaInt = jit(grad((x: Array) => jnp.sum(jnp.argmax(x))));
    expect(() => viaInt(rand([3], 1))).toThrow();
  });
  it("valueAndGrad keeps the value, with the same bits as eager code", () => {
    const loss = (x: Array) => jnp.sum(jnp.square(jnp.tanh(x)));
    const x = rand([5000], 9);
    const [v, g] = jit(valueAndGrad(loss))(x);
    const [ve, ge] = valueAndGrad(loss)(x);
    expect(Math.abs((v.item() as number) - (ve.item() as number))).toBeLessThanOrEqual(2 ** -20 * Math.abs(ve.item() as number));
    expect(bits(g)).toEqual(bits(ge));
  });
});

describe("kernels that end in a whole-array sum or mean: the chain is never stored", () => {
  const f = (x: Array, y: Array) => jnp.sum(jnp.multiply(jnp.tanh(x), y));
  const g = (x: Array) => jnp.mean(jnp.square(jnp.subtract(x, 0.25)));
  const fJ = jit(f), gJ = jit(g);
  it("the jit'd code has one kernel with the reduction", () => {
    expect(String(fJ)).toContain(`\\"reduce\\":\\"sum\\"`);
    expect(String(gJ)).toContain(`\\"reduce\\":\\"mean\\"`);
    expect(String(fJ)).not.toMatch(/\.sum\(__tsjax_rt\.fused/);
  });
  /** Σ in float64 of the chain's float32 values (eager code's elementwise results), and Σ|·|. */
  const exact = (vals: Float32Array) => {
    let s = 0, m = 0;
    for (const v of vals) (s += v), (m += Math.abs(v));
    return [s, m];
  };
  it.each([5, FUSED_MIN_SIZE - 1, FUSED_MIN_SIZE, 10007, 100003])("on %i elements: below the threshold eager code's bits, above within n·2⁻⁵² Σ|v| and a float32 rounding of float64", (n) => {
    const x = rand([n], n + 5), y = rand([n], n + 6);
    const rf = fJ(x, y).item() as number, rg = gJ(x).item() as number;
    expect(fJ(x, y).shape).toEqual([]);
    if (n < FUSED_MIN_SIZE) {
      expect(rf).toBe(f(x, y).item());
      expect(rg).toBe(g(x).item());
      return;
    }
    const [sf, mf] = exact(jnp.multiply(jnp.tanh(x), y).data as Float32Array);
    expect(Math.abs(rf - sf)).toBeLessThanOrEqual(Math.abs(sf) * 2 ** -24 + n * 2 ** -52 * mf);
    const [sg, mg] = exact(jnp.square(jnp.subtract(x, 0.25)).data as Float32Array);
    expect(Math.abs(rg - sg / n)).toBeLessThanOrEqual(Math.abs(sg / n) * 2 ** -24 + 2 ** -52 * mg);
  });
  it("a sum over an axis, or with keepdims, stays the eager reduction of a fused chain", () => {
    const h = jit((x: Array) => jnp.sum(jnp.tanh(x), 1));
    const k = jit((x: Array) => jnp.sum(jnp.tanh(x), null, { keepdims: true }));
    expect(String(h)).not.toContain("reduce");
    expect(String(k)).not.toContain("reduce");
    const x = rand([50, 60], 3);
    expect(bits(h(x))).toEqual(bits(jnp.sum(jnp.tanh(x), 1)));
    expect(k(x).shape).toEqual([1, 1]);
  });
});

describe("a kernel after a matrix product reads the product in kernel memory (the matmul's epilogue)", () => {
  const layer = (x: Array, W: Array, b: Array) => jnp.tanh(jnp.add(jnp.matmul(x, W), b));
  const layerDot = (x: Array, W: Array, b: Array) => jnp.multiply(jnp.add(jnp.dot(x, W), b), 0.5);
  const layerJ = jit(layer), layerDotJ = jit(layerDot);
  it("the jit'd code is one kernel call with the product's operands", () => {
    expect(String(layerJ)).toContain(`\\"epilogue\\":\\"matmul\\"`);
    expect(String(layerDotJ)).toContain(`\\"epilogue\\":\\"dot\\"`);
    expect(String(layerJ)).not.toMatch(/const matmul = /);
  });
  it.each([
    [128, 784, 256], // in place: N a multiple of 8, on both threads
    [64, 100, 40],
    [50, 300, 13], // N not a multiple of 8: the product made as an Array first
    [3, 4, 8], // small: eager code
    [1, 2000, 256], // a vector times a matrix: as jnp.matmul, the vector kernel
  ])("x %i×%i · W %i… + b: the eager result bit for bit", (M, K, N) => {
    const x = rand([M, K], M + K, -1, 1), W = rand([K, N], N, -0.2, 0.2), b = rand([N], 3);
    expect(bits(layerJ(x, W, b))).toEqual(bits(layer(x, W, b)));
    expect(bits(layerDotJ(x, W, b))).toEqual(bits(layerDot(x, W, b)));
  });
  it("batched and vector operands keep jnp.matmul's semantics", () => {
    const x = rand([3, 40, 60], 1), W = rand([60, 64], 2, -0.2, 0.2), b = rand([64], 3), v = rand([60], 4);
    expect(bits(layerJ(x, W, b))).toEqual(bits(layer(x, W, b)));
    const vec = jit((W: Array, v: Array) => jnp.exp(jnp.matmul(W, v)));
    const W2 = rand([5000, 60], 5, -0.1, 0.1);
    expect(bits(vec(W2, v))).toEqual(bits(jnp.exp(jnp.matmul(W2, v))));
  });
  it("through grad: a training step's forward layers", () => {
    const loss = (W: Array, x: Array, b: Array) => jnp.mean(jnp.square(layer(x, W, b)));
    const x = rand([96, 200], 7, -1, 1), W = rand([200, 64], 8, -0.1, 0.1), b = rand([64], 9);
    const [v, g] = jit(valueAndGrad(loss))(W, x, b);
    const [ve, ge] = valueAndGrad(loss)(W, x, b);
    expect(bits(g)).toEqual(bits(ge));
    expect(Math.abs((v.item() as number) - (ve.item() as number))).toBeLessThanOrEqual(2 ** -20 * Math.abs(ve.item() as number));
  });
});

describe("the arena: a jit'd call's intermediates live in kernel memory, its results do not", () => {
  const step = jit((w: Array, x: Array) => {
    const h = jnp.tanh(jnp.matmul(x, w));
    const g = jnp.multiply(jnp.subtract(1, jnp.square(h)), 0.5);
    return { h, w: jnp.subtract(w, jnp.multiply(jnp.matmul(jnp.transpose(x), g), 0.01)) };
  });
  const eager = (w: Array, x: Array) => {
    const h = jnp.tanh(jnp.matmul(x, w));
    const g = jnp.multiply(jnp.subtract(1, jnp.square(h)), 0.5);
    return { h, w: jnp.subtract(w, jnp.multiply(jnp.matmul(jnp.transpose(x), g), 0.01)) };
  };
  const w = rand([96, 64], 1, -0.2, 0.2), x = rand([200, 96], 2);
  it("results are ordinary Arrays equal to the eager ones, and every block is given back", async () => {
    const { machine } = await import("../../runtime/jit/machine.js");
    // (twice first: the second use of x keeps a copy of it in kernel memory, resident.ts)
    step(w, x);
    step(w, x);
    const inUse = machine()!.heap.inUse();
    const r = step(w, x), e = eager(w, x);
    for (const k of ["h", "w"] as const) {
      expect(r[k].data.buffer).toBeInstanceOf(ArrayBuffer);
      expect(bits(r[k])).toEqual(bits(e[k]));
    }
    expect(machine()!.heap.inUse()).toBe(inUse);
  });
  it("a call's results keep their kernel-memory blocks as their Arrays' copies until the next call returns", async () => {
    const { machine, f32 } = await import("../../runtime/jit/machine.js");
    const { resident, residentBytes } = await import("../../runtime/jit/resident.js");
    const m = machine()!;
    let r = step(w, x);
    r = step(r.w, x);
    const kept = residentBytes(), inUse = m.heap.inUse();
    // (the next call reads r.w where it is: its copy is found, with r.w's values)
    const at = resident(m, r.w.data as Float32Array);
    expect(at).not.toBeNull();
    expect(f32(m).slice(at! >> 2, (at! >> 2) + r.w.size)).toEqual(r.w.data);
    // chained calls: one call's results kept at a time, and the values of the eager chain
    const last = r;
    let wj = r.w, we = r.w;
    for (let i = 0; i < 20; i++) {
      wj = step(wj, x).w;
      we = eager(we, x).w;
    }
    expect(bits(wj)).toEqual(bits(we));
    expect(residentBytes()).toBe(kept);
    expect(m.heap.inUse()).toBe(inUse);
    // an older result's copy was given back: a first look at it is a miss
    expect(resident(m, last.h.data as Float32Array)).toBeNull();
  });
  it("a call that throws gives its blocks back too", async () => {
    const { machine } = await import("../../runtime/jit/machine.js");
    const bad = jit((x: Array) => {
      const y = jnp.tanh(jnp.multiply(x, 2));
      if ((jnp.sum(y).item() as number) > -1e9) throw new Error("stop after the kernels");
      return y;
    });
    const big = rand([5000], 3);
    expect(() => bad(big)).toThrow(/stop after the kernels/);
    const inUse = machine()!.heap.inUse();
    expect(() => bad(big)).toThrow(/stop after the kernels/);
    expect(machine()!.heap.inUse()).toBe(inUse);
  });
  it("a jit'd function called from another keeps its result past its own frame", () => {
    const inner = jit((x: Array) => jnp.exp(jnp.multiply(x, 0.5)));
    const outer = jit((x: Array) => jnp.add(inner(x), jnp.tanh(x)));
    const big = rand([6000], 4);
    expect(bits(outer(big))).toEqual(bits(jnp.add(jnp.exp(jnp.multiply(big, 0.5)), jnp.tanh(big))));
  });
});

describe("memory", () => {
  it("a jit'd training step runs thousands of times in flat memory (kernel memory does not grow)", async () => {
    const { machine } = await import("../../runtime/jit/machine.js");
    const loss = (w: Array, x: Array) => jnp.mean(jnp.square(jnp.tanh(jnp.matmul(x, w))));
    const step = jit((w: Array, x: Array) => jnp.subtract(w, jnp.multiply(grad(loss)(w, x), 0.1)));
    let w = rand([64, 64], 3, -0.1, 0.1);
    const x = rand([64, 64], 4);
    for (let i = 0; i < 50; i++) w = step(w, x);
    const kernelBytes = machine()!.memory.buffer.byteLength;
    const heap0 = process.memoryUsage().heapUsed;
    for (let i = 0; i < 3000; i++) w = step(w, x);
    expect(machine()!.memory.buffer.byteLength).toBe(kernelBytes);
    // (garbage-collected Arrays: the heap may hold some not yet collected; 3000 steps allocate
    // about 500 MB in all, and a leak of even a tenth of it would show)
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(48 * 2 ** 20);
    expect(Number.isFinite(w.data[0])).toBe(true);
  });
});

describe("jit of pytrees, and of code tsjax cannot compile", () => {
  it("a training step over an object of parameters equals the eager step bit for bit", () => {
    interface P {
      W: Array;
      b: Array;
    }
    const loss = (p: P, x: Array) => jnp.mean(jnp.square(jnp.tanh(jnp.add(jnp.matmul(x, p.W), p.b))));
    const step = (p: P, x: Array): P => {
      const g = grad(loss)(p, x);
      return { W: jnp.subtract(p.W, jnp.multiply(g.W, 0.1)), b: jnp.subtract(p.b, jnp.multiply(g.b, 0.1)) };
    };
    const stepJ = jit(step);
    expect(String(stepJ)).toContain("fused(");
    const p: P = { W: rand([96, 64], 41, -0.2, 0.2), b: rand([64], 42, -0.1, 0.1) };
    const x = rand([80, 96], 43);
    const [a, e] = [stepJ(p, x), step(p, x)];
    expect(bits(a.W)).toEqual(bits(e.W));
    expect(bits(a.b)).toEqual(bits(e.b));
  });
  it("a jit'd function the transformer cannot lower runs eagerly (still correct)", () => {
    const f = (x: Array) => {
      try {
        return jnp.multiply(x, 2);
      } catch {
        return x;
      }
    };
    const fj = jit(f);
    expect(String(fj)).not.toContain("fused(");
    const x = rand([3000], 44);
    expect(bits(fj(x))).toEqual(bits(f(x)));
  });
});

describe("a returned kernel output (its Array readied while the workers compute)", () => {
  const twice = jit((x: Array) => {
    const y = jnp.add(jnp.multiply(jnp.tanh(x), 2), 1);
    return { a: y, b: y, c: jnp.sum(y) };
  });
  it("is marked ret in the program; an intermediate is not", () => {
    expect(String(chainJ)).toContain('\\"ret\\":true');
    const inner = jit((x: Array) => jnp.sum(jnp.multiply(jnp.exp(x), 3)));
    expect(String(inner)).toContain("fused(");
    expect(String(inner)).not.toContain('\\"ret\\"');
  });
  it("each call returns Arrays of their own, equal to eager code, however often the value is returned", () => {
    const n = 40_003; // (above the size from which kernels split across threads)
    const x1 = rand([n], 71, -3, 3), x2 = rand([n], 72, -3, 3);
    const r1 = chainJ(x1);
    const keep = bits(r1);
    const r2 = chainJ(x2);
    expect(r2.data).not.toBe(r1.data);
    expect(bits(r1)).toEqual(keep);
    expect(bits(r1)).toEqual(bits(chain(x1)));
    expect(bits(r2)).toEqual(bits(chain(x2)));
    const t = twice(x1);
    const want = bits(jnp.add(jnp.multiply(jnp.tanh(x1), 2), 1));
    expect(bits(t.a)).toEqual(want);
    expect(bits(t.b)).toEqual(want);
    expect(t.a.data).not.toBe(t.b.data);
  });
});
