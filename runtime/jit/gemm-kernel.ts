// The matmul micro-kernel, generated: `strip{mr}` computes an mr×8 tile of C for each of `np`
// packed panels of B (k-major, 8 columns a row), over kl steps of k, with f32x4 accumulators
// (2 a row) held in locals for the whole kl loop: per k, two loads of B, one splat load of A per
// row, 2·mr multiplies and adds. mr = 4: 8 accumulators, 2 B vectors, the A splat and a product
// stay in registers. (mr = 6 would need 16 of x64's 16 SIMD registers, and V8 keeps one as
// scratch: it spilled an accumulator every step and ran at 29 GFLOP/s a core where mr = 4 runs
// at 45, measured strip against strip in one process; mr = 5 ran at 24.) Strips of 1-3 rows
// finish the edges. Node 20's Wasm has no FMA (relaxed SIMD is behind a flag), so a multiply
// and an add it is.

import { Code, F32, I32, SIMD, V128, type FuncDef } from "./wasm.js";

export const MR = 4;
export const NR = 8;

/**
 * strip{mr}(a, b, bstride, c, cstride, kl, acc, np, bk): for panel p < np, the tile
 * C[c + p·32 + r·cstride, 8 floats] (+)= Σ_k A[a + 4(k·mr + r)] · B[b + p·bstride + k·bk, 8 floats],
 * A being the strip packed k-major (mr floats a step of k), B packed (bstride = 32·K, bk = 32) or
 * read in place (row-major with N a multiple of 8: bstride = 32, bk = 4N). Byte addresses and
 * strides; `acc` ≠ 0 adds to C (a later block of k), else overwrites it.
 */
export function stripKernel(mr: number): FuncDef {
  const P = { a: 0, b: 1, bstride: 2, c: 3, cstride: 4, kl: 5, acc: 6, np: 7, bk: 8 };
  const f = new Code(Array(9).fill(I32));
  const accs = Array.from({ length: mr }, () => [f.local(V128), f.local(V128)]);
  const b0 = f.local(V128), b1 = f.local(V128), t = f.local(V128);
  const ap = f.local(I32), bp = f.local(I32), cp = f.local(I32), k = f.local(I32), p = f.local(I32);

  f.i32(0).set(p);
  f.get(P.c).set(cp);
  f.block(() =>
    f.loop(() => {
      // while (p < np)
      f.get(p).get(P.np).i32GeS().brIf(1);
      // accumulators: C's tile (a later block of k) or zero
      f.get(P.acc).i32Eqz();
      f.if(
        () => accs.forEach(([x, y]) => (f.f32x4Const(0).set(x), f.f32x4Const(0).set(y))),
        () =>
          accs.forEach(([x, y], r) => {
            f.get(cp).get(P.cstride).i32(r).i32Mul().i32Add().v128Load(0).set(x);
            f.get(cp).get(P.cstride).i32(r).i32Mul().i32Add().v128Load(16).set(y);
          }),
      );
      // the packed strip of A from its start, this panel's pointer into B
      f.get(P.a).set(ap);
      f.get(P.b).get(P.bstride).get(p).i32Mul().i32Add().set(bp);
      f.get(P.kl).set(k);
      f.get(k).if(() =>
        f.loop(() => {
          f.get(bp).v128Load(0).set(b0);
          f.get(bp).v128Load(16).set(b1);
          accs.forEach(([x, y], r) => {
            f.get(ap).load32Splat(4 * r).set(t);
            f.get(x).get(t).get(b0).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(x);
            f.get(y).get(t).get(b1).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(y);
          });
          f.get(ap).i32(4 * mr).i32Add().set(ap);
          f.get(bp).get(P.bk).i32Add().set(bp);
          f.get(k).i32(1).i32Sub().tee(k).brIf(0);
        }),
      );
      accs.forEach(([x, y], r) => {
        f.get(cp).get(P.cstride).i32(r).i32Mul().i32Add().get(x).v128Store(0);
        f.get(cp).get(P.cstride).i32(r).i32Mul().i32Add().get(y).v128Store(16);
      });
      f.get(cp).i32(32).i32Add().set(cp);
      f.get(p).i32(1).i32Add().set(p);
      f.br(0);
    }),
  );
  return { name: `strip${mr}`, code: f };
}

