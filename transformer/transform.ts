// The pipeline for one source file: find grad/valueAndGrad call sites by symbol → lower the
// target function to IR → reverse mode → simplify → emit TypeScript in place of the call.
// Failures become ts.Diagnostics at the offending node; the call is then left as it was.

import ts from "./typescript.cjs";
import * as path from "node:path";
import type { Ext, Fn, Tree, Ty, Value, Var, SrcRef } from "./ir.js";
import { freshVar, leaf } from "./ir.js";
import { classify, importsTsjax, isTsjaxFile, resolveAlias } from "./find.js";
import { LowerError, Lowerer, skipParens, type LowerHost, type OuterScope } from "./lower.js";
import { NoRuleError, TransformError, type VjpOptions } from "./ad/reverse.js";
import { checked, forward, jacobian, reverse } from "./pipeline.js";
import { BatchError, vmapFn, type AxisSpec } from "./batch/vmap.js";
import { methodTarget } from "./frontend/methods.js";
import { resolveShapes } from "./jit/shapes.js";
import { fuse } from "./jit/fuse.js";
import { calledFunction, genericSites, genericTarget } from "./generic.js";
import { emitFn } from "./emit.js";
import { JNP } from "./rules/lowering.js";
import { printFn } from "./print.js";
import { beginBuild } from "./counters.js";
import { gpuHelpers } from "../runtime/webgpu/helpers.js";

export const RT = "__tsjax_rt";

export interface TransformHooks {
  /** Receives every diagnostic (tsc: ts-patch's addDiagnostic; rollup: this.error). */
  report(d: ts.Diagnostic): void;
  /** Files whose source was read to transform this one (for watch mode). */
  dependsOn?(file: string): void;
  /** Called with the emitted code of each transformed call (tsjax inspect). */
  inspect?(site: ts.CallExpression, fn: Fn, code: ts.ArrowFunction): void;
  /** Called once when the file was rewritten (a call compiled, or a generic trainer's site). */
  rewritten?(): void;
  /** A jit call left as it was (it runs eagerly), and why (tsjax inspect shows it). */
  eager?(site: ts.CallExpression, reason: string): void;
}

export function diagnostic(node: ts.Node, message: string): ts.Diagnostic {
  const sf = node.getSourceFile();
  return diagnosticIn(sf, node.getStart(sf), node.getEnd(), message);
}

function diagnosticIn(sf: ts.SourceFile, start: number, end: number, message: string): ts.Diagnostic {
  return {
    category: ts.DiagnosticCategory.Error,
    code: 99001,
    file: sf,
    start,
    length: Math.max(1, end - start),
    messageText: `tsjax: ${message}`,
    source: "tsjax",
  };
}

export function createTransformer(program: ts.Program, hooks: TransformHooks): ts.TransformerFactory<ts.SourceFile> {
  const checker = program.getTypeChecker();
  return (ctx) => (sf) => {
    if (sf.isDeclarationFile || !importsTsjax(sf, checker)) return sf;
    const file = new FileTransform(sf, program, hooks);
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isCallExpression(node)) {
        const k = classify(checker, checker.getSymbolAtLocation(skipParens(node.expression)));
        if (k?.kind === "transform") {
          const out = file.transformSite(node, (e) => ts.visitNode(e, visit) as ts.Expression);
          if (out) return out;
        } else {
          // a call of a generic trainer: the derivatives it takes of its function arguments, compiled here
          const out = file.instantiate(node, (e) => ts.visitNode(e, visit) as ts.Expression);
          if (out) return out;
        }
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    const out = ts.visitNode(sf, visit) as ts.SourceFile;
    return file.finish(out);
  };
}

/** The transform a call site calls. */
function apiOf(checker: ts.TypeChecker, call: ts.CallExpression): string {
  const k = classify(checker, checker.getSymbolAtLocation(skipParens(call.expression)));
  return k?.kind === "transform" ? k.name : "";
}

/**
 * What replaces a transform call: the compiled function itself (grad, valueAndGrad), or that
 * function applied at the call site (jvp), or handed to the run-time half that calls it per
 * basis vector (vjp, jacfwd, jacrev, hessian: runtime/jacobian.ts).
 */
