// vmap: every batched program against the per-example loop it replaces (the same function run on
// each example and stacked), for elementwise code, reductions, products, movement, indexing,
// branches and loops whose conditions differ per example, pytree axes, and compositions with
// grad, jvp, jit and vmap itself.
import { describe, expect, it } from "vitest";
import { grad, jit, jvp, numpy as jnp, random, valueAndGrad, vmap } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { compile, HEADER } from "./fixtures/compile.js";

const key = random.key(0);
const rnd = (k: number, shape: number[]) => random.normal(random.foldIn(key, k), shape);

/** The per-example loop: f on each slice along `axis` of the mapped arguments, stacked on axis 0. */
function loop(f: (...a: any[]) => any, args: any[], axes: (number | null)[]): Array {
  const n = args.find((a, i) => axes[i] !== null).shape[axes[args.findIndex((a, i) => axes[i] !== null)]!];
  const outs: Array[] = [];
  for (let e = 0; e < n; e++) outs.push(jnp.array(f(...args.map((a, i) => (axes[i] === null ? a : jnp.take(a, e, axes[i]!))))));
  return jnp.stack(outs);
}
const close = (a: Array, b: Array, tol = 1e-6) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.tolist() as any, y = b.tolist() as any;
  expect(jnp.max(jnp.abs(jnp.subtract(a, b))).item()).toBeLessThanOrEqual(tol * (1 + (jnp.max(jnp.abs(b)).item() as number)));
  void x, y;
};

function ew(x: Array, y: Array): Array {
  return jnp.add(jnp.multiply(jnp.tanh(x), y), jnp.exp(jnp.multiply(x, 0.5)));
}

describe("vmap: elementwise", () => {
  it("maps axis 0 of both arguments", () => {
    const x = rnd(1, [5, 3]), y = rnd(2, [5, 3]);
    close(vmap(ew)(x, y), loop(ew, [x, y], [0, 0]));
  });
  it("an unmapped argument broadcasts against each example", () => {
    const x = rnd(1, [5, 3]), y = rnd(2, [3]);
    close(vmap(ew, [0, null])(x, y), loop(ew, [x, y], [0, null]));
  });
});

// ---- one primitive family at a time, each against the per-example loop ----------------------------
const sumRows = (x: Array) => jnp.sum(x, 0);
const sumAll = (x: Array) => jnp.sum(x);
const meanLast = (x: Array) => jnp.mean(x, -1);
const maxKeep = (x: Array) => jnp.max(x, 1, { keepdims: true });
const lse = (x: Array) => jnp.logsumexp(x, 0);
const varAll = (x: Array) => jnp.var(x);
const amax = (x: Array) => jnp.argmax(x);
const amax1 = (x: Array) => jnp.argmax(x, 1);
const mv = (w: Array, x: Array) => jnp.matmul(w, x);
const vm = (x: Array, w: Array) => jnp.matmul(x, w);
const dotv = (a: Array, b: Array) => jnp.dot(a, b);
const outerF = (a: Array, b: Array) => jnp.outer(a, b);
const vdotF = (a: Array, b: Array) => jnp.vdot(a, b);
const resh = (x: Array) => jnp.reshape(x, [2, -1]);
const rav = (x: Array) => jnp.ravel(x);
const tr = (x: Array) => jnp.transpose(x);
const trAx = (x: Array) => jnp.transpose(x, [1, 0, 2]);
const expd = (x: Array) => jnp.expandDims(x, 0);
const expdNeg = (x: Array) => jnp.expandDims(x, -1);
const sq = (x: Array) => jnp.squeeze(jnp.reshape(x, [1, 3, 1, 2]));
const bto = (x: Array) => jnp.broadcastTo(x, [4, 3]);
const stk = (a: Array, b: Array) => jnp.stack([a, b], 1);
const cat = (a: Array, b: Array) => jnp.concatenate([a, b], -1);
const sl = (x: Array) => x.slice([1, 3], null);
const ix = (x: Array) => jnp.take(x, 2, 0);
const tk = (x: Array) => jnp.take(x, jnp.array([2, 0, 1], { dtype: "int32" }), 1);
const cmp = (x: Array, y: Array) => jnp.where(jnp.greater(x, y), x, jnp.multiply(y, 2));

