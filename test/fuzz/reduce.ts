// Automatic reduction of a failing program: greedy delta debugging over the AST (drop helpers and
// statements, unwrap branches, loops and switches, shrink loop bounds, replace a subexpression by
// one of its children or a constant), rebuilding only that program at each step and keeping a
// candidate when it still fails with the same signature (at the same input point).
import { type Expr, type Prog, type Stmt, hasSame, printProg } from "./ast.js";
import { evaluate } from "./oracle.js";
import { type Failure, build, defaultOrder2, judge } from "./harness.js";

type Path = (string | number)[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const at = (root: any, path: Path): any => path.reduce((o, k) => o[k], root);
const clone = (p: Prog): Prog => structuredClone(p);

const isJump = (s: Stmt | undefined) => !!s && (s.k === "brk" || s.k === "cont" || s.k === "ret");

function collect(p: Prog) {
  const lists: Path[] = [];
  const exprs: { path: Path; bool: boolean }[] = [];
  const expr = (path: Path, e: Expr, bool: boolean) => {
    exprs.push({ path, bool });
    switch (e.k) {
      case "bin":
      case "m2":
        expr([...path, "a"], e.a, false);
        expr([...path, "b"], e.b, false);
        break;
      case "cmp":
        expr([...path, "a"], e.a, false);
        expr([...path, "b"], e.b, false);
        break;
      case "neg":
      case "m1":
      case "pow":
        expr([...path, "a"], e.a, false);
        break;
      case "not":
        expr([...path, "a"], e.a, true);
        break;
      case "cond":
      case "nullish":
        expr([...path, "c"], e.c, true);
        expr([...path, "a"], e.a, false);
        expr([...path, "b"], e.b, false);
        break;
      case "log":
        expr([...path, "a"], e.a, bool);
        expr([...path, "b"], e.b, bool);
        break;
      case "call":
        e.args.forEach((a, i) => expr([...path, "args", i], a, false));
        break;
      case "idx":
        expr([...path, "i"], e.i, false);
        break;
    }
  };
  const stmts = (path: Path, ss: Stmt[]) => {
    lists.push(path);
    ss.forEach((s, j) => {
      const sp = [...path, j];
      switch (s.k) {
        case "let":
        case "set":
        case "op":
        case "ret":
        case "push":
          expr([...sp, "e"], s.e, false);
          break;
        case "aset":
          expr([...sp, "e"], s.e, false);
          break;
        case "arr":
          s.es.forEach((e, i) => expr([...sp, "es", i], e, false));
          break;
        case "if":
          expr([...sp, "c"], s.c, true);
          stmts([...sp, "t"], s.t);
          if (s.f) stmts([...sp, "f"], s.f);
          break;
        case "for":
        case "while":
        case "do":
          if (s.extra) expr([...sp, "extra"], s.extra, true);
          stmts([...sp, "body"], s.body);
          break;
        case "switch":
          expr([...sp, "d"], s.d, false);
          s.cases.forEach((c, i) => stmts([...sp, "cases", i, "body"], c.body));
          break;
      }
    });
  };
  // recursive helpers stay as generated (edits could remove the base case or the decreasing
  // argument and make the recursion endless, a different program than the one that failed)
  p.helpers.forEach((h, i) => {
    if (!h.rec) stmts(["helpers", i, "body"], h.body);
  });
  stmts(["main", "body"], p.main.body);
  return { lists, exprs };
}

const ONE: Expr = { k: "num", v: 1 };
const TRUE: Expr = { k: "cmp", op: "<", a: { k: "num", v: 0 }, b: { k: "num", v: 1 } };
const FALSE: Expr = { k: "cmp", op: ">", a: { k: "num", v: 0 }, b: { k: "num", v: 1 } };

function replacements(e: Expr, bool: boolean): Expr[] {
  const out: Expr[] = [];
  if (bool) {
    if (e.k === "log" || e.k === "not") out.push(...(e.k === "log" ? [e.a, e.b] : [e.a]));
    out.push(TRUE, FALSE);
    return out;
  }
  switch (e.k) {
    case "bin":
    case "m2":
    case "log":
      out.push(e.a, e.b);
      break;
    case "neg":
    case "m1":
    case "pow":
      out.push(e.a);
      break;
    case "cond":
    case "nullish":
      out.push(e.a, e.b);
      break;
    case "call":
      out.push(...e.args);
      break;
  }
  if (e.k !== "num" && e.k !== "var") out.push(ONE, { k: "var", n: "x" }, { k: "var", n: "y" });
  return out;
}

/** Candidate programs, roughly biggest cut first. */
function* candidates(p: Prog): Generator<Prog> {
  for (let i = p.helpers.length - 1; i >= 0; i--) {
    const q = clone(p);
    q.helpers.splice(i, 1);
    yield q;
  }
  const { lists, exprs } = collect(p);
  const edit = (f: (q: Prog) => void) => {
    const q = clone(p);
    f(q);
    return q;
  };
  for (const lp of lists) {
    const L = at(p, lp) as Stmt[];
    for (let j = 0; j < L.length; j++) {
      const s = L[j];
      yield edit((q) => at(q, lp).splice(j, 1));
      if (s.k === "if") {
        yield edit((q) => at(q, lp).splice(j, 1, ...structuredClone(s.t)));
        if (s.f) {
          yield edit((q) => at(q, lp).splice(j, 1, ...structuredClone(s.f!)));
          yield edit((q) => delete at(q, [...lp, j]).f);
        }
      }
      if (s.k === "for" || s.k === "while" || s.k === "do") {
        yield edit((q) => at(q, lp).splice(j, 1, ...structuredClone(s.body)));
        if (s.n > 1) yield edit((q) => (at(q, [...lp, j]).n = 1));
        if (s.n > 2) yield edit((q) => (at(q, [...lp, j]).n = s.n - 1));
        if (s.extra) yield edit((q) => delete at(q, [...lp, j]).extra);
        if (s.label) yield edit((q) => delete at(q, [...lp, j]).label);
        if (s.k !== "for") yield edit((q) => (at(q, [...lp, j]).k = "for"));
      }
      if (s.k === "switch") {
        for (let c = 0; c < s.cases.length; c++) {
          const body = s.cases[c].body;
          const plain = isJump(body[body.length - 1]) && body[body.length - 1].k === "brk" ? body.slice(0, -1) : body;
          yield edit((q) => at(q, lp).splice(j, 1, ...structuredClone(plain)));
        }
        for (let c = 0; c < s.cases.length; c++) yield edit((q) => at(q, [...lp, j]).cases.splice(c, 1));
        for (let c = 0; c < s.cases.length; c++) if (s.cases[c].t !== null) yield edit((q) => (at(q, [...lp, j]).cases[c].t = null));
      }
    }
  }
  for (const { path, bool } of exprs) {
    const e = at(p, path) as Expr;
    for (const r of replacements(e, bool))
      yield edit((q) => {
        const parent = at(q, path.slice(0, -1));
        parent[path[path.length - 1]] = structuredClone(r);
      });
  }
}

function nonFinite(p: Prog, at?: { x: number; y: number }) {
  if (!at) return false;
  try {
    return evaluate(p, at.x, at.y).nonFinite;
  } catch {
    return false;
  }
}

export interface Reduced {
  prog: Prog;
  failure: Failure;
  tried: number;
  accepted: number;
  ms: number;
}

/** Shrinks `p` while it keeps failing like `f` (same signature; the same point for run-time failures). */
export async function reduce(p: Prog, f: Failure, seed: number, opts: { maxTries?: number; maxMs?: number } = {}): Promise<Reduced> {
  const maxTries = opts.maxTries ?? 2000;
  const maxMs = opts.maxMs ?? 60_000;
  const t0 = Date.now();
  const point = f.x !== undefined ? { x: f.x, y: f.y! } : undefined;
  let cur = p;
  let curF = f;
  let tried = 0;
  let accepted = 0;
  // keep the reduction from sliding into another known class: no new same-on-both-sides
  // constructs, no new NaN/infinite intermediate values, where the original had none
  const origSame = hasSame(p);
  const origNonFinite = nonFinite(p, point);
  const seen = new Set<string>([printProg(p)]);
  const test = async (q: Prog): Promise<Failure | undefined> => {
    const src = printProg(q);
    if (seen.has(src)) return undefined;
    seen.add(src);
    if (!origSame && hasSame(q)) return undefined;
    if (!origNonFinite && nonFinite(q, point)) return undefined;
    const b = await build([q], { order2: defaultOrder2 });
    let r: Failure | "skipped" | undefined;
    try {
      r = judge(q, b, 0, seed, defaultOrder2, point);
    } catch {
      return undefined;
    }
    return r && r !== "skipped" && r.sig === f.sig ? r : undefined;
  };
  // passes over the candidates; after an accepted one, go on from the same position in the new
  // program's list (the earlier ones were just rejected), and start another pass while any helps
  let progress = true;
  const out = () => tried >= maxTries || Date.now() - t0 >= maxMs;
  while (progress && !out()) {
    progress = false;
    let pos = 0;
    for (;;) {
      let k = 0;
      let hit = false;
      for (const q of candidates(cur)) {
        if (k++ < pos) continue;
        if (out()) break;
        tried++;
        const r = await test(q);
        if (r) {
          cur = q;
          curF = r;
          accepted++;
          progress = hit = true;
          pos = k - 1;
          break;
        }
      }
      if (!hit || out()) break;
    }
  }
  return { prog: cur, failure: curF, tried, accepted, ms: Date.now() - t0 };
}
