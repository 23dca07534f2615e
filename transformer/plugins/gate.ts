// The plugin's cheap test before any type checking: a file goes through the LanguageService
// when it calls a transform, or when a module it imports (relative imports, followed through
// the project) calls one — a generic trainer: `fit(loss, p)` in a file with no grad call of its
// own is where fit's derivative is compiled (generic.ts). Plain files importing plain files cost
// a regular expression per file, each file's text read once (until it changes).

import * as path from "node:path";

/** A call of a transform (a long file that merely contains the word is not type-checked). */
export const TRANSFORM_CALL = /\b(grad|valueAndGrad|jit|jvp|vjp|linearize|jacfwd|jacrev|hessian)\s*[(<]/;
const IMPORT = /\b(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

interface Facts {
  readonly calls: boolean;
  readonly imports: readonly string[];
}

export class Gate {
  private facts = new Map<string, Facts>();
  constructor(
    private readonly read: (file: string) => string | undefined,
    private readonly exists: (file: string) => boolean,
  ) {}

  /** Whether `file` (with text `code`) needs the transformer. */
  needs(file: string, code: string): boolean {
    const own = this.factsOf(file, code);
    if (own.calls) return true;
    // (only a found call is an answer: a walk cut short by an import cycle proves nothing)
    const seen = new Set([file]);
    const todo = [...own.imports];
    while (todo.length) {
      const f = todo.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const text = this.facts.has(f) ? undefined : this.read(f);
      const facts = this.facts.get(f) ?? (text === undefined ? undefined : this.factsOf(f, text));
      if (!facts) continue;
      if (facts.calls) return true;
      todo.push(...facts.imports);
    }
    return false;
  }

  /** A file changed: its facts are read again. */
  changed(file: string): void {
    this.facts.delete(file);
  }

  private factsOf(file: string, code: string): Facts {
    const imports: string[] = [];
    for (const m of code.matchAll(IMPORT)) {
      const target = this.resolve(file, m[1]);
      if (target) imports.push(target);
    }
    const f = { calls: TRANSFORM_CALL.test(code), imports };
    this.facts.set(file, f);
    return f;
  }

  /** `./x.js`, `./x` or `./x/index` as the TypeScript file it names. */
  private resolve(from: string, spec: string): string | undefined {
    const base = path.resolve(path.dirname(from), spec);
    const cands = [base.replace(/\.([cm]?)js$/, ".$1ts"), base.replace(/\.js$/, ".tsx"), base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")];
    return cands.find((c) => /\.[cm]?tsx?$/.test(c) && !c.endsWith(".d.ts") && this.exists(c));
  }
}
