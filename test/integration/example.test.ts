// The README's claim: `npm run example` (the tutorial, built through the rollup plugin) prints
// JAX's autodiff tutorial's numbers, digit for digit.

import { beforeAll, expect, it } from "vitest";
import { ensureBuilt, NPX, ROOT, run } from "./helpers.js";

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
  const x = 1.5;
  expect(Number(lines[2])).toBeCloseTo(2 * x * Math.sin(x) + x * x * Math.cos(x), 12);
  // gradient descent on a least-squares loss: the loss falls by orders of magnitude
  const losses = lines.slice(3).map((l) => Number(l.split(" ").pop()));
  expect(losses[0]).toBeGreaterThan(0.1);
  expect(losses[losses.length - 1]).toBeLessThan(1e-6);
}, 60_000);
