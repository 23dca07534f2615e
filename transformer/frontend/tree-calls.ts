// tsjax's `tree.map(f, tree, ...rest)` inside compiled code: the trees' structures are known at
// build time, so the call is f inlined once per leaf and the result rebuilt in the first tree's
// structure (a jit'd training step's `tree.map((p, g) => p - lr * g, params, grads)`). The other
// trees must have the same structure (as the run-time tree.map requires); a mismatch is a build
// error naming the path.

import ts from "../typescript.cjs";
import type { Tree, Value } from "../ir.js";
import type { Lowerer } from "../lower.js";
import { skipParens } from "../lower.js";
import type { Env } from "./context.js";

/** A path in JAX's keystr spelling: `['W'][1]`. */
const step = (k: string | number) => (typeof k === "number" ? `[${k}]` : `['${k}']`);

function describe(t: Tree<Value>): string {
  switch (t.kind) {
    case "leaf":
      return "a leaf";
    case "obj":
      return `an object with keys ${t.keys.join(", ")}`;
    case "tup":
      return `an array of length ${t.kids.length}`;
    case "none":
      return "nothing (null or undefined)";
  }
}

export function treeMapCall(lw: Lowerer, node: ts.CallExpression, env: Env): Tree<Value> {
  if (node.arguments.some(ts.isSpreadElement)) lw.fail(node, "tree.map: spread arguments are not supported in compiled code");
  const [fArg, first, ...rest] = node.arguments;
  if (!fArg || !first) lw.fail(node, "tree.map(f, tree, ...rest) needs a function and a tree");
  const f = skipParens(fArg);
  const decl = ts.isArrowFunction(f) || ts.isFunctionExpression(f) ? f : lw.functionOf(f);
  if (decl === "jnp" || ts.isCallExpression(decl)) lw.fail(fArg, "tree.map in compiled code takes an arrow function or a named function");
  const t0 = lw.expr(first, env);
  const others = rest.map((a) => lw.expr(a, env));
  const mismatch = (j: number, path: string, want: Tree<Value>, got: Tree<Value>): never =>
    lw.fail(rest[j], `tree.map: structure mismatch at ${path || "the root"}: expected ${describe(want)}, got ${describe(got)}`);
  const walk = (t: Tree<Value>, os: Tree<Value>[], path: string): Tree<Value> => {
    os.forEach((o, j) => {
      if (o.kind !== t.kind) mismatch(j, path, t, o);
    });
    switch (t.kind) {
      case "leaf":
        // (the leaf values are f's arguments: no function-argument binding of tree.map's own arguments)
        return lw.inlineCall(decl, [t, ...os], node, env);
      case "obj":
        return {
          kind: "obj",
          keys: t.keys,
          kids: t.keys.map((k, i) =>
            walk(
              t.kids[i],
              os.map((o, j) => {
                const oo = o as typeof t;
                const at = oo.keys.indexOf(k);
                if (at < 0 || oo.keys.length !== t.keys.length) mismatch(j, path, t, o);
                return oo.kids[at];
              }),
              path + step(k),
            ),
          ),
        };
      case "tup":
        return {
          kind: "tup",
          kids: t.kids.map((kid, i) =>
            walk(
              kid,
              os.map((o, j) => {
                const oo = o as typeof t;
                if (oo.kids.length !== t.kids.length) mismatch(j, path, t, o);
                return oo.kids[i];
              }),
              path + step(i),
            ),
          ),
        };
      case "none":
        return t;
    }
  };
  return walk(t0, others, "");
}
