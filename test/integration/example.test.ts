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
