// Control flow → structured IR. Every JS construct becomes `if` and `while` blocks over SSA
// values: variables assigned in a branch or a loop become phis (if outs) or loop parameters,
// and `return`, `break` and `continue` become flags in the environment that guard the code
// after them (so an early return is an `if` around the rest of the function).

import ts from "../typescript.cjs";
import type { Tree, Ty, Value, Var } from "../ir.js";
import { freshVar, leaf, leaves, lit, mapTree, num, srcOf } from "../ir.js";
import { nextKey } from "../counters.js";
import type { Lowerer } from "../lower.js";
import { skipParens } from "./syntax.js";
import type { Env } from "./context.js";

/** A loop or switch that `break` (and for loops `continue`) can target. */
export interface Target {
  label?: string;
  brk: string;
  cont?: string;
}


const isFlag = (k: ts.Symbol | string) => typeof k === "string" && (k.startsWith("$brk") || k.startsWith("$cont") || k === "$returned");

/** A value that is `undefined`/0 of the same structure (for paths where a variable is not set). */
function placeholder(t: Tree<Value>): Tree<Value> {
  return mapTree(t, (v) => (v.ty === "other" ? lit(undefined) : num(0)));
}

function sameShape(a: Tree<Value>, b: Tree<Value>): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "obj" && b.kind === "obj") return a.keys.join() === b.keys.join() && a.kids.every((k, i) => sameShape(k, b.kids[i]));
  if (a.kind === "tup" && b.kind === "tup") return a.kids.length === b.kids.length && a.kids.every((k, i) => sameShape(k, b.kids[i]));
  return true;
}

const sameValue = (a: Value, b: Value) =>
  a === b || (a.tag === "var" && b.tag === "var" && a.id === b.id) || (a.tag === "const" && b.tag === "const" && Object.is(a.value, b.value) && a.ty === b.ty);

/**
 * The type of a value that is one of two: an Array if either can be, else a number if either
 * can be (`false || y*y`, `maybeNull ?? x` carry gradients through their number side).
 */
const joinTy = (a: Ty, b: Ty): Ty => (a === b ? a : a === "arr" || b === "arr" ? "arr" : a === "list" || b === "list" ? "list" : a === "num" || b === "num" ? "num" : "other");

// ---- conditions and flags ----------------------------------------------------------------

/** A condition: numbers and booleans (JS truthiness); an Array is refused (use .item()). */
export function cond(lw: Lowerer, e: ts.Expression, env: Env): Value {
  const v = lw.leafOf(lw.expr(e, env), e);
  if (v.ty === "arr")
    lw.fail(e, "an Array used as a condition: compare a number instead (e.g. `x.item() > 0` or `jnp.sum(x).item() > 0`)");
  return v;
}

export function or(lw: Lowerer, a: Value, b: Value, node: ts.Node): Value {
  if (a.tag === "const") return a.value ? a : b;
  if (b.tag === "const") return b.value ? b : a;
  return lw.prim("logicalOr", [a, b], node, "other");
}

export function not(lw: Lowerer, a: Value, node: ts.Node): Value {
  if (a.tag === "const") return lit(!a.value);
  return lw.prim("logicalNot", [a], node, "other");
}

/** True when any exit (return, break, continue) has happened on this path. */
export function exited(lw: Lowerer, env: Env, node: ts.Node, except?: string): Value {
  let f: Value = lit(false);
  for (const [k, v] of env) if (isFlag(k) && k !== except && v.kind === "leaf") f = or(lw, f, v.v, node);
  return f;
}

// ---- branches ------------------------------------------------------------------------------

/**
 * Lower two alternatives under `c` and merge the environments: every outer variable (and the
 * return value) that differs between them becomes an out of the `if`.
 */
