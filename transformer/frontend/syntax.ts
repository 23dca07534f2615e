// Syntax: the tables of operators the frontend lowers and small questions about TypeScript nodes.

import ts from "../typescript.cjs";
import type { FnLike } from "./context.js";

// ---- tables ------------------------------------------------------------------------------
export const BINARY: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.LessThanToken]: "less",
  [ts.SyntaxKind.LessThanEqualsToken]: "lessEqual",
  [ts.SyntaxKind.GreaterThanToken]: "greater",
  [ts.SyntaxKind.GreaterThanEqualsToken]: "greaterEqual",
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "equal",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "notEqual",
  [ts.SyntaxKind.EqualsEqualsToken]: "equal",
  [ts.SyntaxKind.ExclamationEqualsToken]: "notEqual",
  [ts.SyntaxKind.PlusToken]: "add",
  [ts.SyntaxKind.MinusToken]: "sub",
  [ts.SyntaxKind.AsteriskToken]: "mul",
  [ts.SyntaxKind.SlashToken]: "div",
  [ts.SyntaxKind.AsteriskAsteriskToken]: "pow",
  [ts.SyntaxKind.PercentToken]: "mod",
};
/** number, a number literal, or a union of them (`1 | 2 | 3`). */
/**
 * A number: `number`, number literals and unions of them, a branded number (`number & { __b: 1 }`),
 * or a type parameter constrained to one (`T extends number`).
 */
export function isNumberType(t: ts.Type): boolean {
  if (t.flags & ts.TypeFlags.NumberLike) return true;
  if (t.isUnion()) return t.types.every((x) => isNumberType(x));
  if (t.isIntersection()) return t.types.some((x) => isNumberType(x));
  if (t.flags & ts.TypeFlags.TypeParameter) {
    const c = t.getConstraint();
    return !!c && isNumberType(c);
  }
  return false;
}

export const LOGICAL = new Set([ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken]);

export function isIncDec(e: ts.Node): e is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  return (
    (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) &&
    (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken)
  );
}

export const COMPOUND: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusEqualsToken]: "add",
  [ts.SyntaxKind.MinusEqualsToken]: "sub",
  [ts.SyntaxKind.AsteriskEqualsToken]: "mul",
  [ts.SyntaxKind.SlashEqualsToken]: "div",
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: "pow",
  [ts.SyntaxKind.PercentEqualsToken]: "mod",
};
/** Constructs tsjax does not lower, in the user's words (diagnostics never name AST kinds). */
const CONSTRUCTS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.DeleteExpression]: "`delete`",
  [ts.SyntaxKind.VoidExpression]: "`void`",
  [ts.SyntaxKind.NewExpression]: "`new` (constructing an object)",
  [ts.SyntaxKind.RegularExpressionLiteral]: "a regular expression",
  [ts.SyntaxKind.TaggedTemplateExpression]: "a tagged template",
  [ts.SyntaxKind.ClassExpression]: "a class expression",
  [ts.SyntaxKind.SpreadElement]: "a spread (`...x`)",
  [ts.SyntaxKind.MetaProperty]: "`import.meta` / `new.target`",
  [ts.SyntaxKind.SuperKeyword]: "`super`",
  [ts.SyntaxKind.BigIntLiteral]: "a BigInt",
  [ts.SyntaxKind.JsxElement]: "JSX",
  [ts.SyntaxKind.JsxSelfClosingElement]: "JSX",
  [ts.SyntaxKind.JsxFragment]: "JSX",
  [ts.SyntaxKind.WithStatement]: "`with`",
  [ts.SyntaxKind.DebuggerStatement]: "`debugger`",
  [ts.SyntaxKind.ImportDeclaration]: "an import",
  [ts.SyntaxKind.ExportDeclaration]: "an export",
  [ts.SyntaxKind.ModuleDeclaration]: "a namespace",
  [ts.SyntaxKind.EnumDeclaration]: "an enum declaration",
  [ts.SyntaxKind.ForInStatement]: "`for...in`",
};

/** A construct in plain words: the table above, else the node's kind split into words. */
export function constructName(node: ts.Node): string {
  const known = CONSTRUCTS[node.kind];
  if (known) return known;
  const words = ts.SyntaxKind[node.kind].replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return `this ${words.replace(/ (expression|statement|declaration|keyword)$/, " $1")} (\`${node.getText().slice(0, 40)}\`)`;
}

export const CONTROL: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.IfStatement]: "if",
  [ts.SyntaxKind.ForStatement]: "for",
  [ts.SyntaxKind.ForOfStatement]: "for...of",
  [ts.SyntaxKind.ForInStatement]: "for...in",
  [ts.SyntaxKind.WhileStatement]: "while",
  [ts.SyntaxKind.DoStatement]: "do...while",
  [ts.SyntaxKind.SwitchStatement]: "switch",
  [ts.SyntaxKind.TryStatement]: "try",
  [ts.SyntaxKind.ThrowStatement]: "throw",
  [ts.SyntaxKind.ClassDeclaration]: "class",
  [ts.SyntaxKind.LabeledStatement]: "labelled statements",
  [ts.SyntaxKind.BreakStatement]: "break",
  [ts.SyntaxKind.ContinueStatement]: "continue",
};

export function isAssignOp(k: ts.SyntaxKind) {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

/** The function expression a function returns directly (`(k) => (x) => …`, `{ return (x) => …; }`). */
export function returnedFunction(f: FnLike): FnLike | undefined {
  const isFn = (e: ts.Expression | undefined): e is ts.ArrowFunction | ts.FunctionExpression =>
    !!e && (ts.isArrowFunction(skipParens(e)) || ts.isFunctionExpression(skipParens(e)));
  const b = f.body;
  if (!b) return undefined;
  if (!ts.isBlock(b)) return isFn(b) ? (skipParens(b) as FnLike) : undefined;
  const last = b.statements.length === 1 ? b.statements[0] : undefined;
  return last && ts.isReturnStatement(last) && isFn(last.expression) ? (skipParens(last.expression) as FnLike) : undefined;
}

export function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

export function propKey(n: ts.PropertyName): string | null {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  return null;
}

/** Declared inside another function (a closure), rather than at module level. */
export function isNested(d: ts.Node): boolean {
  for (let p = d.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return true;
  return false;
}

export function fnName(d: ts.Node): string {
  if ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d) || ts.isFunctionExpression(d)) && d.name) return d.name.getText();
  if (ts.isVariableDeclaration(d.parent) && ts.isIdentifier(d.parent.name)) return d.parent.name.text;
  return "<anonymous>";
}

/** A readable temporary name from the source: the variable it initialises, else the callee. */
export function nameHint(node: ts.Node): string {
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && p.initializer === node) return p.name.text;
  if (ts.isCallExpression(node)) {
    const e = skipParens(node.expression);
    if (ts.isPropertyAccessExpression(e)) return e.name.text;
    if (ts.isIdentifier(e)) return e.text;
  }
  return "t";
}
