// IR → TypeScript AST. Numbers become JS operators and Math calls; Arrays become calls into the
// runtime namespace (eager float32 primitives). One named `const` per statement, no closures,
// no tape: the output reads like hand-written forward and adjoint code.

import ts from "./typescript.cjs";
import type { Block, Ext, Fn, PrimStmt, Stmt, Tree, Value, Var, SrcRef } from "./ir.js";
import { forEachUse, leaves, uses } from "./ir.js";
import { PRIMS } from "./prims/index.js";

const f = ts.factory;

export interface EmitOptions {
  /** Identifier of the runtime namespace (`import * as <rt> from "tsjax/internal"`). */
  rt: string;
  /** Expression for a captured name (inlined functions from other files are imported under an alias). */
  ext: (e: Ext) => ts.Expression;
  /** Source file of the call site, to attach cross-file source-map ranges correctly. */
  file?: ts.SourceFile;
  /** The text of another source file (statements inlined from it map into it). */
  sourceText?: (fileName: string) => string | undefined;
  /** Whether the call site shadows `Math` (the generated code then reads globalThis.Math). */
  mathShadowed?: boolean;
}

export function literal(v: unknown): ts.Expression {
  if (v === null) return f.createNull();
  if (v === undefined) return f.createIdentifier("undefined");
  if (typeof v === "boolean") return v ? f.createTrue() : f.createFalse();
  if (typeof v === "string") return f.createStringLiteral(v);
  if (typeof v === "number") {
    if (Number.isNaN(v)) return f.createIdentifier("NaN");
    if (!Number.isFinite(v)) return v > 0 ? f.createIdentifier("Infinity") : neg(f.createIdentifier("Infinity"));
    if (v < 0 || Object.is(v, -0)) return neg(f.createNumericLiteral(String(-v)));
    return f.createNumericLiteral(String(v));
  }
  if (Array.isArray(v)) return f.createArrayLiteralExpression(v.map(literal));
  if (typeof v === "object")
    return f.createObjectLiteralExpression(
      Object.entries(v as object).map(([k, x]) => f.createPropertyAssignment(propName(k), literal(x))),
    );
  throw new Error(`internal: cannot emit constant ${String(v)}`);
}

const neg = (e: ts.Expression) => f.createParenthesizedExpression(f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, e));
const propName = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? f.createIdentifier(k) : f.createStringLiteral(k));

const BINOPS: Record<string, ts.BinaryOperator> = {
  "+": ts.SyntaxKind.PlusToken,
  "-": ts.SyntaxKind.MinusToken,
  "*": ts.SyntaxKind.AsteriskToken,
  "/": ts.SyntaxKind.SlashToken,
  "**": ts.SyntaxKind.AsteriskAsteriskToken,
  "%": ts.SyntaxKind.PercentToken,
  "<": ts.SyntaxKind.LessThanToken,
  "<=": ts.SyntaxKind.LessThanEqualsToken,
  ">": ts.SyntaxKind.GreaterThanToken,
  ">=": ts.SyntaxKind.GreaterThanEqualsToken,
  "===": ts.SyntaxKind.EqualsEqualsEqualsToken,
  "!==": ts.SyntaxKind.ExclamationEqualsEqualsToken,
  "&&": ts.SyntaxKind.AmpersandAmpersandToken,
  "||": ts.SyntaxKind.BarBarToken,
};

const paren = (e: ts.Expression) =>
  ts.isIdentifier(e) || ts.isNumericLiteral(e) || ts.isParenthesizedExpression(e) || ts.isCallExpression(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)
    ? e
    : f.createParenthesizedExpression(e);

/** Words a generated variable may not be named (a name hint can come from a callee such as jnp.var or String). */
const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package " +
    "private protected public await arguments eval undefined NaN Infinity " +
    // globals the generated code itself calls
    "Math String console globalThis").split(" "),
);