export function branch(lw: Lowerer, c: Value, thenF: (env: Env) => void, elseF: (env: Env) => void, env: Env, node: ts.Node): void {
  if (c.tag === "const") return c.value ? thenF(env) : elseF(env);
  const envT: Env = new Map(env), envE: Env = new Map(env);
  const tb = lw.b.block(() => (thenF(envT), []));
  const eb = lw.b.block(() => (elseF(envE), []));
  const keys = [...env.keys()];
  // Flow state first set inside the branches (the return value, a selected value) joins too.
  for (const k of new Set([...envT.keys(), ...envE.keys()])) if (typeof k === "string" && !env.has(k) && (k === "$ret" || k.startsWith("$sel"))) keys.push(k);
  const tRes: Value[] = [], eRes: Value[] = [], outs: Var[] = [];
  const merged: [ts.Symbol | string, Tree<Value>][] = [];
  for (const k of keys) {
    let vt = envT.get(k), ve = envE.get(k);
    if (vt === ve) {
      // the same value on both paths: no phi, but the value leaves the branches when they set
      // it (a selected value, a return value set on both sides after an earlier return)
      if (env.get(k) !== vt) merged.push([k, vt!]);
      continue;
    }
    if (!vt) vt = placeholder(ve!);
    if (!ve) ve = placeholder(vt);
    // `undefined` on one path and a value on the other (`c ? undefined : x * x`): one leaf
    if (vt.kind === "none" && ve.kind === "leaf") vt = leaf(lit(vt.v));
    if (ve.kind === "none" && vt.kind === "leaf") ve = leaf(lit(ve.v));
    if (!sameShape(vt, ve))
      lw.fail(node, `${typeof k !== "string" ? `'${k.getName()}'` : k === "$ret" ? "the return value" : "this value"} has a different structure on the two paths`);
    const lt = leaves(vt), le = leaves(ve);
    const outLeaves = lt.map((a, i) => {
      const b = le[i];
      if (sameValue(a, b)) return a;
      const o = freshVar(typeof k === "string" ? k.replace(/^\$/, "") : k.getName(), joinTy(a.ty, b.ty));
      tRes.push(a);
      eRes.push(b);
      outs.push(o);
      return o as Value;
    });
    let i = 0;
    merged.push([k, mapTree(vt, () => outLeaves[i++])]);
  }
  lw.b.body.push({
    kind: "if",
    cond: c,
    then: { body: tb.body, results: tRes },
    else: { body: eb.body, results: eRes },
    outs,
    src: srcOf(node),
  });
  for (const [k, t] of merged) env.set(k, t);
}

/** A value computed lazily under a condition (`c ? a : b`, `a && b`, `a || b`). */
export function select(lw: Lowerer, c: Value, thenF: () => Tree<Value>, elseF: () => Tree<Value>, env: Env, node: ts.Node): Tree<Value> {
  const key = `$sel${nextKey()}`;
  branch(lw, c, (e) => e.set(key, thenF()), (e) => e.set(key, elseF()), env, node);
  const out = env.get(key)!;
  env.delete(key);
  return out;
}

// ---- statements --------------------------------------------------------------------------

/** A statement list: after any statement that may exit, the rest runs under `if (!exited)`. */
export function stmts(lw: Lowerer, list: readonly ts.Statement[], env: Env, targets: Target[]): void {
  for (let i = 0; i < list.length; i++) {
    const st = list[i];
    if (ts.isReturnStatement(st)) {
      env.set("$ret", st.expression ? lw.expr(st.expression, env) : { kind: "none", v: undefined });
      env.set("$returned", leaf(lit(true)));
      return;
    }
    if (ts.isThrowStatement(st)) {
      // `throw new Error(...)` in the forward pass; what follows on this path never runs
      const e = skipParens(st.expression);
      const ctor = ts.isNewExpression(e) && ts.isIdentifier(e.expression) ? e.expression.text : "";
      if (!/^(Error|TypeError|RangeError)$/.test(ctor)) lw.fail(st, "only `throw new Error(...)` (or TypeError, RangeError) is supported in a differentiated function");
      const args = ((e as ts.NewExpression).arguments ?? []).map((a) => lw.leafOf(lw.expr(a, env), a));
      lw.prim("raise", [lit(ctor), ...args], st, "other");
      return;
    }
    if (ts.isBreakStatement(st) || ts.isContinueStatement(st)) {
      const t = target(lw, st, targets);
      env.set(ts.isBreakStatement(st) ? t.brk : t.cont!, leaf(lit(true)));
      return;
    }
    lw.stmt(st, env, targets);
    if (i < list.length - 1 && mayExit(st)) {
      const ex = exited(lw, env, st);
      const rest = list.slice(i + 1);
      if (ex.tag === "const" && !ex.value) continue;
      if (ex.tag === "const") return;
      branch(lw, ex, () => {}, (e) => stmts(lw, rest, e, targets), env, rest[0]);
      return;
    }
  }
}

