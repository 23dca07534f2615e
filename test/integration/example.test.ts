// The README's claim: `npm run example` (the tutorial, built through the rollup plugin) prints
// JAX's autodiff tutorial's numbers, digit for digit.

import { beforeAll, expect, it } from "vitest";
import { ensureBuilt, NPX, ROOT, run } from "./helpers.js";
import { gpuSuite } from "../webgpu/gpu.js";

const EXPECTED = `0.070650816
-0.13621868
0.25265405
4.0
10.0
6.0
0.0
W_grad=(Array([-1.64406  ,  1.4412102, -1.8369946], dtype=float32),)
b_grad=(Array(-2.307187, dtype=float32),)
W_grad=Array([-1.64406  ,  1.4412102, -1.8369946], dtype=float32)
b_grad=Array(-2.307187, dtype=float32)
{'W': Array([-1.64406  ,  1.4412102, -1.8369946], dtype=float32), 'b': Array(-2.307187, dtype=float32)}
Loss: 5.6301613
Confirmation: 5.6301613
`;

beforeAll(ensureBuilt, 120_000);

it("npm run example prints the tutorial's output exactly", async () => {
  // --silent: only the program's own output (no npm banner, no rollup summary)
  const r = await run(NPX === "npx.cmd" ? "npm.cmd" : "npm", ["run", "--silent", "example"], { cwd: ROOT, timeout: 90_000 });
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe(EXPECTED);
  expect(r.code).toBe(0);
}, 100_000);

it("the README's tour is examples/tour.ts, and it runs (built by the same command)", async () => {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const tour = fs.readFileSync(path.join(ROOT, "examples/tour.ts"), "utf8");
  expect(readme).toContain("```ts\n" + tour + "```");
  const r = await run("node", [path.join(ROOT, "dist/examples/tour.mjs")], { cwd: ROOT, timeout: 30_000 });
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines[0]).toBe("[ 6. 10. 14.]");
  expect(lines[1]).toBe("int32");
  expect(lines[2]).toBe("float16");
  const x = 1.5;
  expect(Number(lines[3])).toBeCloseTo(2 * x * Math.sin(x) + x * x * Math.cos(x), 12);
  // gradient descent on a least-squares loss: the loss falls by orders of magnitude
  const losses = lines.slice(4).map((l) => Number(l.split(" ").pop()));
  expect(losses[0]).toBeGreaterThan(0.1);
  expect(losses[losses.length - 1]).toBeLessThan(1e-6);
}, 60_000);

it("the MNIST example (built by the same command) trains on a slice, plots its loss, saves and reloads its parameters", async () => {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const { makeTmp, removeTmp } = await import("./helpers.js");
  const { tree } = await import("../../runtime/index.js");
  const out = makeTmp("mnist");
  try {
    const r = await run("node", [path.join(ROOT, "dist/examples/mnist/train.mjs"), "--epochs", "2", "--train", "1500", "--test", "500", "--out", out], { cwd: ROOT, timeout: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const acc = Number(/test accuracy ([\d.]+)% on 500 held-out digits/.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThan(80); // two epochs of 1500 digits (the whole run reaches 97.8%)
    expect(r.stdout).toMatch(/epoch 2: mean loss [\d.]+, test accuracy/);
    expect(r.stdout).toContain(`loaded back: test accuracy ${acc.toFixed(2)}% (the same)`);
    const svg = fs.readFileSync(path.join(out, "mnist-loss.svg"), "utf8");
    expect(svg).toMatch(/^<svg [^>]*>/);
    expect(svg.match(/<polyline[^>]*points="([^"]*)"/)![1].split(" ").length).toBe(2 * Math.ceil(1500 / 128));
    const params = tree.load(fs.readFileSync(path.join(out, "mnist-params.safetensors")));
    expect(Object.keys(params).sort()).toEqual(["W1", "W2", "W3", "b1", "b2", "b3"]);
    expect(params.W1.shape).toEqual([784, 256]);
  } finally {
    removeTmp(out);
  }
}, 150_000);

// --device webgpu: the same example on the GPU (lavapipe in CI), a short slice
gpuSuite("the MNIST example with --device webgpu", () => {
  it("trains on the GPU as on the CPU (the same mean loss and accuracy), saves its parameters and reloads them", async () => {
    const path = await import("node:path");
    const { makeTmp, removeTmp } = await import("./helpers.js");
    const out = makeTmp("mnist-gpu");
    try {
      const args = [path.join(ROOT, "dist/examples/mnist/train.mjs"), "--epochs", "1", "--train", "1280", "--test", "500", "--out", out];
      const r = await run("node", [...args, "--device", "webgpu"], { cwd: ROOT, timeout: 150_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/trained 1 epochs of 1280 digits in [\d.]+ s on webgpu/);
      const acc = Number(/test accuracy ([\d.]+)% on 500 held-out digits/.exec(r.stdout)?.[1]);
      expect(acc).toBeGreaterThan(60); // ten steps of adam from ≈ 10%
      expect(r.stdout).toContain(`loaded back: test accuracy ${acc.toFixed(2)}% (the same)`);
      // the CPU's run: its mean loss to 4 decimals and its accuracy (measured: both equal)
      const c = await run("node", args, { cwd: ROOT, timeout: 150_000 });
      const line = (s: string) => /epoch 1: mean loss [\d.]+, test accuracy [\d.]+%/.exec(s)?.[0];
      expect(line(r.stdout)).toBeDefined();
      expect(line(r.stdout)).toBe(line(c.stdout));
    } finally {
      removeTmp(out);
    }
  }, 180_000);
});
