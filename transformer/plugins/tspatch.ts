/**
 * The tsc transformer, through ts-patch: tsconfig
 * `"plugins": [{ "transform": "tsjax/transformer" }]`, built with `tspc`. Diagnostics go through
 * ts-patch's addDiagnostic, so tsc reports them and exits non-zero.
 * @module tsjax/transformer
 */

import type ts from "../typescript.cjs";
import { createTransformer } from "../transform.js";

interface Extras {
  addDiagnostic?: (d: ts.Diagnostic) => number | void;
}

/** The transformer factory ts-patch calls with the program. */
export default function tsjaxTransformer(program: ts.Program, _config?: unknown, extras?: Extras): ts.TransformerFactory<ts.SourceFile> {
  return createTransformer(program, {
    report: (d) => {
      if (extras?.addDiagnostic) extras.addDiagnostic(d);
      else throw new Error(typeof d.messageText === "string" ? d.messageText : d.messageText.messageText);
    },
  });
}
