// A compact text form of the IR, for debugging and `tsjax inspect --ir`.

import type { Block, Fn, Stmt, Tree, Value } from "./ir.js";

const v = (x: Value): string =>
  x.tag === "var" ? `${x.name}#${x.id}` : x.tag === "const" ? JSON.stringify(x.value) ?? "undefined" : `@${x.name}${(x.path ?? []).map((k) => `[${JSON.stringify(k)}]`).join("")}`;

function tree(t: Tree<Value>): string {
  switch (t.kind) {
    case "leaf":
      return v(t.v);
    case "obj":
      return `{${t.keys.map((k, i) => `${k}: ${tree(t.kids[i])}`).join(", ")}}`;
    case "tup":
      return `[${t.kids.map(tree).join(", ")}]`;
    case "none":
      return String(t.v);
  }
}

function block(b: Block, ind: string): string {
  return `${b.body.map((s) => stmt(s, ind)).join("")}${ind}yield ${b.results.map(v).join(", ")}\n`;
}

function stmt(s: Stmt, ind: string): string {
  const i2 = ind + "  ";
  if (s.kind === undefined) return `${ind}${v(s.out)}:${s.out.ty} = ${s.prim}(${s.args.map(v).join(", ")})\n`;
  if (s.kind === "call") return `${ind}${s.outs.map(v).join(", ")} = call ${s.fn}(${s.args.map(v).join(", ")})\n`;
  if (s.kind === "if")
    return `${ind}${s.outs.map(v).join(", ")} = if ${v(s.cond)}\n${block(s.then, i2)}${ind}else\n${block(s.else, i2)}`;
  return `${ind}${s.outs.map(v).join(", ")} = while (${s.params.map(v).join(", ")}) = (${s.init.map(v).join(", ")})\n${ind} cond\n${block(s.cond, i2)}${ind} body\n${block(s.body, i2)}`;
}

export function printFn(fn: Fn): string {
  const ps = fn.params.map((p) => `${p.name}: ${tree(p.tree)}`).join(", ");
  const locals = (fn.locals ?? [])
    .map((lf) => `local ${lf.name}(${lf.params.map(v).join(", ")})\n${block({ body: lf.body, results: lf.results }, "  ")}`)
    .join("");
  return `${locals}fn ${fn.name}(${ps})\n${fn.body.map((s) => stmt(s, "  ")).join("")}  return ${tree(fn.result)}\n`;
}