/** Rows of k per block: a strip of A (4 KiB) stays in L1 while B's panels stream past. */
export const KC = 256;

/**
 * gemmRows(a, bp, c, K, Np, i0, i1, pack, rs, cs, bps, bk): rows [i0, i1) of C (row stride Np
 * floats) = A · B, B's panel p, row k at bp + p·bps + k·bk (packed: Np/8 panels of K×8, bps = 32K,
 * bk = 32; in place: bps = 32, bk = 4·Np), A's element (i, k) at a + i·rs + k·cs (bytes: rs = 4K,
 * cs = 4 for a row-major A; rs = 4, cs = 4M for A stored transposed), in blocks of KC steps of k (so each element is
 * summed in the same order whichever thread computes its row). Each strip of A is packed k-major
 * into `pack` (MR·KC floats, the calling thread's own), then strip{mr} (functions 0..MR-1) runs.
 */
function gemmRowsKernel(): FuncDef {
  const P = { a: 0, bp: 1, c: 2, K: 3, Np: 4, i0: 5, i1: 6, pack: 7, rs: 8, cs: 9, bps: 10, bk: 11 };
  const f = new Code(Array(12).fill(I32));
  const kb = f.local(I32), kl = f.local(I32), i = f.local(I32), mr = f.local(I32);
  const kk = f.local(I32), r = f.local(I32), src = f.local(I32), dst = f.local(I32);
  f.i32(0).set(kb);
  f.block(() =>
    f.loop(() => {
      f.get(kb).get(P.K).i32GeS().brIf(1);
      // kl = min(KC, K − kb)
      f.i32(KC).get(P.K).get(kb).i32Sub().tee(kl).get(kl).i32(KC).i32GtS().select().set(kl);
      f.get(P.i0).set(i);
      f.block(() =>
        f.loop(() => {
          f.get(i).get(P.i1).i32GeS().brIf(1);
          f.i32(MR).get(P.i1).get(i).i32Sub().tee(mr).get(mr).i32(MR).i32GtS().select().set(mr);
          // pack rows i..i+mr, steps kb..kb+kl of A: dst[kk·mr + r] = A(i + r, kb + kk)
          f.get(P.pack).set(dst);
          f.i32(0).set(kk);
          f.block(() =>
            f.loop(() => {
              f.get(kk).get(kl).i32GeS().brIf(1);
              f.get(P.a).get(i).get(P.rs).i32Mul().i32Add().get(kb).get(kk).i32Add().get(P.cs).i32Mul().i32Add().set(src);
              f.i32(0).set(r);
              f.loop(() => {
                f.get(dst).get(src).f32Load(0).f32Store(0);
                f.get(dst).i32(4).i32Add().set(dst);
                f.get(src).get(P.rs).i32Add().set(src);
                f.get(r).i32(1).i32Add().tee(r).get(mr).i32LtS().brIf(0);
              });
              f.get(kk).i32(1).i32Add().set(kk);
              f.br(0);
            }),
          );
          const args = () => {
            f.get(P.pack);
            f.get(P.bp).get(kb).get(P.bk).i32Mul().i32Add();
            f.get(P.bps);
            f.get(P.c).get(i).get(P.Np).i32Mul().i32(4).i32Mul().i32Add();
            f.get(P.Np).i32(4).i32Mul();
            f.get(kl).get(kb).get(P.Np).i32(3).i32ShrU().get(P.bk);
          };
          // call strip{mr}: a chain of tests, the full height first
          const chain = (h: number): void => {
            if (h === 1) {
              args();
              f.call(0);
              return;
            }
            f.get(mr).i32(h).i32Eq();
            f.if(
              () => (args(), f.call(h - 1)),
              () => chain(h - 1),
            );
          };
          chain(MR);
          f.get(i).get(mr).i32Add().set(i);
          f.br(0);
        }),
      );
      f.get(kb).i32(KC).i32Add().set(kb);
      f.br(0);
    }),
  );
  return { name: "gemmRows", code: f };
}

