// Gradients that came out wrong (or did not build) before, found by differential fuzzing against
// hyper-dual numbers. Each expected value is derived by hand in the comment beside it.
import { describe, expect, it } from "vitest";
import { grad, valueAndGrad } from "../../runtime/index.js";

// ---- 1. both sides of a branch or select are the same value -----------------------------------
describe("selects and branches with equal sides", () => {
  it("1 + (c ? x : x) builds; d/dx = 1", () => {
    const f = (x: number) => 1 + (0 < 1 ? x : x);
    expect(valueAndGrad(f)(2.5)).toEqual([3.5, 1]);
  });
  it("Math.abs((y < 0) ? x : x) at (-1.5, 2) is [1.5, [-1, 0]]", () => {
    const f = (x: number, y: number) => Math.abs(y < 0 ? x : x);
    expect(valueAndGrad(f, { argnums: [0, 1] })(-1.5, 2)).toEqual([1.5, [-1, 0]]);
  });
  it("(0 > 1) ? 1 : (y || y) at (-1.5, 2) is [2, [0, 1]]", () => {
    const f = (x: number, y: number) => (0 > 1 ? 1 : y || y);
    expect(valueAndGrad(f, { argnums: [0, 1] })(-1.5, 2)).toEqual([2, [0, 1]]);
  });
  it("v && v, v ?? v, and a run-time condition with equal sides", () => {
    const and = (x: number, y: number) => (x * y && x * y) + (y > 0 ? x : x) * y;
    // x*y + x*y → ∂x = 2y, ∂y = 2x
    expect(valueAndGrad(and, { argnums: [0, 1] })(3, -2)).toEqual([-12, [-4, 6]]);
    const nn = (x: number) => {
      const v: number | undefined = x > 100 ? undefined : x * x;
      return (v ?? v ?? 0) + 1;
    };
    expect(valueAndGrad(nn)(3)).toEqual([10, 6]);
  });
  it("if (c) return y; else return y; — value and gradient, and second order", () => {
    const f = (x: number, y: number) => {
      const z = x * y;
      if (x > 0) return z;
      else return z;
    };
    expect(valueAndGrad(f, { argnums: [0, 1] })(2, 5)).toEqual([10, [5, 2]]);
    expect(grad(grad(f, { argnums: 0 }), { argnums: 1 })(2, 5)).toEqual(1);
  });
  it("equal sides inside a loop body", () => {
    const f = (x: number) => {
      let s = x;
      for (let i = 0; i < 3; i++) s = s > 0 ? s * x : s * x;
      return s;
    };
    expect(valueAndGrad(f)(1.5)).toEqual([1.5 ** 4, 4 * 1.5 ** 3]);
  });
});

// ---- 2. a value nothing reads, with an infinite or NaN local derivative ------------------------
describe("dead values with infinite local derivatives do not poison the gradient", () => {
  it("u = 1 / (b - b) in a loop, u never read", () => {
    function f(a: number, b: number) {
      let u = 0;
      for (let i = 0; i < 1; i++) {
        u = 1 / (b - b);
      }
      return b;
    }
    expect(grad(f, { argnums: 1 })(-1, 1)).toBe(1);
  });
  it("an unused local-array write v[1] = Math.sqrt(b - b) in a loop", () => {
    function f(a: number, b: number) {
      const v: number[] = [a, b];
      for (let i = 0; i < 2; i++) {
        v[1] = Math.sqrt(b - b);
      }
      return b * a;
    }
    expect(grad(f, { argnums: [0, 1] })(-1, 1)).toEqual([1, -1]);
  });
  it("a dead branch and a falsy && inside a loop", () => {
    function f(a: number, b: number) {
      let u = 0;
      let w = 0;
      for (let i = 0; i < 2; i++) {
        if (a > 0) u = Math.sqrt(b - b);
        w = 0 && 1 / (b - b);
      }
      return b * b;
    }
    expect(grad(f, { argnums: 1 })(1, 3)).toBe(6);
  });
});

// ---- 3. TypeScript types a narrowed constant as never --------------------------------------------
describe("constants narrowed to never in unreachable code", () => {
  it("K || (K / x)", () => {
    const K = -1.5;
    const f = (x: number) => (K || K / x) * x;
    expect(valueAndGrad(f)(2)).toEqual([-3, -1.5]);
  });
  it("(K === 1) ? 1 * K : 1", () => {
    const K = -1.5;
    // @ts-expect-error TypeScript sees the comparison is always false (so K is `never` after it): the point of the test
    const f = (x: number) => ((K === 1 ? 1 * K : 1) + x) * x;
    expect(valueAndGrad(f)(2)).toEqual([6, 5]);
  });
  it("after if (… || K) break;", () => {
    const K = -1.5;
    const f = (x: number) => {
      let s = x;
      for (let i = 0; i < 3; i++) {
        s = s * x;
        if (x > 100 || K) break;
        s = s + K;
      }
      return s;
    };
    expect(valueAndGrad(f)(2)).toEqual([4, 4]);
  });
});

