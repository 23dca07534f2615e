// The API reference (typedoc.json, `npm run docs`): typedoc's API builds it from the package's
// public entry points into a temp dir, with no warning (a broken doc comment, a link to nothing)
// and a page for each of the main names.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

let out: string;
const messages: string[] = [];
let counts = { warnings: -1, errors: -1 };

beforeAll(async () => {
  const { Application, Logger, LogLevel } = await import("typedoc");
  out = fs.mkdtempSync(path.join(os.tmpdir(), "tsjax-it-docs-"));
  // every warning and error, kept for the assertion's message (the count is the logger's own)
  class Keep extends Logger {
    override log(message: string, level: (typeof LogLevel)[keyof typeof LogLevel]) {
      super.log(message, level);
      if (level >= LogLevel.Warn) messages.push(message);
    }
  }
  const app = await Application.bootstrapWithPlugins({ options: path.join(ROOT, "typedoc.json"), out });
  const bootstrap = { warnings: app.logger.warningCount, errors: app.logger.errorCount };
  app.logger = new Keep();
  const project = await app.convert();
  if (project) {
    app.validate(project); // what the CLI runs between converting and rendering
    await app.generateDocs(project, out);
  }
  counts = { warnings: bootstrap.warnings + app.logger.warningCount, errors: bootstrap.errors + app.logger.errorCount + (project ? 0 : 1) };
}, 120_000);

afterAll(() => {
  if (out?.startsWith(os.tmpdir())) fs.rmSync(out, { recursive: true, force: true });
});

const page = (rel: string) => fs.readFileSync(path.join(out, rel), "utf8");

describe("typedoc", () => {
  it("builds the reference with no warnings and no errors", () => {
    expect(messages).toEqual([]);
    expect(counts).toEqual({ warnings: 0, errors: 0 });
  });

  it("has the transforms' pages, under the module named by its import specifier", () => {
    expect(page("modules/tsjax.html")).toContain("<title>tsjax | tsjax</title>");
    for (const name of ["grad", "valueAndGrad", "jit"]) expect(page(`functions/tsjax.${name}.html`)).toContain(`<title>${name} | tsjax</title>`);
  });

  it("has tsjax/numpy and tsjax/optim, and the numpy/optim namespaces of tsjax lead there", () => {
    const main = page("modules/tsjax.html");
    expect(main).toContain('href="tsjax_numpy.html"');
    expect(main).toContain('href="tsjax_optim.html"');
    expect(page("modules/tsjax_numpy.html")).toMatch(/href="\.\.\/functions\/tsjax_numpy\.matmul\.html"/);
    expect(page("functions/tsjax_optim.adam.html")).toContain("<title>adam | tsjax</title>");
  });

  it("has a page for each bundler plugin and the tsc transformer", () => {
    for (const m of ["rollup", "vite", "webpack", "rspack", "esbuild", "transformer"]) expect(page(`modules/tsjax_${m}.html`)).toContain(`<title>tsjax/${m} | tsjax</title>`);
  });
});