describe("vmap: each primitive family against the per-example loop", () => {
  const cases: [string, (...a: any[]) => any, number[][], (number | null)[], Array][] = [];
  const add = (name: string, f: (...a: any[]) => any, shapes: number[][], axes: (number | null)[], got: Array) => cases.push([name, f, shapes, axes, got]);
  const A = (k: number, s: number[]) => rnd(k, s);
  const x43 = A(3, [5, 4, 3]), x3 = A(4, [5, 3]), w = A(5, [2, 3]), w34 = A(6, [3, 4]), x234 = A(7, [5, 2, 3, 4]);
  add("sum over an axis", sumRows, [], [0], vmap(sumRows)(x43));
  add("sum of everything", sumAll, [], [0], vmap(sumAll)(x43));
  add("mean over a negative axis", meanLast, [], [0], vmap(meanLast)(x43));
  add("max keepdims", maxKeep, [], [0], vmap(maxKeep)(x43));
  add("logsumexp", lse, [], [0], vmap(lse)(x43));
  add("var", varAll, [], [0], vmap(varAll)(x43));
  add("argmax flat", amax, [], [0], vmap(amax)(x43));
  add("argmax axis", amax1, [], [0], vmap(amax1)(x43));
  add("reshape", resh, [], [0], vmap(resh)(x43));
  add("ravel", rav, [], [0], vmap(rav)(x43));
  add("transpose reversed", tr, [], [0], vmap(tr)(x43));
  add("transpose with axes", trAx, [], [0], vmap(trAx)(x234));
  add("expandDims", expd, [], [0], vmap(expd)(x3));
  add("expandDims negative", expdNeg, [], [0], vmap(expdNeg)(x3));
  add("squeeze", sq, [], [0], vmap(sq)(A(8, [5, 6])));
  add("broadcastTo", bto, [], [0], vmap(bto)(x3));
  add("slice", sl, [], [0], vmap(sl)(x43));
  add("take a scalar index", ix, [], [0], vmap(ix)(x43));
  add("take indices along an axis", tk, [], [0], vmap(tk)(x43));
  for (const [name, f, , axes, got] of cases)
    it(name, () => {
      const src = name === "transpose with axes" ? x234 : name === "expandDims" || name === "expandDims negative" || name === "broadcastTo" ? x3 : name === "squeeze" ? A(8, [5, 6]) : x43;
      close(got, loop(f, [src], axes));
    });

  it("matrix times batched vector; batched vector times matrix; dot; outer; vdot", () => {
    close(vmap(mv, [null, 0])(w, x3), loop(mv, [w, x3], [null, 0]));
    close(vmap(vm, [0, null])(x3, w34), loop(vm, [x3, w34], [0, null]));
    close(vmap(mv, [0, 0])(A(9, [5, 2, 3]), x3), loop(mv, [A(9, [5, 2, 3]), x3], [0, 0]));
    close(vmap(dotv)(x3, A(10, [5, 3])), loop(dotv, [x3, A(10, [5, 3])], [0, 0]));
    close(vmap(outerF, [0, null])(x3, A(11, [4])), loop(outerF, [x3, A(11, [4])], [0, null]));
    close(vmap(vdotF)(x43, A(12, [5, 4, 3])), loop(vdotF, [x43, A(12, [5, 4, 3])], [0, 0]));
    close(vmap(vm)(x43, A(13, [5, 3, 2])), loop(vm, [x43, A(13, [5, 3, 2])], [0, 0]));
  });
  it("stack and concatenate, one operand shared", () => {
    close(vmap(stk, [0, null])(x3, A(14, [3])), loop(stk, [x3, A(14, [3])], [0, null]));
    close(vmap(cat)(x43, A(15, [5, 4, 2])), loop(cat, [x43, A(15, [5, 4, 2])], [0, 0]));
  });
  it("comparisons and where", () => {
    close(vmap(cmp)(x3, A(16, [5, 3])), loop(cmp, [x3, A(16, [5, 3])], [0, 0]));
  });
});