function target(lw: Lowerer, st: ts.BreakStatement | ts.ContinueStatement, targets: Target[]): Target {
  const isBreak = ts.isBreakStatement(st);
  for (let i = targets.length - 1; i >= 0; i--) {
    const t = targets[i];
    if (st.label ? t.label === st.label.text : isBreak || t.cont) {
      if (!isBreak && !t.cont) lw.fail(st, `continue ${st.label?.text ?? ""}: the label is not a loop`);
      return t;
    }
  }
  lw.fail(st, `${isBreak ? "break" : "continue"} outside a loop`);
}

export function ifStmt(lw: Lowerer, st: ts.IfStatement, env: Env, targets: Target[]): void {
  const c = cond(lw, st.expression, env);
  const list = (s: ts.Statement | undefined) => (!s ? [] : ts.isBlock(s) ? s.statements : [s]);
  branch(lw, c, (e) => stmts(lw, list(st.thenStatement), e, targets), (e) => stmts(lw, list(st.elseStatement), e, targets), env, st);
}

export function switchStmt(lw: Lowerer, st: ts.SwitchStatement, env: Env, targets: Target[], label?: string): void {
  const d = lw.leafOf(lw.expr(st.expression, env), st.expression);
  const k = nextKey();
  const t: Target = { label, brk: `$brk${k}` };
  // fall: whether an earlier clause ran and did not break (JS fallthrough); one per switch,
  // so a switch nested in a case leaves the outer one's alone
  const fallKey = `$fall${k}`;
  env.set(t.brk, leaf(lit(false)));
  const clauses = st.caseBlock.clauses;
  const matches = clauses.map((c) => (ts.isCaseClause(c) ? lw.prim("equal", [d, lw.leafOf(lw.expr(c.expression, env), c.expression)], c, "other") : null));
  let any: Value = lit(false);
  for (const m of matches) if (m) any = or(lw, any, m, st);
  const noneMatched = not(lw, any, st);
  env.set(fallKey, leaf(lit(false)));
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i];
    const fall = lw.leafOf(env.get(fallKey)!, c);
    const run = or(lw, fall, matches[i] ?? noneMatched, c);
    const go = lw.leafOf(select(lw, exited(lw, env, c), () => leaf(lit(false)), () => leaf(run), env, c), c);
    branch(lw, 
      go,
      (e) => {
        e.set(fallKey, leaf(lit(true)));
        stmts(lw, c.statements, e, [...targets, t]);
      },
      () => {},
      env,
      c,
    );
  }
  env.delete(fallKey);
  env.delete(t.brk);
}

// ---- loops ---------------------------------------------------------------------------------

/** A loop over n elements known at build time, unrolled; each copy runs only if no exit happened. */
export function unrolled(lw: Lowerer, node: ts.Node, env: Env, targets: Target[], label: string | undefined, n: number, bodyK: (env: Env, targets: Target[], k: number) => void): void {
  const k = nextKey();
  const t: Target = { label, brk: `$brk${k}`, cont: `$cont${k}` };
  env.set(t.brk, leaf(lit(false)));
  const iterate = (k: number, e: Env): void => {
    if (k === n) return;
    e.set(t.cont!, leaf(lit(false)));
    bodyK(e, [...targets, t], k);
    e.delete(t.cont!);
    if (k + 1 === n) return;
    branch(lw, exited(lw, e, node), () => {}, (e2) => iterate(k + 1, e2), e, node);
  };
  iterate(0, env);
  env.delete(t.brk);
}

/**
 * The one loop lowering: `init` once, then while `test` (not evaluated after an exit), run
 * `body` then `update`. Variables the loop assigns are its parameters; their types are found
 * by lowering once and lowering again if a number became an Array.
 */
