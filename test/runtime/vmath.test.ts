// The vector exp/tanh/sin/cos of fused kernels (runtime/jit/vmath.ts), which eager code also runs
// on large float32 Arrays: over 200k float32 values spread from 1e-40 to 1e39 in magnitude, plus
// NaN, ±∞, ±0, denormals, the overflow/underflow edges of exp, tanh's branch point and sin's
// reduction limit, they give exactly Math.f(x) rounded to float32.
import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import * as ew from "../../runtime/numpy/elementwise.js";
import { FUSED_MIN_SIZE } from "../../runtime/jit/fused.js";

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1.1754942e-38, 3.4e38, -3.4e38, 823549, 823550, -823550, 1e6, -1e7, 88.72, 88.73, 89, -103.97, -104, -104.5, 1e-8, -1e-30, 0.3, -0.3, 0.29999998, 0.30000001, Math.PI, -Math.PI / 2, 1.5707964];

function inputs(n: number): Float32Array {
  const d = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    d[i] = i < SPECIALS.length ? SPECIALS[i] : (s / 2 ** 32 - 0.5) * 10 ** ((i % 80) - 40);
  }
  return d;
}

describe("vector math equals Math.* rounded to float32", () => {
  const d = inputs(200_000);
  const x = new NDArray(d, [d.length], "float32");
  it.each(["exp", "tanh", "sin", "cos"] as const)("%s", (op) => {
    expect(d.length).toBeGreaterThanOrEqual(FUSED_MIN_SIZE);
    const y = ew[op](x).data as Float32Array;
    const bad: string[] = [];
    for (let i = 0; i < d.length; i++) {
      const want = Math.fround(Math[op](d[i]));
      if (!Object.is(want, y[i]) && !(Number.isNaN(want) && Number.isNaN(y[i]))) bad.push(`${op}(${d[i]}) = ${y[i]}, Math gives ${want}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

describe("NaN", () => {
  it.each(["exp", "tanh", "sin", "cos"] as const)("%s: a NaN in gives the eager loop's NaN bits out, sign included", (op) => {
    // (x86's invalid-operation NaN has its sign bit set: the clamps once made exp(NaN) negative)
    const d = new Float32Array(FUSED_MIN_SIZE + 5).fill(0.5);
    const bitsOf = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0];
    const NEG_NAN = new Float32Array(new Uint32Array([0xffc00000]).buffer)[0];
    for (let k = 0; k < d.length; k += 7) d[k] = k % 2 ? NaN : NEG_NAN;
    const y = ew[op](new NDArray(d, [d.length], "float32")).data as Float32Array;
    const got = new Uint32Array(y.buffer, y.byteOffset, y.length);
    for (let k = 0; k < d.length; k += 7) expect(got[k].toString(16)).toBe(bitsOf(Math.fround(Math[op](d[k]))).toString(16));
  });
});