describe("vmap: axes", () => {
  const x = rnd(20, [3, 5, 2]);
  it("in_axes on a non-leading and a negative axis; out_axes moves the batch axis", () => {
    const f = (a: Array) => jnp.sin(jnp.sum(a, 0));
    close(vmap(f, 1)(x), loop(f, [x], [1]));
    close(vmap(f, -1)(x), loop(f, [x], [2]));
    const out = vmap(f, 1, 1)(x);
    close(jnp.transpose(out), loop(f, [x], [1]));
  });
  it("a batch of one", () => {
    const x1 = rnd(21, [1, 4]);
    close(vmap(jnp.tanh)(x1), jnp.tanh(x1));
  });
  it("pytree arguments and results with per-leaf axes", () => {
    const f = (p: { w: Array; b: Array }, xs: Array) => ({ y: jnp.add(jnp.matmul(xs, p.w), p.b), n: jnp.sum(xs) });
    const p = { w: rnd(22, [3, 2]), b: rnd(23, [2]) };
    const xs = rnd(24, [6, 3]);
    const got = vmap(f, [{ w: null, b: null }, 0])(p, xs);
    close(got.y, loop((x: Array) => f(p, x).y, [xs], [0]));
    close(got.n, jnp.sum(xs, 1));
    const pb = { w: rnd(25, [6, 3, 2]), b: rnd(26, [2]) };
    const got2 = vmap(f, [{ w: 0, b: null }, 0])(pb, xs);
    close(got2.y, loop((w: Array, x: Array) => f({ w, b: pb.b }, x).y, [pb.w, xs], [0, 0]));
  });
  it("a number parameter mapped over an Array, and an unmapped result broadcast", () => {
    const f = (s: number, x: Array) => jnp.multiply(x, s * s + 1);
    const ss = jnp.array([1, 2, 3]);
    const x = rnd(27, [4]);
    close(vmap(f, [0, null])(ss, x), loop((s: Array, xx: Array) => f(s.item() as number, xx), [ss, x], [0, null]));
    const g = (a: Array, b: Array) => [jnp.sum(a), b] as const;
    const [s, b] = vmap(g, [0, null])(rnd(28, [3, 2]), x);
    expect(s.shape).toEqual([3]);
    close(b, jnp.broadcastTo(x, [3, 4]));
  });
  it("mismatched batch sizes are a run-time error naming both", () => {
    expect(() => vmap(ew)(rnd(1, [5, 3]), rnd(2, [4, 3]))).toThrow(/'x' has size 5 along axis 0, 'y' has size 4 along axis 0/);
  });
});

describe("vmap: control flow that differs per example", () => {
  function branchy(x: Array, t: number): Array {
    if ((jnp.sum(x).item() as number) > t) return jnp.multiply(x, 2);
    return jnp.sin(x);
  }
  it("an if on a batched condition selects per example", () => {
    const xs = rnd(30, [8, 3]);
    close(vmap(branchy, [0, null])(xs, 0.1), loop((x: Array) => branchy(x, 0.1), [xs], [0]));
  });
  function newton(a: number): number {
    // the square root by Newton's method: the iteration count depends on a
    let x = a;
    let n = 0;
    while (Math.abs(x * x - a) > 1e-4 * a && n < 50) {
      x = 0.5 * (x + a / x);
      n++;
    }
    return x + 0 * n;
  }
  it("a while loop whose exit differs per example runs until every example is done", () => {
    const as = jnp.array([2, 9, 100, 0.25, 1e4]);
    const got = vmap(newton)(as);
    close(got, jnp.sqrt(as), 1e-4);
  });
  function counted(x: Array, n: number): Array {
    let y = x;
    for (let i = 0; i < n; i++) y = jnp.add(jnp.multiply(y, 0.5), jnp.cos(y));
    return y;
  }
  it("vmap(grad(f)) of a loop whose trip count differs per example, with no tape (a linear body)", () => {
    const f = (x: number) => {
      let s = x;
      while (s < 10) s = s * 2 + x;
      return s;
    };
    const xs = jnp.array([0.5, 1, 3, 11, 2.5]);
    close(vmap(grad(f))(xs), loop((x: Array) => jnp.array(grad(f)(x.item() as number)), [xs], [0]));
  });
  it("vmap(grad(f)) through a nonlinear loop whose trip count differs per example: each example pops its own tape", () => {
    const f = (x: number) => {
      let s = x;
      while (s < 10) s = s * s + x;
      return s;
    };
    const xs = jnp.array([0.5, 1.5, 3, 11, 2.2]);
    close(vmap(grad(f))(xs), loop((x: Array) => jnp.array(grad(f)(x.item() as number)), [xs], [0]), 1e-5);
    const [v, g] = vmap(valueAndGrad(f))(xs);
    close(v, loop((x: Array) => jnp.array(f(x.item() as number)), [xs], [0]), 1e-5);
    close(g, vmap(grad(f))(xs));
  });
  it("vmap(grad(f)) through branches that differ per example inside a loop (taped flags)", () => {
    const f = (x: Array): number => {
      let s = jnp.sum(x).item() as number;
      for (let i = 0; i < 4; i++) {
        if (s > 1) s = Math.sin(s) * 2 + s * 0.5;
        else s = s * s + 1.25;
      }
      return s;
    };
    const xs = rnd(32, [6, 2]);
    close(vmap(grad(f))(xs), loop((x: Array) => grad(f)(x), [xs], [0]), 1e-5);
  });
  it("a loop with a shared trip count stays a plain loop", () => {
    const xs = rnd(31, [4, 3]);
    close(vmap(counted, [0, null])(xs, 3), loop((x: Array) => counted(x, 3), [xs], [0]));
  });
});