function siteExpression(
  api: string,
  call: ts.CallExpression,
  code: ts.Expression,
  visit: (e: ts.Expression) => ts.Expression,
  argnums: (c: ts.CallExpression) => number | readonly number[],
): ts.Expression {
  const f = ts.factory;
  const rt = (name: string, args: ts.Expression[]) => f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RT), name), undefined, args);
  const nums = () => {
    const a = argnums(call);
    return typeof a === "number" ? f.createNumericLiteral(a) : f.createArrayLiteralExpression(a.map((i) => f.createNumericLiteral(i)));
  };
  // (only the arguments that stay in the output are visited: a grad's own argument is compiled away)
  const args = () => call.arguments.map((a) => visit(a));
  switch (api) {
    case "jvp": // the primals, then the tangents
      return f.createCallExpression(code, undefined, args().slice(1, 3).map((a) => f.createSpreadElement(a)));
    case "vjp": {
      const [fn, ...primals] = args(); // f runs at run time for the output value
      return rt("vjpOf", [fn, code, f.createArrayLiteralExpression(primals)]);
    }
    case "linearize": {
      const [fn, ...primals] = args();
      return rt("linearizeOf", [fn, code, f.createArrayLiteralExpression(primals)]);
    }
    case "jacrev":
      return rt("jacrevOf", [visit(call.arguments[0]), code, nums()]);
    case "jacrevBatched":
      return rt("jacrevBatchedOf", [visit(call.arguments[0]), code, nums()]);
    case "jacfwd":
    case "hessian":
      return rt("jacfwdOf", [code, nums()]);
    case "jacfwdBatched":
    case "hessianBatched":
      return rt("jacfwdBatchedOf", [code, nums()]);
    default:
      return code;
  }
}

/** A transform's options that cannot be read at build time: reported even where jit would run eagerly. */
class OptionError extends LowerError {}

type JitDevice = "cpu" | "webgpu";

/** The runtime helpers generated code calls (`__tsjax_rt.name`), sorted; the module is never used otherwise. */
function helpersCalled(code: ts.Node): string[] {
  const names = new Set<string>();
  const walk = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === RT) {
      names.add(n.name.text);
      return;
    }
    if (ts.isIdentifier(n) && n.text === RT) throw new Error("internal: generated code uses the runtime module other than by its members");
    ts.forEachChild(n, walk);
  };
  walk(code);
  return [...names].sort();
}

/** Per-file state: runtime import, imports of captured names from other files. */
class FileTransform {
  private used = false;
  private imports = new Map<string, { spec: string; names: Map<string, string> }>();

  readonly checker: ts.TypeChecker;
  /** Whether the call site being transformed involves jit (then its kernels are fused). */
  private jitted = false;
  /** Whether a jit in the composition allows approximate transcendentals (`{ fastMath: true }`). */
  private fastMath = false;
  /** The device a jit in the composition names (`{ device: "webgpu" }`), and where. */
  private device: { name: JitDevice; at: ts.Node } | undefined;
  constructor(
    readonly sf: ts.SourceFile,
    readonly program: ts.Program,
    readonly hooks: TransformHooks,
  ) {
    this.checker = program.getTypeChecker();
  }

  /** A diagnostic where an IR statement came from (or at the call when it has no source). */
  private diagnosticAt(src: SrcRef | undefined, call: ts.Node, message: string): ts.Diagnostic {
    const sf = src && this.program.getSourceFile(src.file);
    return sf && src ? diagnosticIn(sf, src.pos, src.end, message) : diagnostic(call, message);
  }

  /** The expression replacing a transform call; `visit` transforms the arguments that stay. */
  transformSite(call: ts.CallExpression, visit: (e: ts.Expression) => ts.Expression): ts.Expression | null {
    // jit(f) of a function tsjax cannot compile stays what it was: f, run eagerly (as before jit
    // compiled anything); nothing is wrong with it, it is only not faster
    return this.compileSite(call, visit, apiOf(this.checker, call) === "jit");
  }

