// The README's API table is what the registry says now (scripts/api-table.mjs regenerates it),
// and its columns say true things about a few functions whose answers are known.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, ensureBuilt } from "./helpers.js";

describe("the README's API table", () => {
  let script: { table(): string; withTable(s: string): string };
  beforeAll(async () => {
    await ensureBuilt();
    script = await import(pathToFileURL(path.join(ROOT, "scripts/api-table.mjs")).href);
  });
  it("is current (run `npm run api-table` after adding a function)", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(script.withTable(readme)).toBe(readme);
  });
  it("knows what is differentiable, batched and fused", () => {
    const rows = new Map(script.table().split("\n").slice(2).map((r) => [r.split("|")[1].trim(), r.split("|").slice(2, 5).map((c) => c.trim())]));
    expect(rows.get("`jnp.tanh`")).toEqual(["yes", "yes", "fused"]);
    expect(rows.get("`jnp.argmax`")?.[0]).toBe("no (constant)");
    expect(rows.get("`jnp.isnan`")?.[0]).toBe("no (constant)");
    expect(rows.get("`jnp.cumprod`")?.[0]).toBe("yes");
    expect(rows.get("`jnp.linalg.solve`")?.[0]).toBe("yes");
    expect(rows.get("`nn.softplus`")).toEqual(["yes", "yes", "fused"]);
    expect(rows.get("`jnp.arange`")?.[1]).toBe("no");
    // (probed with the arguments they need: a reducer passed by name, a dtype written literally)
    expect(rows.get("`lax.reduceWindow` (computation `jnp.max`, `jnp.min`, `jnp.sum` or `jnp.mean`; other functions run eagerly)")).toEqual(["yes", "yes", "yes"]);
    expect(rows.get("`lax.bitcastConvertType`")).toEqual(["no (constant)", "yes", "yes"]);
    expect(rows.get("`jnp.linalg.multiDot`")).toEqual(["yes", "yes", "yes"]);
    expect(rows.size).toBeGreaterThan(100);
  });
});
