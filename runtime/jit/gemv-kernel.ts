// Matrix-vector products, generated: y = S·x and y = Sᵀ·g for a row-major S (R rows of C floats).
// Both read S once, four floats at a time, and are limited by memory, not arithmetic, so they
// multiply and add in float64 (each product of two float32 values is exact there) with two
// f64x2 accumulators, and round once to float32.
// - gemvRows(s, x, y, C, r0, r1): y[r] = Σ_k S[r,k]·x[k] for rows r0 ≤ r < r1.
// - gemvTRows(s, g, part, C, r0, r1): part[k] = Σ_{r0≤r<r1} g[r]·S[r,k] (float64, C of them).
// The shared forms take chunks of rows from a counter in memory, as gemmShared does; gemvT's
// chunks each have their own partial sums (by chunk, not by thread), which the caller adds in
// chunk order, so results do not depend on the thread count.

import { Code, F64, HIGH_HALF, I32, SIMD, V128, type FuncDef } from "./wasm.js";

const PROMOTE_LOW = SIMD.f64x2PromoteLowF32x4;
const SHUFFLE = SIMD.i8x16Shuffle;
const F64X2 = { add: 0xf0, mul: 0xf2, splat: 0x14, extract: 0x21 } as const;

/** The f64x2 pair (low, high) of the f32x4 on the stack, into locals lo and hi. */
function promote(f: Code, v: number, lo: number, hi: number): void {
  f.get(v).simd(PROMOTE_LOW).set(lo);
  f.get(v).get(v).simd(SHUFFLE).op(...HIGH_HALF).simd(PROMOTE_LOW).set(hi);
}

function gemvRowsKernel(): FuncDef {
  const P = { s: 0, x: 1, y: 2, C: 3, r0: 4, r1: 5 };
  const f = new Code(Array(6).fill(I32));
  const r = f.local(I32), k = f.local(I32), sp = f.local(I32), c4 = f.local(I32);
  const acc0 = f.local(V128), acc1 = f.local(V128), a = f.local(V128), b = f.local(V128);
  const alo = f.local(V128), ahi = f.local(V128), blo = f.local(V128), bhi = f.local(V128);
  const tail = f.local(F64);
  f.get(P.C).i32(-4).op(0x71).set(c4); // C − C mod 4
  f.get(P.r0).set(r);
  f.block(() =>
    f.loop(() => {
      f.get(r).get(P.r1).i32GeS().brIf(1);
      f.get(P.s).get(r).get(P.C).i32Mul().i32(4).i32Mul().i32Add().set(sp);
      f.f32x4Const(0).set(acc0);
      f.f32x4Const(0).set(acc1);
      f.i32(0).set(k);
      f.block(() =>
        f.loop(() => {
          f.get(k).get(c4).i32GeS().brIf(1);
          f.get(sp).get(k).i32(4).i32Mul().i32Add().v128Load(0).set(a);
          f.get(P.x).get(k).i32(4).i32Mul().i32Add().v128Load(0).set(b);
          promote(f, a, alo, ahi);
          promote(f, b, blo, bhi);
          f.get(acc0).get(alo).get(blo).simd(F64X2.mul).simd(F64X2.add).set(acc0);
          f.get(acc1).get(ahi).get(bhi).simd(F64X2.mul).simd(F64X2.add).set(acc1);
          f.get(k).i32(4).i32Add().set(k);
          f.br(0);
        }),
      );
      // the last C mod 4 columns
      f.op(0x44, 0, 0, 0, 0, 0, 0, 0, 0).set(tail); // f64.const 0
      f.block(() =>
        f.loop(() => {
          f.get(k).get(P.C).i32GeS().brIf(1);
          f.get(tail);
          f.get(sp).get(k).i32(4).i32Mul().i32Add().f32Load(0).op(0xbb); // f64.promote_f32
          f.get(P.x).get(k).i32(4).i32Mul().i32Add().f32Load(0).op(0xbb);
          f.op(0xa2).op(0xa0).set(tail); // f64.mul, f64.add
          f.get(k).i32(1).i32Add().set(k);
          f.br(0);
        }),
      );
      // y[r] = f32((acc0₀ + acc0₁) + (acc1₀ + acc1₁) + tail)
      f.get(P.y).get(r).i32(4).i32Mul().i32Add();
      f.get(acc0).get(acc1).simd(F64X2.add).set(acc0);
      f.get(acc0).simd(F64X2.extract).op(0).get(acc0).simd(F64X2.extract).op(1).op(0xa0);
      f.get(tail).op(0xa0).op(0xb6).f32Store(0); // f64.add, f32.demote_f64
      f.get(r).i32(1).i32Add().set(r);
      f.br(0);
    }),
  );
  return { name: "gemvRows", code: f };
}