describe("vmap composed with the other transforms", () => {
  const loss = (w: Array, x: Array, y: number): number => {
    const p = jnp.tanh(jnp.dot(x, w));
    return jnp.square(jnp.subtract(p, y)).item() as number;
  };
  const W = rnd(40, [3]);
  const X = rnd(41, [6, 3]);
  const Y = jnp.array([1, -1, 0.5, 0, 2, -0.3]);
  it("vmap(grad(f)): per-example gradients", () => {
    const g = vmap(grad(loss), [null, 0, 0])(W, X, Y);
    close(g, loop((x: Array, y: Array) => grad(loss)(W, x, y.item() as number), [X, Y], [0, 0]), 1e-5);
  });
  it("grad of a function that calls vmap: the gradient of the summed per-example losses", () => {
    const total = (w: Array) => jnp.sum(vmap(loss, [null, 0, 0])(w, X, Y)).item() as number;
    const direct = (w: Array) => {
      const p = jnp.tanh(jnp.matmul(X, w));
      return jnp.sum(jnp.square(jnp.subtract(p, Y))).item() as number;
    };
    close(grad(total)(W), grad(direct)(W), 1e-5);
  });
  it("grad(vmap(f)) of a summed output and jvp(vmap(f))", () => {
    const f = (x: Array) => jnp.sum(jnp.sin(jnp.multiply(x, x)));
    const fs = (xs: Array) => jnp.sum(vmap(f)(xs)).item() as number;
    close(grad(fs)(X), jnp.multiply(jnp.cos(jnp.multiply(X, X)), jnp.multiply(X, 2)), 1e-6);
    const vf: (x: Array) => Array = vmap(f);
    const [y, t] = jvp(vf, [X], [jnp.onesLike(X)]);
    close(y, jnp.sum(jnp.sin(jnp.multiply(X, X)), 1));
    close(t, jnp.sum(jnp.multiply(jnp.cos(jnp.multiply(X, X)), jnp.multiply(X, 2)), 1), 1e-6);
  });
  it("jit(vmap(f)) and vmap(jit(f)) equal vmap(f)", () => {
    close(jit(vmap(ew))(X, X), vmap(ew)(X, X));
    close(vmap(jit(ew))(X, X), vmap(ew)(X, X));
  });
  it("vmap(vmap(f)) maps two axes", () => {
    const f = (a: Array, b: Array) => jnp.dot(a, b);
    const A3 = rnd(42, [4, 5, 3]);
    const B3 = rnd(43, [5, 3]);
    const got = vmap(vmap(f, [0, 0]), [0, null])(A3, B3);
    expect(got.shape).toEqual([4, 5]);
    close(got, jnp.sum(jnp.multiply(A3, B3), -1));
    const h = (x: number, y: number) => x * y + Math.sin(x);
    const xs = rnd(44, [3]), ys = rnd(45, [4]);
    const grid = vmap(vmap(h, [null, 0]), [0, null])(xs, ys);
    close(grid, jnp.add(jnp.multiply(jnp.expandDims(xs, 1), ys), jnp.expandDims(jnp.sin(xs), 1)));
  });
  it("valueAndGrad inside vmap with a data-dependent branch", () => {
    const f = (x: Array): number => {
      const s = jnp.sum(x).item() as number;
      return s > 0 ? s * s : -s;
    };
    const [v, g] = vmap(valueAndGrad(f))(X);
    close(v, loop((x: Array) => jnp.array(f(x)), [X], [0]));
    close(g, loop((x: Array) => grad(f)(x), [X], [0]));
  });
});