  /**
   * `fit(myLoss, p)` where fit takes derivatives of its parameter (generic.ts): each such argument
   * wrapped as `__rt.attach(arg, key, compiled)`, the derivative compiled at this call.
   */
  instantiate(call: ts.CallExpression, visit: (e: ts.Expression) => ts.Expression): ts.Expression | null {
    const fn = calledFunction(this.checker, call);
    const sites = fn ? genericSites(this.checker, fn) : [];
    if (!sites.length) return null;
    const args = call.arguments.map((a) => visit(a));
    let changed = false;
    for (const site of sites) {
      const arg = call.arguments[site.index];
      // (an argument that is itself a parameter passes the caller's function on: its caller compiles)
      const argDecl = arg && ts.isIdentifier(skipParens(arg)) ? this.checker.getSymbolAtLocation(skipParens(arg))?.valueDeclaration : undefined;
      if (!arg || ts.isSpreadElement(arg) || (argDecl && ts.isParameter(argDecl))) continue;
      const code = this.compileSite(site.call, visit, false, { target: arg, site: call });
      if (!code) continue;
      const f = ts.factory;
      args[site.index] = f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RT), "attach"), undefined, [args[site.index], f.createStringLiteral(site.key), code]);
      changed = true;
    }
    if (!changed) return null;
    this.used = true;
    return ts.factory.updateCallExpression(call, ts.visitNode(call.expression, visit) as ts.Expression, call.typeArguments, args);
  }

  private compileSite(
    call: ts.CallExpression,
    visit: (e: ts.Expression) => ts.Expression,
    quiet: boolean,
    instance?: { target: ts.Expression; site: ts.CallExpression },
  ): ts.Expression | null {
    // inside a generic trainer: the derivative its caller compiled and attached (generic.ts)
    const generic = instance ? undefined : genericTarget(this.checker, call);
    if (generic) {
      const [site] = genericSites(this.checker, generic.fn).filter((g) => g.call === call);
      const f = ts.factory;
      this.used = true;
      return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RT), "specialized"), undefined, [visit(call.arguments[0]), f.createStringLiteral(site.key), f.createStringLiteral(site.what)]);
    }
    beginBuild();
    this.jitted = false;
    this.fastMath = false;
    this.device = undefined;
    try {
      let fn = this.transformCall(call, instance?.site ?? call, undefined, true, instance?.target);
      // jit anywhere in the composition: elementwise chains become fused kernels
      if (this.jitted) fn = checked(fuse(checked(resolveShapes(fn), "jit shapes"), { fastMath: this.fastMath }), "fuse");
      if (process.env.TSJAX_DEBUG_IR) console.error(printFn(fn));
      // a `Math` of the user's own in scope at the call site must not capture the generated Math.cos
      const at = instance?.site ?? call; // where the code goes
      const math = this.checker.resolveName("Math", at, ts.SymbolFlags.Value, false);
      const mathShadowed = !!math?.declarations?.some((d) => !d.getSourceFile().isDeclarationFile);
      const arrow = emitFn(fn, { rt: RT, ext: (e) => this.extExpr(e), file: this.sf, sourceText: (f) => this.program.getSourceFile(f)?.text, mathShadowed });
      ts.setSourceMapRange(arrow, { pos: at.getStart(this.sf), end: at.end });
      // a jit'd function: the CPU's or the GPU's helpers (jit/site.ts; on the CPU in an arena frame)
      const f = ts.factory;
      const code = this.jitted ? this.jitSite(arrow) : f.createParenthesizedExpression(arrow);
      this.used = true;
      this.hooks.inspect?.(at, fn, arrow);
      const api = apiOf(this.checker, call);
      return siteExpression(this.batchedJac.has(call) ? `${api}Batched` : api, call, code, visit, (c) => this.argnums(c));
    } catch (e) {
      // (a jit that cannot compile runs eagerly, but options it cannot read are the user's to fix,
      // and a jit on the GPU does not run eagerly: there its run-time helpers would read GPU Arrays)
      if (quiet && !(e instanceof OptionError) && !this.onGpu(call) && (e instanceof LowerError || e instanceof NoRuleError || e instanceof TransformError)) {
        this.hooks.eager?.(call, e instanceof NoRuleError ? `'${e.prim}' is not differentiable` : e.message);
        return null;
      }
      if (e instanceof LowerError) this.hooks.report(diagnostic(e.node, e.message));
      else if (e instanceof BatchError && e.stmt?.src) this.hooks.report(this.diagnosticAt(e.stmt.src, call, e.message));
      else if (e instanceof NoRuleError)
        this.hooks.report(this.diagnosticAt(e.stmt.src, call, `'${e.prim}' is not differentiable (${e.reason ?? "no derivative rule"})`));
      else if (e instanceof TransformError) this.hooks.report(diagnostic(call, e.message));
      else if (process.env.TSJAX_DEBUG_IR) throw e;
      else this.hooks.report(diagnostic(call, `internal error while transforming this call (please report it): ${(e as Error)?.stack ?? e}`));
      return null;
    }
  }

  /**
   * A jit'd function: `rt.jitSite((rt) => code, { name: rt.name, … }, device?)`. The code names
   * the runtime module as it does elsewhere, here a parameter the site binds to the CPU's or the
   * GPU's helpers (runtime/jit/site.ts); the object holds the CPU's helpers it calls, each read
   * from the module by name (so bundlers keep only those). On an explicit GPU, helpers the GPU
   * lacks are a build error.
   */
  private jitSite(arrow: ts.Expression): ts.Expression {
    const f = ts.factory;
    const uses = helpersCalled(arrow);
    if (this.device?.name === "webgpu") {
      const missing = uses.filter((n) => !gpuHelpers().has(n));
      if (missing.length)
        throw new OptionError(this.device.at, `jit on "webgpu": this function needs ${missing.map((n) => `'${n}'`).join(", ")}, which ${missing.length > 1 ? "are" : "is"} not on the GPU yet (run it with device "cpu")`);
    }
    const make = f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, RT)], undefined, f.createToken(ts.SyntaxKind.EqualsGreaterThanToken), arrow);
    const cpu = f.createObjectLiteralExpression(uses.map((n) => f.createPropertyAssignment(n, f.createPropertyAccessExpression(f.createIdentifier(RT), n))));
    const args: ts.Expression[] = [make, cpu];
    if (this.device) args.push(f.createStringLiteral(this.device.name));
    return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RT), "jitSite"), undefined, args);
  }

  /**
   * vjp and linearize return a pair with a function in it, not a function: inside differentiated
   * code they are taken apart (`const [y, pullback] = vjp(f, x)`, frontend/calls.ts).
   */
  private notPair(call: ts.CallExpression): ts.CallExpression {
    const name = apiOf(this.checker, call);
    if (name === "vjp" || name === "linearize")
      throw new LowerError(call, `${name}(...) returns a pair [value, function], not a function to differentiate: differentiate a function that calls it instead`);
    return call;
  }

  /** The argnums option of a jacfwd/jacrev/hessian call (default 0). */
  private argnums(call: ts.CallExpression): number | readonly number[] {
    return this.options(call, apiOf(this.checker, call)).argnums;
  }

  /** IR of grad(f)/valueAndGrad(f)/jit(f) — the transformed function, simplified. */
  transformCall(call: ts.CallExpression, site: ts.Node, outer?: OuterScope, top = false, targetOverride?: ts.Expression): Fn {
    const k = classify(this.checker, this.checker.getSymbolAtLocation(skipParens(call.expression)));
    if (k?.kind !== "transform") throw new LowerError(call, "expected a grad, valueAndGrad or jit call");
    // these are assembled at run time (one pass per basis vector): nothing to inline or differentiate
    const target = targetOverride ?? call.arguments[0];
    if (!target) throw new LowerError(call, `${k.name}() needs a function to transform`);
    const fn = checked(this.targetFn(target, site, outer), "lowering");
    if (k.name === "jit") {
      this.jitted = true;
      const o = this.jitOptions(call);
      if (o.fastMath) this.fastMath = true;
      if (o.device) {
        if (this.device && this.device.name !== o.device) throw new OptionError(o.at!, `jit: device "${o.device}" inside a jit on device "${this.device.name}"`);
        this.device = { name: o.device, at: o.at! };
      }
      return fn;
    }
    if (k.name === "vmap") return checked(vmapFn(fn, axisSpec(call.arguments[1], 0, "in_axes"), axisSpec(call.arguments[2], 0, "out_axes")), "vmap");
    if (!top && (k.name === "jacfwd" || k.name === "jacrev" || k.name === "hessian")) {
      // nested in another transform: the passes are IR too (ad/jacobian.ts)
      const opt = this.checkJacOptions(call, fn, k.name);
      if (k.name === "hessian") return jacobian(reverse(fn, { ...opt, withValue: false }), "fwd", opt.argnums, k.name);
      return jacobian(fn, k.name === "jacfwd" ? "fwd" : "rev", opt.argnums, k.name);
    }
    if (k.name === "vjp" || k.name === "jacrev") {
      // the cotangent pass of every parameter (jacrev's run time picks its argnums)
      if (k.name === "vjp" && call.arguments.length - 1 !== fn.params.length - (fn.captured?.length ?? 0))
        throw new LowerError(call, `vjp: '${fn.name}' takes ${fn.params.length - (fn.captured?.length ?? 0)} argument(s), but ${call.arguments.length - 1} primal(s) are given`);
      if (k.name === "jacrev") this.checkJacOptions(call, fn, k.name);
      const all = fn.params.slice(0, fn.params.length - (fn.captured?.length ?? 0)).map((_, i) => i);
      const V = reverse(fn, { argnums: all, hasAux: false, withValue: false, api: k.name, cotangent: true });
      // jacrev at the top: every output basis vector in one pass, V vmapped over the cotangent
      return k.name === "jacrev" && top ? this.batchedJacobian(call, V, V.params.map((_, i) => (i === all.length ? 0 : null)), 0) : V;
    }
    if (k.name === "jacfwd") {
      const opt = this.checkJacOptions(call, fn, k.name);
      return top ? this.batchedJacobian(call, forward(fn), this.tangentAxes(fn, opt.argnums), [null, 0]) : forward(fn);
    }
    if (k.name === "linearize") {
      const own = fn.params.length - (fn.captured?.length ?? 0);
      if (call.arguments.length - 1 !== own) throw new LowerError(call, `linearize: '${fn.name}' takes ${own} argument(s), but ${call.arguments.length - 1} primal(s) are given`);
      return forward(fn);
    }
    if (k.name === "hessian") {
      // jacfwd of the gradient: forward over reverse
      const opt = this.checkJacOptions(call, fn, k.name);
      const J = forward(reverse(fn, { ...opt, withValue: false }));
      return top ? this.batchedJacobian(call, J, this.tangentAxes(fn, opt.argnums), [null, 0]) : J;
    }
    if (k.name === "jvp") {
      if (call.arguments.length !== 3) throw new LowerError(call, "jvp(f, primals, tangents) takes three arguments: the function, a tuple of primals and a tuple of tangents");
      for (const a of call.arguments.slice(1)) {
        const e = skipParens(a);
        const own = fn.params.length - (fn.captured?.length ?? 0);
        if (ts.isArrayLiteralExpression(e) && e.elements.length !== own)
          throw new LowerError(a, `jvp: '${fn.name}' takes ${own} argument(s), but this tuple has ${e.elements.length}`);
      }
      return forward(fn);
    }
    return reverse(fn, this.options(call, k.name));
  }

  /** Call sites whose Jacobian is compiled as one batched pass (jacfwdBatchedOf / jacrevBatchedOf). */
  private readonly batchedJac = new Set<ts.CallExpression>();

  /**
   * The derivative code vmapped over its basis argument, so the run time calls it once with every
   * basis vector stacked instead of once per vector; where vmap cannot batch it (a tape in a loop
   * whose length differs per basis vector, a leaf that is not a number or an Array), the
   * per-vector code as before.
   */
  private batchedJacobian(call: ts.CallExpression, fn: Fn, inAxes: AxisSpec, outAxes: AxisSpec): Fn {
    try {
      const b = checked(vmapFn(fn, inAxes, outAxes, true), "vmap of the basis");
      this.batchedJac.add(call);
      return b;
    } catch (e) {
      if (e instanceof BatchError || e instanceof NoRuleError) return fn;
      throw e;
    }
  }

  /** in_axes of a tangent pass J(...primals, ...tangents): the differentiated arguments' tangents mapped. */
  private tangentAxes(fn: Fn, argnums: number | readonly number[]): AxisSpec {
    const own = fn.params.length - (fn.captured?.length ?? 0);
    const nums = typeof argnums === "number" ? [argnums] : argnums;
    return [...Array.from({ length: own }, () => null), ...Array.from({ length: own }, (_, i) => (nums.includes(i) ? 0 : null))];
  }

  /** jacfwd/jacrev/hessian take { argnums } (in range); not hasAux. */
  private checkJacOptions(call: ts.CallExpression, fn: Fn, api: string): VjpOptions {
    const opt = this.options(call, api);
    if (opt.hasAux) throw new LowerError(call.arguments[1] ?? call, `${api}: hasAux is not supported`);
    const own = fn.params.length - (fn.captured?.length ?? 0);
    for (const i of typeof opt.argnums === "number" ? [opt.argnums] : opt.argnums)
      if (!Number.isInteger(i) || i < 0 || i >= own) throw new LowerError(call.arguments[1] ?? call, `${api}: argnums ${i} is out of range for '${fn.name}' with ${own} parameter(s)`);
    return opt;
  }

  /** Whether `call` is a jit with `{ device: "webgpu" }`. */
  private onGpu(call: ts.CallExpression): boolean {
    try {
      return classify(this.checker, this.checker.getSymbolAtLocation(skipParens(call.expression)))?.name === "jit" && this.jitOptions(call).device === "webgpu";
    } catch {
      return false;
    }
  }

  /** jit's options: `{ fastMath: true | false, device: "cpu" | "webgpu" }`, written literally. */
  private jitOptions(call: ts.CallExpression): { fastMath: boolean; device?: JitDevice; at?: ts.Node } {
    const arg = call.arguments[1];
    if (!arg) return { fastMath: false };
    const e = skipParens(arg);
    if (!ts.isObjectLiteralExpression(e)) throw new OptionError(arg, "the options of jit must be an object literal ({ fastMath, device }) so they are known at build time");
    let fastMath = false;
    let device: JitDevice | undefined;
    let at: ts.Node | undefined;
    for (const p of e.properties) {
      const name = ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) ? p.name.text : "";
      if (name !== "fastMath" && name !== "device") throw new OptionError(p, "unknown option for jit (expected fastMath or device)");
      const v = skipParens((p as ts.PropertyAssignment).initializer);
      if (name === "device") {
        if (!ts.isStringLiteralLike(v) || (v.text !== "cpu" && v.text !== "webgpu")) throw new OptionError(v, 'device must be "cpu" or "webgpu" literally');
        device = v.text;
        at = v;
        continue;
      }
      if (v.kind !== ts.SyntaxKind.TrueKeyword && v.kind !== ts.SyntaxKind.FalseKeyword) throw new OptionError(v, "fastMath must be true or false literally");
      fastMath = v.kind === ts.SyntaxKind.TrueKeyword;
    }
    return { fastMath, device, at };
  }

  private options(call: ts.CallExpression, api: string): VjpOptions {
    const o: VjpOptions = { argnums: 0, hasAux: false, withValue: api === "valueAndGrad", api };
    const arg = call.arguments[1];
    if (!arg) return o;
    const e = skipParens(arg);
    if (!ts.isObjectLiteralExpression(e)) throw new LowerError(arg, `the options of ${api} must be an object literal ({ argnums, hasAux }) so they are known at build time`);
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name)) throw new LowerError(p, `unsupported option in ${api}`);
      const v = skipParens(p.initializer);
      const int = (x: ts.Expression): number => {
        if (ts.isNumericLiteral(x) && Number.isInteger(Number(x.text))) return Number(x.text);
        throw new LowerError(x, `argnums must be integer literals (known at build time), got \`${x.getText()}\``);
      };
      if (p.name.text === "argnums") o.argnums = ts.isArrayLiteralExpression(v) ? v.elements.map(int) : int(v);
      else if (p.name.text === "hasAux") {
        if (v.kind !== ts.SyntaxKind.TrueKeyword && v.kind !== ts.SyntaxKind.FalseKeyword) throw new LowerError(v, "hasAux must be true or false literally");
        o.hasAux = v.kind === ts.SyntaxKind.TrueKeyword;
      } else throw new LowerError(p.name, `unknown option '${p.name.text}' for ${api} (expected argnums, hasAux)`);
    }
    return o;
  }

  /** The IR function a transform's argument denotes. */
  private targetFn(target: ts.Expression, site: ts.Node, outer?: OuterScope): Fn {
    const t = skipParens(target);
    const host = this.host(site);
    if (ts.isCallExpression(t)) return this.transformCall(this.notPair(t), site, outer);
    const lw = new Lowerer(host, outer);
    const sym = resolveAlias(this.checker, this.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(t) ? t.name : t));
    const k = classify(this.checker, sym);
    if (k?.kind === "numpy") return this.primitiveFn(k.name, sym!, t);
    // grad(model.loss): the method the object has, `this` bound to the object (a constant)
    if (ts.isPropertyAccessExpression(t)) {
      const m = methodTarget(lw, t);
      if (m) return lw.lowerTop(m.decl, nameOf(t), m.self);
    }
    const decl = ts.isArrowFunction(t) || ts.isFunctionExpression(t) ? t : lw.functionOf(t);
    if (decl === "jnp") throw new LowerError(t, "internal: unresolved jnp function");
    if (ts.isCallExpression(decl)) {
      const ck = classify(this.checker, this.checker.getSymbolAtLocation(skipParens(decl.expression)));
      if (ck?.kind === "other" && (ck.name === "customVjp" || ck.name === "customJvp" || ck.name === "checkpoint")) return lw.lowerCustomTop(decl, ck.name, nameOf(t));
      return this.transformCall(this.notPair(decl), site, outer);
    }
    // Lowered afresh for each call site: what a captured name refers to depends on the site.
    return lw.lowerTop(decl, nameOf(t));
  }

  /** grad(jnp.tanh): a one-primitive function of ArrayLike parameters. */
  private primitiveFn(name: string, sym: ts.Symbol, at: ts.Expression): Fn {
    const rule = JNP[name];
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    if (!rule || !decl || !ts.isFunctionLike(decl)) throw new LowerError(at, `jnp.${name} is not differentiable by tsjax`);
    const n = decl.parameters.filter((p) => !p.questionToken && !p.initializer && !p.dotDotDotToken).length;
    const lw = new Lowerer(this.host(at));
    const params = Array.from({ length: Math.max(n, 1) }, (_, i) => {
      const v = freshVar(n === 1 ? "x" : `x${i}`, "arr");
      return { name: v.name, tree: leaf(v) as Tree<Var>, arrayLike: true };
    });
    const result = rule(
      {
        prim: (p, a, ty) => lw.prim(p, a, at, ty),
        leaf: (i) => (params[i] ? (params[i].tree as { v: Var }).v : { tag: "const", value: undefined, ty: "other" }),
        tree: (i) => params[i]?.tree,
        nargs: params.length,
        fail: (msg) => {
          throw new LowerError(at, msg);
        },
      },
      "arr",
    );
    return { name, params, body: lw.b.body, result };
  }

  private host(site: ts.Node): LowerHost {
    return {
      checker: this.checker,
      site,
      transformCall: (call, outer) => this.transformCall(call, site, outer),
      targetOf: (call, outer) => this.targetFn(call.arguments[0], site, outer),
      overriders: (cls, name) => this.overriders(cls, name),
      captured: (sym, node, ty) => this.captured(sym, node, ty, site),
      dependsOn: (file) => this.hooks.dependsOn?.(file),
    };
  }

  private subclasses?: Map<ts.ClassLikeDeclaration, ts.ClassLikeDeclaration[]>;
  /**
   * Classes of the program that derive from `cls` (at any depth) and declare `name` themselves:
   * a call of cls's `name` on a value typed cls may run one of theirs.
   */
  private overriders(cls: ts.ClassLikeDeclaration, name: string): string[] {
    if (!this.subclasses) {
      // direct subclasses of every class of the program's own sources, found once per file
      const m = new Map<ts.ClassLikeDeclaration, ts.ClassLikeDeclaration[]>();
      const visit = (n: ts.Node): void => {
        if (ts.isClassLike(n))
          for (const h of n.heritageClauses ?? [])
            if (h.token === ts.SyntaxKind.ExtendsKeyword)
              for (const t of h.types) {
                const sym = resolveAlias(this.checker, this.checker.getSymbolAtLocation(t.expression));
                const base = sym?.declarations?.find(ts.isClassLike);
                if (base) m.set(base, [...(m.get(base) ?? []), n]);
              }
        ts.forEachChild(n, visit);
      };
      for (const sf of this.program.getSourceFiles()) if (!sf.isDeclarationFile && !sf.fileName.includes("/node_modules/")) visit(sf);
      this.subclasses = m;
    }
    const out: string[] = [];
    const walk = (c: ts.ClassLikeDeclaration) => {
      for (const d of this.subclasses!.get(c) ?? []) {
        if (d.members.some((mb) => mb.name && ts.isIdentifier(mb.name) && mb.name.text === name)) out.push(d.name?.text ?? "(an anonymous class)");
        walk(d);
      }
    };
    walk(cls);
    return out;
  }

  /** A name captured by the differentiated code: visible at the call site, or imported. */
  private captured(sym0: ts.Symbol, node: ts.Node, ty: Ty, site: ts.Node): Ext {
    const c = this.checker;
    const name = sym0.getName();
    const visible = c.resolveName(name, site, ts.SymbolFlags.Value, false);
    if (visible && (visible === sym0 || resolveAlias(c, visible) === resolveAlias(c, sym0))) return { tag: "ext", name, ty };
    const sym = resolveAlias(c, sym0)!;
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    const file = decl?.getSourceFile();
    if (!decl || !file || file === this.sf || isTsjaxFile(file.fileName) || file.isDeclarationFile) {
      const where = decl && file === this.sf ? "is not visible where the transform is called (it is local to another function)" : "cannot be reached from the call site";
      throw new LowerError(node, `'${name}' is captured by the differentiated function but ${where}`);
    }
    const modSym = c.getSymbolAtLocation(file);
    const exp = modSym ? c.getExportsOfModule(modSym).find((e) => resolveAlias(c, e) === sym) : undefined;
    if (!exp)
      throw new LowerError(node, `'${name}' (declared in ${path.basename(file.fileName)}) is captured by a function differentiated in ${path.basename(this.sf.fileName)}, but it is not exported; export it so the derivative can read it`);
    return { tag: "ext", name: this.importName(file.fileName, exp.getName()), ty, from: { file: file.fileName, exportName: exp.getName() } };
  }

  private importName(file: string, exportName: string): string {
    let rel = path.relative(path.dirname(this.sf.fileName), file).replace(/\\/g, "/");
    if (!rel.startsWith(".")) rel = "./" + rel;
    rel = rel.replace(/\.(m|c)?tsx?$/, (_, m) => (this.extStyle() === "none" ? "" : `.${m ?? ""}js`));
    let entry = this.imports.get(rel);
    if (!entry) this.imports.set(rel, (entry = { spec: rel, names: new Map() }));
    let alias = entry.names.get(exportName);
    if (!alias) entry.names.set(exportName, (alias = `__tsjax_${exportName}_${this.imports.size}`));
    return alias;
  }

  /** Relative imports in this file end in .js, or have no extension? Follow the file's style. */
  private extStyle(): "js" | "none" {
    for (const st of this.sf.statements)
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text.startsWith("."))
        return /\.[cm]?[jt]sx?$/.test(st.moduleSpecifier.text) ? "js" : "none";
    return "js";
  }

  extExpr(e: Ext): ts.Expression {
    let x: ts.Expression = e.name === "this" ? ts.factory.createThis() : ts.factory.createIdentifier(e.name);
    for (const k of e.path ?? [])
      x =
        typeof k === "string" && /^[A-Za-z_$][\w$]*$/.test(k)
          ? ts.factory.createPropertyAccessExpression(x, k)
          : ts.factory.createElementAccessExpression(x, typeof k === "number" ? ts.factory.createNumericLiteral(k) : ts.factory.createStringLiteral(k));
    return x;
  }

  /**
   * The module specifier of tsjax's internal runtime (what generated code calls), from how the
   * file imports tsjax: "tsjax" → "tsjax/internal"; a path to the runtime's index → its rt.
   */
  private runtimeSpec(): string {
    for (const st of this.sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const spec = st.moduleSpecifier.text;
      if (spec === "tsjax") return "tsjax/internal";
      const d = this.checker.getSymbolAtLocation(st.moduleSpecifier)?.declarations?.[0];
      if (d && ts.isSourceFile(d) && /[\\/]runtime[\\/]index\.(d\.)?[cm]?[tj]s$/.test(d.fileName) && isTsjaxFile(d.fileName)) return spec.replace(/index((\.[cm]?[jt]s)?)$/, "rt$1");
    }
    return "tsjax/internal";
  }

  finish(sf: ts.SourceFile): ts.SourceFile {
    if (!this.used) return sf;
    this.hooks.rewritten?.();
    const f = ts.factory;
    const imp = (spec: string, names: [string, string][]) =>
      f.createImportDeclaration(
        undefined,
        f.createImportClause(undefined, undefined, f.createNamedImports(names.map(([n, a]) => f.createImportSpecifier(false, f.createIdentifier(n), f.createIdentifier(a))))),
        f.createStringLiteral(spec),
      );
    const extra: ts.Statement[] = [f.createImportDeclaration(undefined, f.createImportClause(false, undefined, f.createNamespaceImport(f.createIdentifier(RT))), f.createStringLiteral(this.runtimeSpec()))];
    for (const { spec, names } of this.imports.values()) extra.push(imp(spec, [...names.entries()]));
    return f.updateSourceFile(sf, [...extra, ...this.withoutDeadImports(sf.statements)]);
  }

  /**
   * The file's statements with the imports of transforms that no call uses any more dropped
   * (every `grad(…)` was compiled away: bundlers would warn of an unused import).
   */
  private withoutDeadImports(stmts: readonly ts.Statement[]): ts.Statement[] {
    const used = new Set<string>();
    const walk = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) used.add(n.text);
      ts.forEachChild(n, walk);
    };
    for (const st of stmts) if (!ts.isImportDeclaration(st)) walk(st);
    const f = ts.factory;
    const out: ts.Statement[] = [];
    for (const st of stmts) {
      const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings : undefined;
      if (!ts.isImportDeclaration(st) || !clause || !named || clause.isTypeOnly) {
        out.push(st);
        continue;
      }
      const keep = named.elements.filter((el) => {
        if (el.isTypeOnly || used.has(el.name.text)) return true;
        return classify(this.checker, this.checker.getSymbolAtLocation(el.name))?.kind !== "transform";
      });
      if (keep.length === named.elements.length) out.push(st);
      else if (keep.length || clause.name)
        out.push(f.updateImportDeclaration(st, st.modifiers, f.updateImportClause(clause, false, clause.name, keep.length ? f.updateNamedImports(named, keep) : undefined), st.moduleSpecifier, st.attributes));
    }
    return out;
  }
}

