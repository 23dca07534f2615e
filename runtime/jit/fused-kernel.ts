// Code generation for fused elementwise kernels (transformer/jit/fuse.ts makes the programs).
// One WebAssembly function per program and operand pattern: kern(inputs…, out, n), a vector
// input as a byte address, a scalar one as an f32. Each op reproduces the eager float32 result
// bit for bit: + − × ÷ √, min, max, |x|, −x, floor, ceil, trunc are float32 instructions
// (correctly rounded, so equal to JavaScript's float64 result rounded to float32), with f32x4
// SIMD when the whole chain is made of them; fma is computed in float64 as JavaScript does; every
// other op calls the runtime's own scalar function (Math.tanh, …), imported, on the float64
// value, and rounds its result to float32 as the eager loop's store does.

import { Code, F32, F64, I32, V128, type FuncDef, type ValType } from "./wasm.js";

export interface Program {
  /** Number of inputs. */
  readonly in: number;
  /** [op, ...operands]: an operand is an input (0..in-1), an earlier op (in + j), or { c: number }. */
  readonly ops: readonly (readonly [string, ...(number | { c: number })[]])[];
}

/** Float32 instructions by op: [scalar opcode, f32x4 opcode (0xfd prefix)], arity. */
const NATIVE: Record<string, { s: number; v: number; n: number }> = {
  add: { s: 0x92, v: 0xe4, n: 2 },
  subtract: { s: 0x93, v: 0xe5, n: 2 },
  multiply: { s: 0x94, v: 0xe6, n: 2 },
  divide: { s: 0x95, v: 0xe7, n: 2 },
  minimum: { s: 0x96, v: 0xe8, n: 2 },
  maximum: { s: 0x97, v: 0xe9, n: 2 },
  negative: { s: 0x8c, v: 0xe1, n: 1 },
  abs: { s: 0x8b, v: 0xe0, n: 1 },
  sqrt: { s: 0x91, v: 0xe3, n: 1 },
  ceil: { s: 0x8d, v: 0x67, n: 1 },
  floor: { s: 0x8e, v: 0x68, n: 1 },
  trunc: { s: 0x8f, v: 0x69, n: 1 },
};
/** Ops written with native instructions (square: x·x, reciprocal: 1 ÷ x). */
const SIMD_OK = new Set([...Object.keys(NATIVE), "square", "reciprocal"]);

/** Whether the whole program runs on f32x4 lanes. */
export const allSimd = (p: Program) => p.ops.every((o) => SIMD_OK.has(o[0]));

/** The ops that call an imported scalar function (in import order). */
export const importedOps = (p: Program): string[] => [...new Set(p.ops.map((o) => o[0]).filter((op) => !SIMD_OK.has(op) && op !== "fma"))];

/**
 * kern(x_0 … x_{in-1}, out, n): `modes[k]` is "v" (input k is a byte address of n floats) or "s"
 * (an f32 value). Imported functions are 0..m-1 (importedOps order), so this function is m.
 */
export function fusedKernel(p: Program, modes: string): FuncDef {
  const params: ValType[] = [...[...modes].map((m): ValType => (m === "v" ? I32 : F32)), I32, I32];
  const f = new Code(params);
  const OUT = p.in, N = p.in + 1;
  const imports = importedOps(p);
  const i = f.local(I32);
  const simd = allSimd(p);

  // one element's chain, in f32 locals: `at` gives an operand's value on the stack
  const scalarChain = (load: (k: number) => void): number => {
    const vals: number[] = [];
    const push = (a: number | { c: number }) => {
      if (typeof a === "object") f.op(0x43, ...new Uint8Array(new Float32Array([a.c]).buffer));
      else if (a < p.in) load(a);
      else f.get(vals[a - p.in]);
    };
    for (const [op, ...args] of p.ops) {
      const r = f.local(F32);
      const nat = NATIVE[op];
      if (nat) {
        args.forEach(push);
        f.op(nat.s);
      } else if (op === "square") {
        push(args[0]);
        push(args[0]);
        f.op(0x94);
      } else if (op === "reciprocal") {
        f.op(0x43, ...new Uint8Array(new Float32Array([1]).buffer));
        push(args[0]);
        f.op(0x95);
      } else if (op === "fma") {
        // a·b + c in float64, rounded once (as JavaScript computes it)
        push(args[0]);
        f.op(0xbb);
        push(args[1]);
        f.op(0xbb, 0xa2);
        push(args[2]);
        f.op(0xbb, 0xa0, 0xb6);
      } else {
        for (const a of args) (push(a), f.op(0xbb));
        f.call(imports.indexOf(op)).op(0xb6);
      }
      f.set(r);
      vals.push(r);
    }
    return vals[vals.length - 1];
  };

  const scalarLoad = (k: number) => {
    if (modes[k] === "v") f.get(k).get(i).i32(4).i32Mul().i32Add().f32Load(0);
    else f.get(k);
  };

  f.i32(0).set(i);
  if (simd) {
    // f32x4 over the first n − n mod 4 elements; scalar inputs splatted once
    const splat = [...modes].map((m, k) => (m === "s" ? f.local(V128) : -1));
    splat.forEach((l, k) => l >= 0 && f.get(k).simd(0x13).set(l));
    const n4 = f.local(I32);
    f.get(N).i32(-4).op(0x71).set(n4); // i32.and
    f.block(() =>
      f.loop(() => {
        f.get(i).get(n4).i32GeS().brIf(1);
        const vals: number[] = [];
        const push = (a: number | { c: number }) => {
          if (typeof a === "object") f.f32x4Const(a.c);
          else if (a < p.in) {
            if (modes[a] === "v") f.get(a).get(i).i32(4).i32Mul().i32Add().v128Load(0);
            else f.get(splat[a]);
          } else f.get(vals[a - p.in]);
        };
        for (const [op, ...args] of p.ops) {
          const r = f.local(V128);
          if (op === "square") (push(args[0]), push(args[0]), f.simd(0xe6));
          else if (op === "reciprocal") (f.f32x4Const(1), push(args[0]), f.simd(0xe7));
          else (args.forEach(push), f.simd(NATIVE[op].v));
          f.set(r);
          vals.push(r);
        }
        f.get(OUT).get(i).i32(4).i32Mul().i32Add().get(vals[vals.length - 1]).v128Store(0);
        f.get(i).i32(4).i32Add().set(i);
        f.br(0);
      }),
    );
  }
  // the scalar loop (all of it, or the tail after the lanes)
  f.block(() =>
    f.loop(() => {
      f.get(i).get(N).i32GeS().brIf(1);
      const r = scalarChain(scalarLoad);
      f.get(OUT).get(i).i32(4).i32Mul().i32Add().get(r).f32Store(0);
      f.get(i).i32(1).i32Add().set(i);
      f.br(0);
    }),
  );
  return { name: "kern", code: f };
}