/** Rows a thread takes at a time in gemmShared (a few strips: B's panels are reused across them). */
export const CHUNK_ROWS = 2 * MR;

/**
 * gemmShared(a, bp, c, K, Np, M, pack, counter, rs, cs, bps, bk): rows of C taken CHUNK_ROWS at a time from a
 * counter in memory (i32.atomic.rmw.add) until all M are done, each chunk by gemmRows (function
 * MR). Every thread runs it on the same product: the work balances itself, whenever each
 * thread starts (a worker woken late simply takes fewer chunks).
 */
function gemmSharedKernel(): FuncDef {
  const P = { a: 0, bp: 1, c: 2, K: 3, Np: 4, M: 5, pack: 6, counter: 7, rs: 8, cs: 9, bps: 10, bk: 11 };
  const f = new Code(Array(12).fill(I32));
  const i0 = f.local(I32), i1 = f.local(I32);
  f.block(() =>
    f.loop(() => {
      // i0 = atomic fetch-add(counter, CHUNK_ROWS)
      f.get(P.counter).i32(CHUNK_ROWS).op(0xfe, 0x1e, 2, 0).set(i0);
      f.get(i0).get(P.M).i32GeS().brIf(1);
      // i1 = min(i0 + CHUNK_ROWS, M)
      f.get(i0).i32(CHUNK_ROWS).i32Add().set(i1);
      f.get(P.M).get(i1).get(i1).get(P.M).i32GtS().select().set(i1);
      f.get(P.a).get(P.bp).get(P.c).get(P.K).get(P.Np).get(i0).get(i1).get(P.pack).get(P.rs).get(P.cs).get(P.bps).get(P.bk).call(MR);
      f.br(0);
    }),
  );
  return { name: "gemmShared", code: f };
}

const SHUFFLE = SIMD.i8x16Shuffle;
/** i8x16.shuffle lanes picking the float32 lanes `l` of (a, b) (0-3 a's, 4-7 b's). */
const lanes = (...l: number[]) => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);

/**
 * packB(src, dst, K, N, Np, trans): B into Np/8 panels of K rows of 8 floats (k-major, the last
 * panel zero-padded), from B stored K×N (row-major) or, with `trans`, N×K (Bᵀ stored: column j
 * of B is stored row j). A full panel of a stored-transposed B goes four steps of k at a time:
 * four floats of each of its 8 stored rows, two 4×4 transposes by shuffles, four rows of the panel.
 */