/** vmap's in_axes / out_axes, written literally (known at build time): numbers, null, lists, objects. */
function axisSpec(e: ts.Expression | undefined, dflt: AxisSpec, what: string): AxisSpec {
  if (!e) return dflt;
  const x = skipParens(e);
  if (ts.isNumericLiteral(x) && Number.isInteger(Number(x.text))) return Number(x.text);
  if (ts.isPrefixUnaryExpression(x) && x.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(x.operand)) return -Number(x.operand.text);
  if (x.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(x) && x.text === "undefined")) return x.kind === ts.SyntaxKind.NullKeyword ? null : dflt;
  if (ts.isArrayLiteralExpression(x)) return x.elements.map((el) => axisSpec(el, null, what));
  if (ts.isObjectLiteralExpression(x))
    return Object.fromEntries(
      x.properties.map((p) => {
        if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) throw new LowerError(p, `vmap: ${what} entries must be written \`key: axis\``);
        return [p.name.text, axisSpec(p.initializer, null, what)];
      }),
    );
  throw new LowerError(x, `vmap: ${what} must be written literally (a number, null, or a list/object of them) so it is known at build time, got \`${x.getText()}\``);
}

function nameOf(t: ts.Expression): string {
  if (ts.isIdentifier(t)) return t.text;
  if (ts.isPropertyAccessExpression(t)) return t.name.text;
  const p = t.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return "f";
}