// ---- 4. a recursive function called with constant arguments in a loop ---------------------------
function cube(a: number, n: number): number {
  return n <= 0 ? 1 : cube(a, n - 1) * a;
}
describe("recursion with constant arguments inside a loop", () => {
  it("cube(1, 1) in a loop condition leaves cube(x, 3)'s gradient alone", () => {
    function f(x: number) {
      const y = cube(x, 3);
      let w = 0;
      while (cube(1, 1) >= 1 && w < 2) w++;
      return y;
    }
    expect(grad(f)(1.5)).toBe(3 * 1.5 ** 2);
  });
  it("constant calls in a loop body too", () => {
    function f(x: number) {
      const y = cube(x, 2);
      let s = 0;
      for (let i = 0; i < 3; i++) s += cube(2, i);
      return y * s;
    }
    // s = 1 + 2 + 4 = 7; d/dx 7 x² = 14 x
    expect(valueAndGrad(f)(1.5)).toEqual([7 * 2.25, 14 * 1.5]);
  });
});

// ---- 5. a condition that folds to a constant, with an early exit in a loop ----------------------
describe("folded conditions and early exits", () => {
  it("if (Math.min(1, 1)) break; then a do-while", () => {
    const f = (x: number) => {
      let s = x;
      for (let i = 0; i < 3; i++) {
        if (Math.min(1, 1)) {
          break;
        }
        let w = 0;
        do {
          w++;
        } while (x < 1 && w < 2);
        s = s * x * w;
      }
      return s * x;
    };
    expect(valueAndGrad(f)(0.5)).toEqual([0.25, 1]);
  });
});

// ---- 6. a loop condition that calls a function which itself loops --------------------------------
function pow4(b: number): number {
  let r = b;
  for (let i = 0; i < 2; i++) r = r * r;
  return r;
}
describe("loops in loop conditions", () => {
  it("do { x0 = tanh(x1) } while (1 > pow4(x0) && w < 3)", () => {
    function f(x0: number, x1: number) {
      let w = 0;
      do {
        w++;
        x0 = Math.tanh(x1);
      } while (1 > pow4(x0) && w < 3);
      return x0;
    }
    // x0 = tanh(x1) at the end whatever the trip count: d/dx1 = 1 − tanh²(1)
    const t = Math.tanh(1);
    expect(grad(f, { argnums: 1 })(-1, 1)).toBeCloseTo(1 - t * t, 15);
  });
  it("the while form", () => {
    function f(x0: number, x1: number) {
      let w = 0;
      while (1 > pow4(x0) && w < 3) {
        w++;
        x0 = Math.tanh(x1 * x0 + x1);
      }
      return x0;
    }
    // x0 = -1 → pow4 = 1, no iteration: f = x0, ∂x0 = 1, ∂x1 = 0
    expect(grad(f, { argnums: [0, 1] })(-1, 1)).toEqual([1, 0]);
    // x0 = 0.5: w=1 x0 = tanh(1.5); pow4(tanh 1.5) = 0.66 < 1; w=2 ...; three iterations
    const g = grad(f, { argnums: [0, 1] })(0.5, 1);
    const h = 1e-6;
    const fd = (a: number, b: number) => (f(a + h, b) - f(a - h, b)) / (2 * h);
    const fdy = (a: number, b: number) => (f(a, b + h) - f(a, b - h)) / (2 * h);
    expect(g[0]).toBeCloseTo(fd(0.5, 1), 8);
    expect(g[1]).toBeCloseTo(fdy(0.5, 1), 8);
  });
});

// ---- 7. a switch nested in a case keeps the outer fall-through ------------------------------------
describe("nested switch and fall-through", () => {
  it("switch (floor(x)) { case 0: { switch (2) { case 1: break; } } default: y = y * y }", () => {
    const f = (x: number) => {
      let y = x;
      switch (Math.floor(x)) {
        case 0: {
          switch (2) {
            // @ts-expect-error TypeScript sees that 2 is never 1: the inner switch does nothing, the point of the test
            case 1: {
              break;
            }
          }
        }
        default: {
          y = y * y;
        }
      }
      return y;
    };
    const [v, g] = valueAndGrad(f)(0.3);
    expect(v).toBeCloseTo(0.09, 15);
    expect(g).toBeCloseTo(0.6, 15);
  });
});

