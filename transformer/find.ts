// Finding tsjax by symbol, not by name: a callee is tsjax's `grad` when the checker resolves it
// (through any import alias, re-export or namespace) to a declaration inside the tsjax package.

import ts from "./typescript.cjs";
import * as fs from "node:fs";
import * as path from "node:path";

/** The transforms the transformer compiles (the run-time faces in runtime/transforms.ts). */
export const TRANSFORMS = ["grad", "valueAndGrad", "jit", "jvp", "vjp", "linearize", "jacfwd", "jacrev", "hessian", "vmap"] as const;
export type TransformName = (typeof TRANSFORMS)[number];

export type TsjaxKind =
  | { kind: "transform"; name: TransformName }
  | { kind: "numpy"; name: string }
  | { kind: "method"; name: string }
  | { kind: "tree"; name: string }
  | { kind: "other"; name: string };

const pkgNameCache = new Map<string, string | null>();

/** Name of the nearest package.json above `file` (cached per directory). */
function packageNameOf(file: string): string | null {
  let dir = path.dirname(file);
  const seen: string[] = [];
  let name: string | null = null;
  for (;;) {
    const cached = pkgNameCache.get(dir);
    if (cached !== undefined) {
      name = cached;
      break;
    }
    seen.push(dir);
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj)) {
      try {
        name = JSON.parse(fs.readFileSync(pj, "utf8")).name ?? null;
      } catch {
        name = null;
      }
      break;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const d of seen) pkgNameCache.set(d, name);
  return name;
}

export function isTsjaxFile(fileName: string): boolean {
  return /(^|[\\/])runtime[\\/]/.test(fileName) && packageNameOf(fileName) === "tsjax";
}

export function resolveAlias(checker: ts.TypeChecker, sym: ts.Symbol | undefined): ts.Symbol | undefined {
  while (sym && sym.flags & ts.SymbolFlags.Alias) {
    const next = checker.getAliasedSymbol(sym);
    if (!next || next === sym) break;
    sym = next;
  }
  return sym;
}

/** What a tsjax symbol is, from the file that declares it. */
export function classify(checker: ts.TypeChecker, sym0: ts.Symbol | undefined): TsjaxKind | null {
  const sym = resolveAlias(checker, sym0);
  const decl = sym?.declarations?.[0];
  if (!sym || !decl) return null;
  const file = decl.getSourceFile().fileName;
  if (!isTsjaxFile(file)) return null;
  const name = sym.getName();
  if (/[\\/]runtime[\\/]transforms\.(d\.)?[tj]s$/.test(file) && (TRANSFORMS as readonly string[]).includes(name))
    return { kind: "transform", name: name as TransformName };
  if (/[\\/]runtime[\\/]numpy[\\/]/.test(file)) return { kind: "numpy", name };
  // lax's functions lower like jnp functions, under their own names (lax.linalg.eigh is not numpy.linalg.eigh)
  if (/[\\/]runtime[\\/]lax[\\/]/.test(file)) return { kind: "numpy", name: `lax.${name}` };
  // nn's activations lower like jnp functions (rules/nn.ts); its initializers are not differentiated
  if (/[\\/]runtime[\\/]nn[\\/]activations\.(d\.)?[tj]s$/.test(file)) return { kind: "numpy", name };
  if (/[\\/]runtime[\\/]array\.(d\.)?[tj]s$/.test(file) && ts.isClassElement(decl)) return { kind: "method", name };
  // (the methods runtime/array-methods.ts adds to the class by interface merging)
  if (/[\\/]runtime[\\/]array-methods\.(d\.)?[tj]s$/.test(file) && ts.isMethodSignature(decl)) return { kind: "method", name };
  // the pytree functions (tree.map is compiled structurally: frontend/tree-calls.ts)
  if (/[\\/]runtime[\\/]tree\.(d\.)?[tj]s$/.test(file)) return { kind: "tree", name };
  return { kind: "other", name };
}

/** Is `t` tsjax's Array class (or a union containing it, like ArrayLike)? */
export function arrayTypeKind(checker: ts.TypeChecker, t: ts.Type): "arr" | "arraylike" | null {
  const isArr = (x: ts.Type) => {
    const s = x.getSymbol();
    const d = s?.declarations?.[0];
    // (the class is declared as `Array` in runtime/array.ts; the runtime imports it as NDArray)
    return !!s && !!d && ts.isClassDeclaration(d) && s.getName() === "Array" && /[\\/]runtime[\\/]array\.(d\.)?[cm]?[tj]s$/.test(d.getSourceFile().fileName) && isTsjaxFile(d.getSourceFile().fileName);
  };
  if (isArr(t)) return "arr";
  if (t.isUnion() && t.types.some(isArr)) return "arraylike";
  return null;
}

/** Does the file import anything from tsjax? Files that do not are left byte-identical. */
export function importsTsjax(sf: ts.SourceFile, checker: ts.TypeChecker): boolean {
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
    const spec = st.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec)) continue;
    if (spec.text === "tsjax" || spec.text.startsWith("tsjax/")) return true;
    const m = checker.getSymbolAtLocation(spec);
    const d = m?.declarations?.[0];
    if (d && ts.isSourceFile(d) && isTsjaxFile(d.fileName)) return true;
    // tsjax's names re-exported by a module of the project (`export { grad } from "tsjax"`)
    if (ts.isImportDeclaration(st) && reexportsTsjax(st, checker)) return true;
  }
  return false;
}

function reexportsTsjax(st: ts.ImportDeclaration, checker: ts.TypeChecker): boolean {
  const fromTsjax = (sym: ts.Symbol | undefined) => {
    const decl = resolveAlias(checker, sym)?.declarations?.[0];
    return !!decl && isTsjaxFile(decl.getSourceFile().fileName);
  };
  const b = st.importClause?.namedBindings;
  if (b && ts.isNamedImports(b)) return b.elements.some((e) => fromTsjax(checker.getSymbolAtLocation(e.name)));
  if (b && ts.isNamespaceImport(b)) {
    const m = checker.getSymbolAtLocation(st.moduleSpecifier);
    return !!m && checker.getExportsOfModule(m).some((e) => fromTsjax(e));
  }
  return false;
}
