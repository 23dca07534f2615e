// Reductions over kernel memory, generated. sumF32(ptr, n) is Σ of n float32 values in float64
// (each promoted exactly), four lanes at a time in two f64x2 accumulators and the last n mod 4
// one by one, in a fixed order (the result does not depend on threads). A fused kernel that ends
// in a sum (transformer/jit/fuse.ts) leaves its chain in scratch and reduces it here.
// rowsF32(src, dst, outer, n, inner) sums rows in float32 as NumPy does over a non-contiguous
// axis: out[o, i] = (…(0 + x[o, 0, i]) + x[o, 1, i]) + … in turn, each add rounded to float32,
// four columns a vector (the same adds, so the same bits as the JavaScript loop).

import { Code, F64, HIGH_HALF, I32, SIMD, V128, type FuncDef } from "./wasm.js";

const PROMOTE_LOW = SIMD.f64x2PromoteLowF32x4;
const SHUFFLE = SIMD.i8x16Shuffle;

function sumF32Kernel(): FuncDef {
  const f = new Code([I32, I32]);
  const P = { ptr: 0, n: 1 };
  const i = f.local(I32), n4 = f.local(I32), v = f.local(V128), a0 = f.local(V128), a1 = f.local(V128), t = f.local(F64);
  f.get(P.n).i32(-4).op(0x71).set(n4);
  f.f32x4Const(0).set(a0);
  f.f32x4Const(0).set(a1);
  f.block(() =>
    f.loop(() => {
      f.get(i).get(n4).i32GeS().brIf(1);
      f.get(P.ptr).get(i).i32(4).i32Mul().i32Add().v128Load(0).set(v);
      f.get(a0).get(v).simd(PROMOTE_LOW).simd(0xf0).set(a0); // f64x2.add
      f.get(a1).get(v).get(v).simd(SHUFFLE).op(...HIGH_HALF).simd(PROMOTE_LOW).simd(0xf0).set(a1);
      f.get(i).i32(4).i32Add().set(i);
      f.br(0);
    }),
  );
  // (a0₀ + a0₁) + (a1₀ + a1₁), then the tail
  f.get(a0).get(a1).simd(0xf0).set(a0);
  f.get(a0).simd(0x21).op(0).get(a0).simd(0x21).op(1).op(0xa0).set(t);
  f.block(() =>
    f.loop(() => {
      f.get(i).get(P.n).i32GeS().brIf(1);
      f.get(t).get(P.ptr).get(i).i32(4).i32Mul().i32Add().f32Load(0).op(0xbb).op(0xa0).set(t);
      f.get(i).i32(1).i32Add().set(i);
      f.br(0);
    }),
  );
  f.get(t);
  return { name: "sumF32", code: f, results: [F64] };
}

function rowsF32Kernel(): FuncDef {
  const f = new Code([I32, I32, I32, I32, I32]);
  const P = { src: 0, dst: 1, outer: 2, n: 3, inner: 4 };
  const o = f.local(I32), k = f.local(I32), i = f.local(I32), i4 = f.local(I32), row = f.local(I32), out = f.local(I32);
  f.get(P.inner).i32(-4).op(0x71).set(i4);
  f.get(P.src).set(row);
  /** While i < end: `body` for column i (`at(base)` pushes base + 4i), i advanced by `width`. */
  const columns = (end: number, width: number, body: (at: (base: number) => void) => void) =>
    f.block(() =>
      f.loop(() => {
        f.get(i).get(end).i32GeS().brIf(1);
        body((base) => void f.get(base).get(i).i32(4).i32Mul().i32Add());
        f.get(i).i32(width).i32Add().set(i);
        f.br(0);
      }),
    );
  f.block(() =>
    f.loop(() => {
      f.get(o).get(P.outer).i32GeS().brIf(1);
      // out = dst + 4·o·inner, zeroed
      f.get(P.dst).get(o).get(P.inner).i32Mul().i32(4).i32Mul().i32Add().set(out);
      f.i32(0).set(i);
      columns(P.inner, 1, (at) => (at(out), f.op(0x43, 0, 0, 0, 0).f32Store(0))); // f32.const 0
      // each of the n rows added in turn: four columns a vector, then the rest one by one
      f.i32(0).set(k);
      f.block(() =>
        f.loop(() => {
          f.get(k).get(P.n).i32GeS().brIf(1);
          f.i32(0).set(i);
          columns(i4, 4, (at) => (at(out), at(out), f.v128Load(0), at(row), f.v128Load(0).simd(0xe4).v128Store(0))); // f32x4.add
          columns(P.inner, 1, (at) => (at(out), at(out), f.f32Load(0), at(row), f.f32Load(0).op(0x92).f32Store(0))); // f32.add
          f.get(row).get(P.inner).i32(4).i32Mul().i32Add().set(row);
          f.get(k).i32(1).i32Add().set(k);
          f.br(0);
        }),
      );
      f.get(o).i32(1).i32Add().set(o);
      f.br(0);
    }),
  );
  return { name: "rowsF32", code: f };
}

export const reduceKernels = (): FuncDef[] => [sumF32Kernel(), rowsF32Kernel()];