describe("vmap: gathers whose index differs per example", () => {
  // per-example cross-entropy with integer labels: logits[label] of each example
  const xent = (logits: Array, label: number): number => (jnp.logsumexp(logits).item() as number) - (jnp.take(logits, label).item() as number);
  const L = rnd(50, [5, 4]);
  const labels = jnp.array([3, 0, 2, 2, 1]);
  it("take and index with a batched index, the operand mapped or shared", () => {
    close(vmap(xent)(L, labels), loop((l: Array, y: Array) => jnp.array(xent(l, y.item() as number)), [L, labels], [0, 0]));
    const pick = (x: Array, i: number) => jnp.take(x, i, 1);
    const M = rnd(51, [3, 4]);
    close(vmap(pick, [null, 0])(M, labels), loop((i: Array) => pick(M, i.item() as number), [labels], [0]));
    const row = (x: Array, i: number) => x.at(i);
    close(vmap(row, [null, 0])(M, jnp.array([2, 0, 1, 1])), jnp.take(M, jnp.array([2, 0, 1, 1], { dtype: "int32" }), 0));
  });
  it("its gradients: per example (vmap of grad) and of the summed loss (grad of vmap)", () => {
    close(vmap(grad(xent))(L, labels), loop((l: Array, y: Array) => grad(xent)(l, y.item() as number), [L, labels], [0, 0]), 1e-6);
    const total = (l: Array) => jnp.sum(vmap(xent)(l, labels)).item() as number;
    const onehot = jnp.equal(jnp.expandDims(labels, 1), jnp.arange(4));
    close(grad(total)(L), jnp.subtract(jnp.exp(jnp.subtract(L, jnp.logsumexp(L, 1, { keepdims: true }))), jnp.astype(onehot, "float32")), 1e-6);
  });
});

describe("Jacobians as one batched pass", () => {
  it("a top-level jacfwd/jacrev/hessian of Array code is its derivative vmapped over the basis; number code keeps one pass per vector (float64)", () => {
    const c = compile({
      "arr.ts": HEADER.replace("grad,", "grad, jacfwd, jacrev, hessian,") + `const f = (x: Array) => jnp.sin(jnp.multiply(x, x));\nexport const a = jacfwd(f), b = jacrev(f), h = hessian((x: Array) => jnp.sum(jnp.exp(x)).item() as number);\n`,
      "num.ts": HEADER.replace("grad,", "grad, jacfwd,") + `export const a = jacfwd((x: number) => Math.sin(x) * x);\n`,
    });
    try {
      const arr = c.emit("arr.ts");
      expect(arr.diagnostics).toEqual([]);
      expect(arr.js.match(/jacfwdBatchedOf|jacrevBatchedOf/g)).toEqual(["jacfwdBatchedOf", "jacrevBatchedOf", "jacfwdBatchedOf"]);
      const num = c.emit("num.ts");
      expect(num.js).toMatch(/jacfwdOf\(/);
      expect(num.js).not.toMatch(/Batched|vmapSize/);
    } finally {
      c.cleanup();
    }
  });
});

describe("vmap: build errors and the generated code", () => {
  const H = HEADER.replace("grad,", "grad, vmap,");
  it("is batched code with no loop over examples, and says at its source what cannot be batched", () => {
    const c = compile({
      "ok.ts": H + `export const f = vmap((x: Array, y: Array) => jnp.sum(jnp.multiply(jnp.tanh(x), y)), [0, null]);\n`,
      "index.ts": H + `export const f = vmap((x: Array, n: number) => jnp.sum(jnp.arange(n)), [null, 0]);\n`,
      "axes.ts": H + `const ax = 0;\nexport const f = vmap((x: Array) => x, ax);\n`,
    });
    try {
      const ok = c.emit("ok.ts");
      expect(ok.diagnostics).toEqual([]);
      expect(ok.js).toMatch(/vmapSize\(.*vIn\(/s);
      expect(ok.js).not.toMatch(/for \(|while \(/);
      const msg = (n: string) => c.emit(n).diagnostics.map((d) => `${d.file?.fileName.split("/").pop()}:${d.file ? d.file.getLineAndCharacterOfPosition(d.start!).line + 1 : 0} ${d.messageText}`);
      expect(msg("index.ts")).toEqual([expect.stringMatching(/^index\.ts:3 tsjax: 'arange' cannot be batched by vmap: its length would differ per example/)]);
      expect(msg("axes.ts")).toEqual([expect.stringMatching(/in_axes must be written literally/)]);
    } finally {
      c.cleanup();
    }
  });
});