export function loop(
  lw: Lowerer,
  node: ts.Node,
  env: Env,
  targets: Target[],
  label: string | undefined,
  parts: {
    test?: (env: Env) => Value;
    body: (env: Env, targets: Target[]) => void;
    update?: (env: Env) => void;
    /** Extra carried state (a counter for for...of). */
    extra?: Map<string, Tree<Value>>;
    /** Extra state that stays in the environment after the loop (a reduction's accumulator). */
    keep?: readonly string[];
    /** Variables assigned by code the loop runs but `node` does not contain (an inlined callback). */
    carry?: ReadonlySet<ts.Symbol>;
    doWhile?: boolean;
  },
): void {
  const k = nextKey();
  const t: Target = { label, brk: `$brk${k}`, cont: `$cont${k}` };
  for (const [k, v] of parts.extra ?? []) env.set(k, v);
  const assigned = assignedSymbols(node, lw.checker);
  const exits = containsExit(node);
  if (exits) env.set(t.brk, leaf(lit(false)));
  if (parts.doWhile) env.set("$first", leaf(lit(true)));
  if (containsReturn(node) && !env.has("$ret")) env.set("$ret", lw.retPlaceholder(node));
  // Carried: what the loop assigns, its own break flag, the return state if it returns, and
  // the flags of enclosing loops if it jumps out to a label.
  const returns = containsReturn(node);
  const jumpsOut = containsLabelledJump(node);
  const keys = [...env.keys()].filter(
    (k) =>
      (typeof k !== "string" && (assigned.has(k) || !!parts.carry?.has(k))) ||
      (typeof k === "string" &&
        (k === t.brk ||
          (returns && (k === "$returned" || k === "$ret")) ||
          (jumpsOut && isFlag(k)) ||
          parts.extra?.has(k) ||
          k === "$first")),
  );

  let tys: Ty[][] = keys.map((k) => leaves(env.get(k)!).map((v) => v.ty));
  for (let attempt = 0; attempt < 3; attempt++) {
    const params = keys.map((k, i) => {
      let j = 0;
      return mapTree(env.get(k)!, (v) => freshVar(typeof k === "string" ? k.slice(1) : k.getName(), tys[i][j++] ?? v.ty));
    });
    const inner: Env = new Map(env);
    keys.forEach((k, i) => inner.set(k, params[i]));
    const condBlk = lw.b.block(() => {
      let c: Value;
      const userTest = () => {
        const before = new Map(inner);
        const c = leaf(parts.test ? parts.test(inner) : lit(true));
        for (const [k, v] of inner)
          if (before.get(k) !== v && typeof k !== "string")
            lw.fail(node, `the loop condition assigns '${k.getName()}': side effects in a loop condition are not supported in a differentiated function (update it in the body)`);
        return c;
      };
      const ex = exits ? exited(lw, inner, node) : lit(false);
      if (parts.doWhile) {
        const first = lw.leafOf(inner.get("$first")!, node);
        c = lw.leafOf(select(lw, ex, () => leaf(lit(false)), () => select(lw, first, () => leaf(lit(true)), userTest, inner, node), inner, node), node);
      } else c = lw.leafOf(select(lw, ex, () => leaf(lit(false)), userTest, inner, node), node);
      return [c];
    });
    const bodyEnv: Env = new Map(inner);
    const bodyBlk = lw.b.block(() => {
      if (exits) bodyEnv.set(t.cont!, leaf(lit(false)));
      parts.body(bodyEnv, [...targets, t]);
      if (parts.doWhile) bodyEnv.set("$first", leaf(lit(false)));
      if (parts.update) {
        const up = parts.update;
        if (exits) {
          const stop = exited(lw, bodyEnv, node, t.cont);
          branch(lw, stop, () => {}, (e) => up(e), bodyEnv, node);
        } else up(bodyEnv);
      }
      bodyEnv.delete(t.cont!);
      return keys.flatMap((k) => leaves(bodyEnv.get(k)!));
    });
    const flatParams = params.flatMap((p) => leaves(p) as Var[]);
    // A parameter that was a number but receives an Array (or the structure changed): retry.
    const newTys = keys.map((k, i) => {
      const a = leaves(env.get(k)!), b = leaves(bodyEnv.get(k)!);
      if (!sameShape(env.get(k)!, bodyEnv.get(k)!))
        lw.fail(node, `'${typeof k === "string" ? k : k.getName()}' changes structure inside the loop`);
      return a.map((v, j) => joinTy(joinTy(v.ty, b[j].ty), tys[i][j]));
    });
    if (attempt < 2 && newTys.some((ts_, i) => ts_.some((x, j) => x !== tys[i][j]))) {
      tys = newTys;
      continue;
    }
    const outs = flatParams.map((p) => freshVar(p.name, p.ty));
    lw.b.body.push({
      kind: "while",
      params: flatParams,
      init: keys.flatMap((k) => leaves(env.get(k)!)),
      cond: condBlk,
      body: bodyBlk,
      outs,
      src: srcOf(node),
    });
    let o = 0;
    keys.forEach((k) => env.set(k, mapTree(env.get(k)!, () => outs[o++])));
    break;
  }
  env.delete(t.brk);
  env.delete("$first");
  for (const k of parts.extra?.keys() ?? []) if (!parts.keep?.includes(k)) env.delete(k);
}