function packBKernel(): FuncDef {
  const P = { src: 0, dst: 1, K: 2, N: 3, Np: 4, trans: 5 };
  const f = new Code(Array(6).fill(I32));
  const p = f.local(I32), k = f.local(I32), j = f.local(I32), w = f.local(I32), d = f.local(I32), k4 = f.local(I32);
  const r = Array.from({ length: 8 }, () => f.local(V128));
  const t = Array.from({ length: 4 }, () => f.local(V128));
  f.get(P.K).i32(-4).op(0x71).set(k4);
  f.block(() =>
    f.loop(() => {
      f.get(p).get(P.Np).i32GeS().brIf(1);
      // w = min(8, N − p); d = dst + 4·p·K
      f.i32(NR).get(P.N).get(p).i32Sub().tee(w).get(w).i32(NR).i32GtS().select().set(w);
      f.get(P.dst).get(p).get(P.K).i32Mul().i32(4).i32Mul().i32Add().set(d);
      f.i32(0).set(k);
      f.get(P.trans).i32Eqz().get(w).i32(NR).i32Eq().op(0x71); // !trans && w == 8
      f.if(
        () =>
          // rows of 8 floats: two vector copies a step of k
          f.block(() =>
            f.loop(() => {
              f.get(k).get(P.K).i32GeS().brIf(1);
              const src = () => f.get(P.src).get(k).get(P.N).i32Mul().get(p).i32Add().i32(4).i32Mul().i32Add();
              f.get(d);
              src().v128Load(0);
              f.v128Store(0);
              f.get(d);
              src().v128Load(16);
              f.v128Store(16);
              f.get(d).i32(32).i32Add().set(d);
              f.get(k).i32(1).i32Add().set(k);
              f.br(0);
            }),
          ),
        () => {
          f.get(P.trans).get(w).i32(NR).i32Eq().op(0x71);
          f.if(() =>
            // a stored-transposed full panel, four steps of k at a time
            f.block(() =>
              f.loop(() => {
                f.get(k).get(k4).i32GeS().brIf(1);
                r.forEach((v, q) => f.get(P.src).get(p).i32(q).i32Add().get(P.K).i32Mul().get(k).i32Add().i32(4).i32Mul().i32Add().v128Load(0).set(v));
                for (const half of [0, 1]) {
                  const [a, b, c, e] = r.slice(4 * half, 4 * half + 4);
                  f.get(a).get(b).simd(SHUFFLE).op(...lanes(0, 4, 1, 5)).set(t[0]);
                  f.get(a).get(b).simd(SHUFFLE).op(...lanes(2, 6, 3, 7)).set(t[1]);
                  f.get(c).get(e).simd(SHUFFLE).op(...lanes(0, 4, 1, 5)).set(t[2]);
                  f.get(c).get(e).simd(SHUFFLE).op(...lanes(2, 6, 3, 7)).set(t[3]);
                  // row k + m of the panel, floats 4·half..4·half + 3
                  const row = (m: number, x: number, y: number, sel: number[]) => f.get(d).get(x).get(y).simd(SHUFFLE).op(...lanes(...sel)).v128Store(32 * m + 16 * half);
                  row(0, t[0], t[2], [0, 1, 4, 5]);
                  row(1, t[0], t[2], [2, 3, 6, 7]);
                  row(2, t[1], t[3], [0, 1, 4, 5]);
                  row(3, t[1], t[3], [2, 3, 6, 7]);
                }
                f.get(d).i32(128).i32Add().set(d);
                f.get(k).i32(4).i32Add().set(k);
                f.br(0);
              }),
            ),
          );
          // the rest (a partial panel, or the last K mod 4 steps): one float at a time, zeros past N
          f.block(() =>
            f.loop(() => {
              f.get(k).get(P.K).i32GeS().brIf(1);
              f.i32(0).set(j);
              f.loop(() => {
                f.get(d).get(j).i32(4).i32Mul().i32Add();
                f.get(j).get(w).i32LtS();
                f.if(
                  () => {
                    f.get(P.src);
                    f.get(P.trans);
                    f.if(
                      () => void f.get(p).get(j).i32Add().get(P.K).i32Mul().get(k).i32Add(),
                      () => void f.get(k).get(P.N).i32Mul().get(p).i32Add().get(j).i32Add(),
                      I32,
                    );
                    f.i32(4).i32Mul().i32Add().f32Load(0);
                  },
                  () => void f.op(0x43, 0, 0, 0, 0), // f32.const 0
                  F32,
                );
                f.f32Store(0);
                f.get(j).i32(1).i32Add().tee(j).i32(NR).i32LtS().brIf(0);
              });
              f.get(d).i32(32).i32Add().set(d);
              f.get(k).i32(1).i32Add().set(k);
              f.br(0);
            }),
          );
        },
      );
      f.get(p).i32(NR).i32Add().set(p);
      f.br(0);
    }),
  );
  return { name: "packB", code: f };
}

/** The module's functions: strip1..strip{MR}, then gemmRows, gemmShared and packB. */
export const gemmKernels = (): FuncDef[] => [...Array.from({ length: MR }, (_, i) => stripKernel(i + 1)), gemmRowsKernel(), gemmSharedKernel(), packBKernel()];