/** Readable, unique local names: the user's names first, then `name_1`, `name_2`. */
class Names {
  private used = new Set<string>();
  private byId = new Map<number, string>();
  reserve(n: string) {
    this.used.add(n);
  }
  fresh(base: string): string {
    let b = base.replace(/[^\w$]/g, "_").replace(/^(\d)/, "_$1") || "t";
    if (RESERVED.has(b)) b += "_";
    let n = b;
    for (let i = 1; this.used.has(n); i++) n = `${b}_${i}`;
    this.used.add(n);
    return n;
  }
  bind(id: number, base: string): string {
    const n = this.fresh(base);
    this.byId.set(id, n);
    return n;
  }
  alias(id: number, name: string) {
    this.byId.set(id, name);
  }
  get(id: number): string {
    const n = this.byId.get(id);
    if (!n) throw new Error(`internal: variable ${id} used before definition`);
    return n;
  }
}

export function emitFn(fn: Fn, opt: EmitOptions): ts.ArrowFunction {
  const names = new Names();
  names.reserve(opt.rt);
  const exts = new Set<string>();
  const scan = (body: readonly Stmt[]) => {
    for (const s of body) for (const a of uses(s)) if (a.tag === "ext") exts.add(a.name);
  };
  scan(fn.body);
  for (const a of leaves(fn.result)) if (a.tag === "ext") exts.add(a.name);
  exts.forEach((n) => names.reserve(n));
  fn.params.forEach((p) => names.reserve(p.name));

  const rtCall = (name: string, args: ts.Expression[]) =>
    f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(opt.rt), name), undefined, args);
  const val = (v: Value): ts.Expression =>
    v.tag === "var" ? f.createIdentifier(names.get(v.id)) : v.tag === "const" ? literal(v.value) : opt.ext(v);

  const stmts: ts.Statement[] = [];
  // Entry: bind each parameter leaf (pytree fields are read once, ArrayLike converted once).
  for (const p of fn.params) {
    const walk = (t: Tree<{ id: number; name: string }>, path: ts.Expression, base: string) => {
      if (t.kind === "leaf") {
        if (t.v.name === p.name && path.kind === ts.SyntaxKind.Identifier && !p.arrayLike) {
          names.bind(t.v.id, p.name);
          names.reserve(p.name);
          (names as unknown as { byId: Map<number, string> }).byId.set(t.v.id, p.name);
          return;
        }
        const n = names.bind(t.v.id, base);
        const init = p.arrayLike ? rtCall("toArray", [path]) : path;
        stmts.push(constStmt(n, init));
      } else if (t.kind === "obj") {
        t.kids.forEach((k, i) => walk(k, f.createPropertyAccessExpression(path, propName(t.keys[i]) as ts.Identifier), `${base}_${t.keys[i]}`));
      } else if (t.kind === "tup") {
        t.kids.forEach((k, i) => walk(k, f.createElementAccessExpression(path, i), `${base}_${i}`));
      }
    };
    walk(p.tree, f.createIdentifier(p.name), p.name);
  }

  const used = new Set<number>();
  const mark = (u: Value) => u.tag === "var" && used.add(u.id);
  const markUses = (body: readonly Stmt[]) => forEachUse(body, mark);
  markUses(fn.body);
  for (const a of leaves(fn.result)) if (a.tag === "var") used.add(a.id);
  for (const lf of fn.locals ?? []) (markUses(lf.body), lf.results.forEach(mark));

  // Variables defined inside branches and loops are declared once at the top (`let`) so the
  // adjoint code after the block can read them; top-level primitives are `const`.
  let hoisted: string[] = [];
  const tapes = new Map<number, TapeLocals>();
  const hoist = (v: { id: number; name: string }) => {
    const n = names.bind(v.id, v.name);
    hoisted.push(n);
    return n;
  };
  const assign = (n: string, e: ts.Expression) => f.createExpressionStatement(f.createAssignment(f.createIdentifier(n), e));

  const emitStmts = (body: readonly Stmt[], top: boolean): ts.Statement[] => {
    const out: ts.Statement[] = [];
    for (const s of body) {
      let st: ts.Statement;
      if (s.kind === undefined && s.prim === "tapeNew" && top) {
        // A tape's number stack lives in two locals (buffer, cursor): pushes and pops are plain
        // typed-array writes and reads, no call, no boxing.
        const n = names.bind(s.out.id, s.out.name);
        const tf = names.fresh(`${n}_f`), tn = names.fresh(`${n}_n`);
        tapes.set(s.out.id, { obj: n, f: tf, n: tn });
        out.push(constStmt(n, f.createNewExpression(f.createPropertyAccessExpression(f.createIdentifier(opt.rt), "Tape"), undefined, [])));
        out.push(
          f.createVariableStatement(
            undefined,
            f.createVariableDeclarationList(
              [
                f.createVariableDeclaration(tf, undefined, undefined, f.createPropertyAccessExpression(f.createIdentifier(n), "f")),
                f.createVariableDeclaration(tn, undefined, undefined, f.createNumericLiteral(0)),
              ],
              ts.NodeFlags.Let,
            ),
          ),
        );
        continue;
      }
      if (s.kind === undefined) {
        const e = emitStmt(s, val, rtCall, opt.rt, tapes, !!opt.mathShadowed);
        if (!used.has(s.out.id) && PRIMS[s.prim].effect) st = f.createExpressionStatement(e);
        else if (top) st = constStmt(names.bind(s.out.id, s.out.name), e);
        else st = assign(hoist(s.out), e);
      } else if (s.kind === "call") {
        const call = f.createCallExpression(f.createIdentifier(s.fn), undefined, s.args.map(val));
        if (top) {
          const pattern = f.createArrayBindingPattern(s.outs.map((o) => f.createBindingElement(undefined, undefined, names.bind(o.id, o.name))));
          st = f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(pattern, undefined, undefined, call)], ts.NodeFlags.Const));
        } else {
          const target = f.createArrayLiteralExpression(s.outs.map((o) => f.createIdentifier(hoist(o))));
          st = f.createExpressionStatement(f.createAssignment(target, call));
        }
      } else if (s.kind === "if") {
        const outNames = s.outs.map(hoist);
        const branch = (b: Block) => {
          const sts = emitStmts(b.body, false);
          outNames.forEach((n, i) => sts.push(assign(n, val(b.results[i]))));
          return sts;
        };
        const thenS = branch(s.then), elseS = branch(s.else);
        st = f.createIfStatement(val(s.cond), f.createBlock(thenS, true), elseS.length ? f.createBlock(elseS, true) : undefined);
      } else {
        const pn = s.params.map(hoist);
        pn.forEach((n, i) => out.push(assign(n, val(s.init[i]))));
        const condS = emitStmts(s.cond.body, false);
        const exit = f.createIfStatement(f.createLogicalNot(paren(val(s.cond.results[0]))), f.createBreakStatement());
        const bodyS = emitStmts(s.body.body, false);
        // Next parameters, assigned in parallel: a result that is another parameter is read first.
        const isParam = (v: Value) => v.tag === "var" && s.params.some((p) => p.id === v.id);
        const next: ts.Statement[] = [];
        const temps = new Map<number, string>();
        s.body.results.forEach((r, i) => {
          if (isParam(r) && (r as Var).id !== s.params[i].id && !temps.has((r as Var).id)) {
            const t = names.fresh(`${(r as Var).name}_prev`);
            temps.set((r as Var).id, t);
            next.push(constStmt(t, val(r)));
          }
        });
        s.body.results.forEach((r, i) => {
          if (r.tag === "var" && r.id === s.params[i].id) return;
          const t = r.tag === "var" ? temps.get(r.id) : undefined;
          next.push(assign(pn[i], t ? f.createIdentifier(t) : val(r)));
        });
        st = f.createWhileStatement(f.createTrue(), f.createBlock([...condS, exit, ...bodyS, ...next], true));
        s.outs.forEach((o, i) => names.alias(o.id, pn[i]));
      }
      if (s.src) setMapRange(st, s.src, opt);
      out.push(st);
    }
    return out;
  };
  // Local functions (the halves of recursive functions): declarations, each with its own locals;
  // emitted after the body has named what they read from it (declarations are hoisted).
  for (const lf of fn.locals ?? []) names.reserve(lf.name);
  const bodyStmts = emitStmts(fn.body, true);
  const localDecls = (fn.locals ?? []).map((lf) => {
    const saved = hoisted;
    hoisted = [];
    const ps = lf.params.map((p) => f.createParameterDeclaration(undefined, undefined, names.bind(p.id, p.name)));
    const inner = emitStmts(lf.body, true);
    const decl = hoisted.length ? [f.createVariableStatement(undefined, f.createVariableDeclarationList(hoisted.map((n) => f.createVariableDeclaration(n)), ts.NodeFlags.Let))] : [];
    hoisted = saved;
    const ret = f.createReturnStatement(f.createArrayLiteralExpression(lf.results.map(val)));
    return f.createFunctionDeclaration(undefined, undefined, lf.name, undefined, ps, undefined, f.createBlock([...decl, ...inner, ret], true));
  });
  stmts.push(...localDecls);
  // the tapes' number buffers go back to the runtime's pool (all pops are done)
  for (const t of tapes.values()) bodyStmts.push(f.createExpressionStatement(rtCall("tapeDone", [f.createIdentifier(t.f), f.createIdentifier(t.n)])));
  if (hoisted.length)
    stmts.push(
      f.createVariableStatement(undefined, f.createVariableDeclarationList(hoisted.map((n) => f.createVariableDeclaration(n)), ts.NodeFlags.Let)),
    );
  stmts.push(...bodyStmts);
  stmts.push(f.createReturnStatement(treeExpr(fn.result, val)));

  const params = fn.params.map((p) =>
    f.createParameterDeclaration(undefined, undefined, p.name, undefined, undefined, p.init === undefined ? undefined : literal(p.init)),
  );
  return f.createArrowFunction(undefined, undefined, params, undefined, undefined, f.createBlock(stmts, true));
}

