// The .d.ts of grad/valueAndGrad computes gradient types from F, argnums and hasAux.
import ts from "typescript";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("grad result types", () => {
  it("type-checks test/types/grad-types.ts with no errors", () => {
    const file = fileURLToPath(new URL("./types/grad-types.ts", import.meta.url));
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: [],
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diags).toEqual([]);
  });
});

describe("type errors name tsjax's Array as users know it", () => {
  it("an Array where a number is expected: \"Type 'Array' is not assignable to type 'number'\"", () => {
    const runtime = fileURLToPath(new URL("../runtime/index.ts", import.meta.url)).replace(/\.ts$/, ".js");
    const src = `import { numpy as jnp } from ${JSON.stringify(runtime)};\nexport const x: number = jnp.zeros([3]);\n`;
    const file = fileURLToPath(new URL("./types/__array-name.ts", import.meta.url));
    const host = ts.createCompilerHost({});
    const orig = host.getSourceFile;
    host.getSourceFile = (f, v, ...rest) => (f === file ? ts.createSourceFile(f, src, v) : orig.call(host, f, v, ...rest));
    const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] }, host);
    const diags = ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diags).toEqual(["Type 'Array' is not assignable to type 'number'."]);
  });
});