function gemvTRowsKernel(): FuncDef {
  const P = { s: 0, g: 1, part: 2, C: 3, r0: 4, r1: 5 };
  const f = new Code(Array(6).fill(I32));
  const r = f.local(I32), k = f.local(I32), sp = f.local(I32), pp = f.local(I32), c4 = f.local(I32);
  const gs = f.local(V128), a = f.local(V128), alo = f.local(V128), ahi = f.local(V128);
  f.get(P.C).i32(-4).op(0x71).set(c4);
  // part = 0
  f.i32(0).set(k);
  f.block(() =>
    f.loop(() => {
      f.get(k).get(P.C).i32GeS().brIf(1);
      f.get(P.part).get(k).i32(8).i32Mul().i32Add().op(0x44, 0, 0, 0, 0, 0, 0, 0, 0).op(0x39, 3, 0); // f64.store
      f.get(k).i32(1).i32Add().set(k);
      f.br(0);
    }),
  );
  f.get(P.r0).set(r);
  f.block(() =>
    f.loop(() => {
      f.get(r).get(P.r1).i32GeS().brIf(1);
      f.get(P.s).get(r).get(P.C).i32Mul().i32(4).i32Mul().i32Add().set(sp);
      f.get(P.g).get(r).i32(4).i32Mul().i32Add().f32Load(0).op(0xbb).simd(F64X2.splat).set(gs);
      f.get(P.part).set(pp);
      f.i32(0).set(k);
      f.block(() =>
        f.loop(() => {
          f.get(k).get(c4).i32GeS().brIf(1);
          f.get(sp).get(k).i32(4).i32Mul().i32Add().v128Load(0).set(a);
          promote(f, a, alo, ahi);
          f.get(pp).get(pp).v128Load(0).get(alo).get(gs).simd(F64X2.mul).simd(F64X2.add).v128Store(0);
          f.get(pp).get(pp).v128Load(16).get(ahi).get(gs).simd(F64X2.mul).simd(F64X2.add).v128Store(16);
          f.get(pp).i32(32).i32Add().set(pp);
          f.get(k).i32(4).i32Add().set(k);
          f.br(0);
        }),
      );
      f.block(() =>
        f.loop(() => {
          f.get(k).get(P.C).i32GeS().brIf(1);
          f.get(pp);
          f.get(pp).op(0x2b, 3, 0); // f64.load
          f.get(sp).get(k).i32(4).i32Mul().i32Add().f32Load(0).op(0xbb);
          f.get(gs).simd(F64X2.extract).op(0);
          f.op(0xa2).op(0xa0).op(0x39, 3, 0); // f64.mul, f64.add, f64.store
          f.get(pp).i32(8).i32Add().set(pp);
          f.get(k).i32(1).i32Add().set(k);
          f.br(0);
        }),
      );
      f.get(r).i32(1).i32Add().set(r);
      f.br(0);
    }),
  );
  return { name: "gemvTRows", code: f };
}

/**
 * gemvShared(s, x, y, C, R, chunk, counter) and gemvTShared(s, g, part, C, R, chunk, counter):
 * chunks of `chunk` rows taken from the counter (i32.atomic.rmw.add of 1: the chunk's index)
 * until all R rows are done; gemvT's chunk c writes its partial sums at part + 8·C·c.
 */
function sharedKernel(name: string, rowsFn: number, transposed: boolean): FuncDef {
  const P = { s: 0, v: 1, out: 2, C: 3, R: 4, chunk: 5, counter: 6 };
  const f = new Code(Array(7).fill(I32));
  const c = f.local(I32), r0 = f.local(I32), r1 = f.local(I32);
  f.block(() =>
    f.loop(() => {
      f.get(P.counter).i32(1).op(0xfe, 0x1e, 2, 0).set(c);
      f.get(c).get(P.chunk).i32Mul().tee(r0).get(P.R).i32GeS().brIf(1);
      f.get(r0).get(P.chunk).i32Add().set(r1);
      f.get(P.R).get(r1).get(r1).get(P.R).i32GtS().select().set(r1);
      f.get(P.s).get(P.v);
      if (transposed) f.get(P.out).get(c).get(P.C).i32Mul().i32(8).i32Mul().i32Add();
      else f.get(P.out);
      f.get(P.C).get(r0).get(r1).call(rowsFn);
      f.br(0);
    }),
  );
  return { name, code: f };
}

/** The gemv functions, to follow the module's first `first` functions (their indices). */
export const gemvKernels = (first: number): FuncDef[] => [
  gemvRowsKernel(),
  gemvTRowsKernel(),
  sharedKernel("gemvShared", first, false),
  sharedKernel("gemvTShared", first + 1, true),
];