/**
 * Symbols a node assigns (=, op=, ++, --, push), for loop-carried variables, including what the
 * local functions it calls assign (closures write back to the caller's variables).
 */
export function assignedSymbols(node: ts.Node, checker: ts.TypeChecker, seen = new Set<ts.Node>()): Set<ts.Symbol> {
  const out = new Set<ts.Symbol>();
  seen.add(node);
  const add = (e: ts.Expression) => {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isIdentifier(e)) {
      const s = checker.getSymbolAtLocation(e);
      if (s) out.add(s);
    } else if (ts.isArrayLiteralExpression(e)) e.elements.forEach((x) => add(x as ts.Expression));
    else if (ts.isElementAccessExpression(e) || ts.isPropertyAccessExpression(e)) add(e.expression);
  };
  const walk = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) add(n.left);
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken))
      add(n.operand);
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ["push", "pop"].includes(n.expression.name.text)) add(n.expression.expression);
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
      const d = localFunction(checker.getSymbolAtLocation(n.expression));
      if (d && !seen.has(d)) assignedSymbols(d, checker, seen).forEach((x) => out.add(x));
    }
    if (ts.isFunctionLike(n) && n !== node) return;
    ts.forEachChild(n, walk);
  };
  walk(node);
  return out;
}

function containsExit(node: ts.Node): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isReturnStatement(n) || ts.isBreakStatement(n) || ts.isContinueStatement(n)) found = true;
    else if (!ts.isFunctionLike(n)) ts.forEachChild(n, walk);
  };
  ts.forEachChild(node, walk);
  return found;
}

/** The declaration of a function declared inside another function (a closure), if `sym` is one. */
function localFunction(sym: ts.Symbol | undefined): ts.Node | undefined {
  const d = sym?.valueDeclaration;
  if (!d) return undefined;
  const fn = ts.isFunctionDeclaration(d) ? d : ts.isVariableDeclaration(d) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)) ? d.initializer : undefined;
  if (!fn) return undefined;
  for (let p = fn.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return fn;
  return undefined;
}

function containsLabelledJump(node: ts.Node): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isBreakStatement(n) || ts.isContinueStatement(n)) && n.label) found = true;
    else if (!ts.isFunctionLike(n)) ts.forEachChild(n, walk);
  };
  ts.forEachChild(node, walk);
  return found;
}

function containsReturn(node: ts.Node): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isReturnStatement(n)) found = true;
    else if (!ts.isFunctionLike(n)) ts.forEachChild(n, walk);
  };
  ts.forEachChild(node, walk);
  return found;
}

/** Whether a statement can leave the statement list early. */
export function mayExit(st: ts.Statement): boolean {
  return containsExit(st) || ts.isReturnStatement(st) || ts.isBreakStatement(st) || ts.isContinueStatement(st);
}