function constStmt(name: string, init: ts.Expression): ts.Statement {
  return f.createVariableStatement(
    undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, init)], ts.NodeFlags.Const),
  );
}

function setMapRange(node: ts.Node, src: SrcRef, opt: EmitOptions) {
  const range: ts.SourceMapRange = { pos: src.pos, end: src.end };
  // a statement inlined from another file maps into that file
  if (opt.file && src.file !== opt.file.fileName) {
    const text = opt.sourceText?.(src.file);
    if (text === undefined) return;
    range.source = ts.createSourceMapSource(src.file, text);
  }
  ts.setSourceMapRange(node, range);
}

export function treeExpr(t: Tree<Value>, val: (v: Value) => ts.Expression): ts.Expression {
  switch (t.kind) {
    case "leaf":
      return val(t.v);
    case "obj":
      return f.createObjectLiteralExpression(
        t.kids.map((k, i) => f.createPropertyAssignment(propName(t.keys[i]), treeExpr(k, val))),
        false,
      );
    case "tup":
      return f.createArrayLiteralExpression(t.kids.map((k) => treeExpr(k, val)));
    case "none":
      return literal(t.v);
  }
}

interface TapeLocals {
  obj: string;
  f: string;
  n: string;
}

function emitStmt(
  s: PrimStmt,
  val: (v: Value) => ts.Expression,
  rtCall: (name: string, args: ts.Expression[]) => ts.Expression,
  rtName: string,
  tapes: ReadonlyMap<number, TapeLocals>,
  mathShadowed: boolean,
): ts.Expression {
  const def = PRIMS[s.prim];
  const args = s.args.map(val);
  if (s.prim === "prop") return f.createElementAccessExpression(paren(args[0]), args[1]);
  if (s.prim === "consoleCall") return f.createCallExpression(f.createElementAccessExpression(f.createIdentifier("console"), args[0]), undefined, args.slice(1));
  if (s.prim === "str") return f.createCallExpression(f.createIdentifier("String"), undefined, args);
  if (s.prim === "concat")
    return args.map((a, i) => (s.args[i].tag === "const" ? a : f.createCallExpression(f.createIdentifier("String"), undefined, [a]))).reduce((p, q) => f.createBinaryExpression(p, ts.SyntaxKind.PlusToken, q));
  // A fused kernel (transformer/jit/fuse.ts) runs only for large Arrays: below the runtime's
  // FUSED_MIN_SIZE the chain is emitted as the eager calls it was (no overhead on tiny inputs)
  if (s.prim === "fused") {
    const prog = JSON.parse(String((s.args[0] as { value: unknown }).value)) as { ops: [string, ...(number | { c: number })[]][]; reduce?: string; epilogue?: string };
    // (a kernel after a product: its input 0 is the product of the statement's first two)
    const ins = prog.epilogue ? [rtCall(prog.epilogue, args.slice(1, 3)), ...args.slice(3)] : args.slice(1);
    const vals = [...ins];
    // an op read more than once is a local of the eager chain (an arrow run in place), not recomputed
    const reads = new Map<number, number>();
    for (const [, ...as] of prog.ops) for (const a of as) if (typeof a === "number") reads.set(a, (reads.get(a) ?? 0) + 1);
    const locals: ts.Statement[] = [];
    if (prog.epilogue && (reads.get(0) ?? 0) > 1) {
      locals.push(constStmt("__k_mm", vals[0]));
      vals[0] = f.createIdentifier("__k_mm");
    }
    prog.ops.forEach(([op, ...as], j) => {
      const e = rtCall(op, as.map((a) => (typeof a === "object" ? literal(a.c) : vals[a])));
      if ((reads.get(ins.length + j) ?? 0) < 2) return void vals.push(e);
      const t = f.createIdentifier(`__k${j}`);
      locals.push(constStmt(t.text, e));
      vals.push(t);
    });
    // a kernel ending in a whole-array reduction
    if (prog.reduce) vals[vals.length - 1] = rtCall(prog.reduce, [vals[vals.length - 1]]);
    if (locals.length) {
      const body = f.createBlock([...locals, f.createReturnStatement(vals[vals.length - 1])], true);
      vals[vals.length - 1] = f.createCallExpression(paren(f.createArrowFunction(undefined, undefined, [], undefined, undefined, body)), undefined, []);
    }
    const big = s.args
      .slice(1)
      .map((v, i) => [v, args[i + 1]] as const)
      .filter(([v]) => v.ty === "arr")
      .map(([, e]) => f.createBinaryExpression(f.createPropertyAccessExpression(paren(e), "size"), ts.SyntaxKind.GreaterThanEqualsToken, f.createPropertyAccessExpression(f.createIdentifier(rtName), "FUSED_MIN_SIZE")));
    if (!big.length) return vals[vals.length - 1];
    const cond = big.reduce((p, q) => f.createBinaryExpression(p, ts.SyntaxKind.BarBarToken, q));
    return f.createConditionalExpression(cond, undefined, rtCall("fused", args), undefined, vals[vals.length - 1]);
  }
  if (s.prim === "propOpt") return f.createElementAccessChain(paren(args[0]), f.createToken(ts.SyntaxKind.QuestionDotToken), args[1]);
  if (s.prim === "typeOf") return f.createTypeOfExpression(paren(args[0]));
  if (s.prim === "isNullish") return f.createBinaryExpression(paren(args[0]), ts.SyntaxKind.EqualsEqualsToken, f.createNull());
  // Tapes are JS arrays used as stacks.
  // Local arrays are JS arrays.
  if (s.prim === "listNew") return f.createArrayLiteralExpression([]);
  if (s.prim === "listFrom") return f.createArrayLiteralExpression(args);
  if (s.prim === "listGet") return f.createElementAccessExpression(paren(args[0]), args[1]);
  if (s.prim === "listLen") return f.createPropertyAccessExpression(paren(args[0]), "length");
  // Channel 0 of a tape: numbers go to its unboxed stack, other values to its object stack (the
  // type of each value is known here, so each pop reads the stack its push wrote).
  const ch0 = s.args[1]?.tag === "const" && s.args[1].value === 0;
  const method = (obj: ts.Expression, name: string, a: ts.Expression[]) => f.createCallExpression(f.createPropertyAccessExpression(paren(obj), name), undefined, a);
  if (s.prim === "tapeNew") return f.createNewExpression(f.createPropertyAccessExpression(f.createIdentifier(rtName), "Tape"), undefined, []);
  const local = s.args[0]?.tag === "var" ? tapes.get(s.args[0].id) : undefined;
  const id = (n: string) => f.createIdentifier(n);
  if (s.prim === "tapePush" && ch0) {
    const vals = s.args.slice(2);
    const nums = vals.filter((v) => v.ty === "num").length;
    const parts: ts.Expression[] = [];
    if (local && nums) {
      // grow first if the buffer is full: tape_f = rt.growTape(tape, tape_f, tape_n + k)
      const need = f.createBinaryExpression(id(local.n), ts.SyntaxKind.PlusToken, f.createNumericLiteral(nums));
      parts.push(
        f.createBinaryExpression(
          f.createBinaryExpression(need, ts.SyntaxKind.GreaterThanToken, f.createPropertyAccessExpression(id(local.f), "length")),
          ts.SyntaxKind.AmpersandAmpersandToken,
          f.createParenthesizedExpression(f.createAssignment(id(local.f), f.createCallExpression(f.createPropertyAccessExpression(id(rtName), "growTape"), undefined, [args[0], id(local.f), need]))),
        ),
      );
    }
    vals.forEach((v, i) => {
      const a = args[i + 2];
      if (v.ty === "num" && local)
        parts.push(f.createAssignment(f.createElementAccessExpression(id(local.f), f.createPostfixIncrement(id(local.n))), a));
      else if (v.ty === "num") parts.push(method(args[0], "num", [a]));
      else parts.push(method(f.createPropertyAccessExpression(paren(args[0]), "o"), "push", [a]));
    });
    return parts.reduce<ts.Expression>((acc, e) => f.createBinaryExpression(acc, ts.SyntaxKind.CommaToken, e), parts.shift()!);
  }
  if (s.prim === "tapePop" && ch0) {
    if (s.out.ty === "num" && local) return f.createElementAccessExpression(id(local.f), f.createPrefixDecrement(id(local.n)));
    return s.out.ty === "num" ? method(args[0], "popNum", []) : method(f.createPropertyAccessExpression(paren(args[0]), "o"), "pop", []);
  }
  const arrMode = s.out.ty === "arr" || s.args.some((a) => a.ty === "arr");
  if (!arrMode) {
    const js = def.js;
    if (js && "bin" in js) return f.createBinaryExpression(paren(args[0]), BINOPS[js.bin], paren(args[1]));
    if (js && "un" in js)
      return f.createPrefixUnaryExpression(js.un === "!" ? ts.SyntaxKind.ExclamationToken : ts.SyntaxKind.MinusToken, paren(args[0]));
    if (js && "fn" in js) {
      const [obj, name] = js.fn.split(".");
      const target = obj === "Math" && mathShadowed ? f.createPropertyAccessExpression(f.createIdentifier("globalThis"), obj) : f.createIdentifier(obj);
      return f.createCallExpression(f.createPropertyAccessExpression(target, name), undefined, args);
    }
    if (js && "fma" in js)
      return f.createBinaryExpression(
        f.createBinaryExpression(paren(args[0]), ts.SyntaxKind.AsteriskToken, paren(args[1])),
        ts.SyntaxKind.PlusToken,
        paren(args[2]),
      );
    if (js && "id" in js) return args[0];
    if (s.prim === "square") return f.createBinaryExpression(paren(args[0]), ts.SyntaxKind.AsteriskToken, paren(args[0]));
    if (s.prim === "reciprocal") return f.createBinaryExpression(f.createNumericLiteral(1), ts.SyntaxKind.SlashToken, paren(args[0]));
    if (s.prim === "where") return f.createConditionalExpression(paren(args[0]), undefined, args[1], undefined, args[2]);
    if (s.prim === "balancedEq") {
      // JAX's tie rule on numbers: x === z ? (y === z ? 0.5 : 1) : 0
      const eq = (a: ts.Expression, b: ts.Expression) => f.createBinaryExpression(a, ts.SyntaxKind.EqualsEqualsEqualsToken, b);
      const inner = f.createConditionalExpression(eq(args[2], args[1]), undefined, f.createNumericLiteral(0.5), undefined, f.createNumericLiteral(1));
      return f.createConditionalExpression(eq(args[0], args[1]), undefined, f.createParenthesizedExpression(inner), undefined, f.createNumericLiteral(0));
    }
  }
  // Trailing `undefined` operands are the runtime's defaults: leave them out.
  let n = args.length;
  while (n > 0 && s.args[n - 1].tag === "const" && (s.args[n - 1] as { value: unknown }).value === undefined) n--;
  return rtCall(def.rt ?? s.prim, args.slice(0, n));
}