// ---- found by the project's own fuzzer (test/fuzz/) after the seven above were fixed ----------------
function r(a: number, n: number): number {
  return 0 >= n ? 1 : r(a, n - 1) * a;
}
describe("fuzzer findings", () => {
  it("A: a return on both sides after an earlier return replaces the earlier placeholder", () => {
    const f = (x: number, y: number) => {
      if (x > 5) return x * y;
      if (y > 0) return x;
      else return x;
    };
    expect(valueAndGrad(f, { argnums: [0, 1] })(-1.2968, -0.4153)).toEqual([-1.2968, [1, 0]]);
  });
  it("B: an element nothing reads (also through length) with an infinite derivative", () => {
    const f = (x: number, y: number) => {
      const v0: number[] = [x, y, x];
      v0[0] = 1 / (x - x);
      return v0[v0.length - 1] * y;
    };
    // v0[2] · y = x y
    expect(valueAndGrad(f, { argnums: [0, 1] })(1.5, 0.5)).toEqual([0.75, [0.5, 1.5]]);
  });
  it("C, D: second order through recursion called in a loop whose values nothing reads", () => {
    const f = (x: number, y: number) => {
      for (let w = 0; w < 1; w++) {
        const s2 = r(x, 0) + r(y, 3); // read by nothing
      }
      return r(x, 1) * y;
    };
    const g = valueAndGrad(f, { argnums: [0, 1] });
    // f = x y: ∂x = y, ∂x∂y = 1, ∂xx = 0
    expect(grad((x: number, y: number) => g(x, y)[1][0], { argnums: [0, 1] })(-0.7323, -0.1356)).toEqual([0, 1]);
  });
  it("B: an element read only by a comparison, and an index past a push", () => {
    const f1 = (x: number, y: number) => {
      const v2: number[] = [x, x];
      v2[0] = Math.sqrt(y - y);
      if (v2[1 - 1] >= x) return v2[1];
      return x;
    };
    expect(valueAndGrad(f1, { argnums: [0, 1] })(0.988, 0.676)).toEqual([0.988, [1, 0]]);
    const f2 = (x: number, y: number) => {
      const v5: number[] = [x, -2];
      v5.push(y);
      v5[0] = 1 / (y - y);
      return v5[v5.length - 1] * x;
    };
    expect(valueAndGrad(f2, { argnums: [0, 1] })(0.5, -0.5)).toEqual([-0.25, [-0.5, 0.5]]);
  });
  it("B: lengths through a branch (a push in a switch) and through a loop", () => {
    const f = (x: number, y: number) => {
      const v0: number[] = [y, 0.25];
      v0[0] = Math.sqrt(x - x);
      switch (x) {
        case 0:
        default:
          v0.push(x);
      }
      return v0[v0.length - 1];
    };
    expect(valueAndGrad(f, { argnums: [0, 1] })(0.73, 0.81)).toEqual([0.73, [1, 0]]);
    const g = (x: number, y: number) => {
      let s5 = -0.7;
      const v6: number[] = [y, s5, y];
      for (let i = 0; i < 1; i++) {
        v6[0] = 1 / (x - x);
        if (-2 > v6[v6.length - 1]) s5 = i;
      }
      return s5 + v6[2] * x;
    };
    expect(valueAndGrad(g, { argnums: [0, 1] })(0.73, 0.81)).toEqual([-0.7 + 0.81 * 0.73, [0.81, 0.73]]);
  });
  it("H: a boolean-valued || joined as a number, taped in a loop", () => {
    const f = (x: number, y: number) => {
      let s0 = y;
      for (let i = 0; i < 2; i++) {
        if (Math.floor(0.5) || 0 > 1) s0 -= y * Math.min(s0, 0.5);
      }
      return s0;
    };
    expect(valueAndGrad(f, { argnums: [0, 1] })(0.5432, 0.1061)).toEqual([0.1061, [0, 1]]);
  });
  it("the same, inside a recursive function differentiated twice (a tape pop typed by the join)", () => {
    function h1(a: number, n: number): number {
      if (0 >= n) return Math.min(1, 1) && 0.25 >= a ? a : 2;
      return h1(a, n - 1) + Math.sin(a);
    }
    const g3 = grad((x: number, y: number) => {
      const s4 = h1(x, 1); // read by nothing
      return y * h1(x, 0);
    });
    // h1(x, 0) = 2 for x > 0.25: f = 2y, ∂x = 0 everywhere near 1.5
    expect(grad((x: number, y: number) => g3(x, y))(1.5122, 0.2766)).toBe(0);
  });
});
