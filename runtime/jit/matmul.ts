// Float32 matrix products on the kernel machine: A and B copied into the machine's memory (or
// kept there, resident.ts); B read where it is when it is row-major with whole panels of 8
// columns (N a multiple of 8, at most 256: longer rows put a panel's k-steps in few cache sets),
// else packed by a kernel into panels of 8 columns (k-major, zero-padded); the rows of C split
// between this thread and the ready workers (whole 4-row strips each), then C copied out. Every
// element of C is summed in the same order (blocks of KC steps of k) whichever thread computes it
// and whether B is packed or not, so results do not depend on either. Sums are float32 (error
// bound in DESIGN.md, "Numerics").

import { f32, i32, machine, scratch } from "./machine.js";
import { CHUNK_ROWS, KC, MR, NR } from "./gemm-kernel.js";
import { beginCall, resident } from "./resident.js";
import { kernelAddress } from "./arena.js";

/** The byte address of the row counter gemmShared's threads share (below the scratch region). */
const COUNTER = 0;

/** Below this many multiply-adds the float64 JavaScript loops are as fast (and tiny products stay exact). */
export const WASM_MIN_WORK = 1 << 18;
/** Below this many multiply-adds (about 50 µs on one thread) a product runs on the calling thread alone: waking a worker costs more. */
const PARALLEL_MIN_WORK = 1 << 21;
/** B is read in place (not packed) up to this many columns (measured: 1024 columns in place ran 15% slower). */
const IN_PLACE_MAX_N = 256;

/**
 * C[cOff..] (M×N, row-major) = A · B, A stored from aOff as M×K (or K×M with transA: Aᵀ is
 * stored), B from bOff as K×N (or N×K with transB); false where there is no machine. With
 * `into` (N a multiple of 8), C stays in kernel memory at that address instead.
 */
export function gemmWasm(
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, M: number, K: number, N: number, C: Float32Array, cOff: number,
  maxThreads = Infinity, transA = false, transB = false, into?: number,
): boolean {
  const m = machine();
  if (!m) return false;
  if (M === 0 || N === 0) return true;
  if (K === 0) {
    C.fill(0, cOff, cOff + M * N);
    return true;
  }
  const Np = Math.ceil(N / NR) * NR;
  // (C an arena view with whole panels: the product is made where it lives)
  const cAt = into === undefined && N === Np ? kernelAddress(C) : null;
  if (cAt !== null) into = cAt + cOff * 4;
  // A, packed B, C, then one strip-packing buffer a thread
  const workers = (m.pool?.ready() ?? []).slice(0, Math.max(0, maxThreads - 1));
  const PACK = MR * KC * 4;
  // A: its kept copy in kernel memory (resident.ts), or copied into the scratch block
  beginCall();
  const kept = aOff === 0 && A.length === M * K ? resident(m, A) : null;
  const aBytes = kept === null ? M * K * 4 : 0;
  // B read where it is stored when it is row-major with whole panels (and rows short enough that
  // the k-steps of a panel do not all fall in a few cache sets); else copied in and packed
  const inPlace = !transB && N === Np && N <= IN_PLACE_MAX_N;
  // (B kept in kernel memory: read there, or packed from there)
  const keptB = bOff === 0 && B.length === K * N ? resident(m, B) : null;
  const bBytes = keptB === null ? K * N * 4 : 0;
  const bpBytes = inPlace ? 0 : K * Np * 4;
  // (C into kernel memory the caller owns: `into`, N a multiple of 8, read there by a kernel)
  const cBytes = into === undefined ? M * Np * 4 : 0;
  // A (unless kept), B as stored (unless kept), B packed, C, the strip-packing buffers
  const base = scratch(m, aBytes + bBytes + bpBytes + cBytes + PACK * (workers.length + 1));
  const mem = f32(m);
  const a = kept ?? base, b = keptB ?? base + aBytes, bp = inPlace ? b : base + aBytes + bBytes;
  const c = into ?? base + aBytes + bBytes + bpBytes, pack = base + aBytes + bBytes + bpBytes + cBytes;
  if (kept === null) mem.set(A.subarray(aOff, aOff + M * K), a >> 2);
  if (keptB === null) mem.set(B.subarray(bOff, bOff + K * N), b >> 2);
  if (!inPlace) m.exports.packB(b, bp, K, N, Np, transB ? 1 : 0);
  // B's panel p, row k at bp + p·bps + k·bk
  const [bps, bk] = inPlace ? [NR * 4, N * 4] : [K * NR * 4, NR * 4];
  const [rs, cs] = transA ? [4, M * 4] : [K * 4, 4];
  // rows: every ready worker and this thread take chunks of rows from a shared counter until
  // none are left (the split balances itself however late a worker wakes)
  const posted: number[] = [];
  if (workers.length && M > CHUNK_ROWS && M * N * K >= PARALLEL_MIN_WORK) {
    Atomics.store(i32(m), COUNTER >> 2, 0);
    for (const [n, w] of workers.entries()) {
      m.pool!.post(w, "gemmShared", [a, bp, c, K, Np, M, pack + PACK * (n + 1), COUNTER, rs, cs, bps, bk]);
      posted.push(w);
    }
  }
  let failed: unknown;
  try {
    if (posted.length) m.exports.gemmShared(a, bp, c, K, Np, M, pack, COUNTER, rs, cs, bps, bk);
    else m.exports.gemmRows(a, bp, c, K, Np, 0, M, pack, rs, cs, bps, bk);
  } catch (e) {
    failed = e;
  }
  for (const w of posted) m.pool!.settle(w);
  if (failed) throw failed;
  if (into !== undefined) return true;
  const c4 = c >> 2;
  if (N === Np) C.set(mem.subarray(c4, c4 + M * N), cOff);
  else {
    // (rows shorter than their panels: element by element, where a subarray and a set a row cost
    // about 0.15 µs each, most of a narrow product's time)
    for (let i = 0, src = c4, dst = cOff; i < M; i++, src += Np, dst += N) for (let j = 0; j < N; j++) C[dst + j] = mem[src + j];
  }
  return true;
}

/** Rows of S a chunk of gemv work has: about 64K floats of S. */
const gemvChunk = (C: number) => Math.max(8, Math.ceil(65536 / Math.max(1, C)));

/**
 * Matrix-vector products on the kernel machine (gemv-kernel.ts), S (R×C, row-major, from sOff)
 * read in place when kept in kernel memory (resident.ts): y[yOff..] = S·v (R values) or, with
 * `trans`, Sᵀ·v (C values). Float64 sums, rounded once. False where there is no machine.
 */
export function gemvWasm(S: Float32Array, sOff: number, v: Float32Array, vOff: number, R: number, C: number, y: Float32Array, yOff: number, trans: boolean, maxThreads = Infinity): boolean {
  const m = machine();
  if (!m) return false;
  const outN = trans ? C : R;
  if (outN === 0) return true;
  if (R === 0 || C === 0) {
    y.fill(0, yOff, yOff + outN);
    return true;
  }
  beginCall();
  const kept = sOff === 0 && S.length === R * C ? resident(m, S) : null;
  const chunk = gemvChunk(C);
  const chunks = Math.ceil(R / chunk);
  const vN = trans ? R : C;
  const sBytes = kept === null ? R * C * 4 : 0;
  // S (unless kept), v, then y (float32) or the chunks' partial sums (float64)
  const outBytes = trans ? chunks * C * 8 : R * 4;
  const base = scratch(m, sBytes + vN * 4 + 16 + outBytes + 16);
  const mem = f32(m);
  const s = kept ?? base;
  const vAt = base + sBytes;
  const out = (vAt + vN * 4 + 16 + 15) & ~15;
  if (kept === null) mem.set(S.subarray(sOff, sOff + R * C), s >> 2);
  mem.set(v.subarray(vOff, vOff + vN), vAt >> 2);
  const fn = trans ? "gemvTShared" : "gemvShared";
  const workers = chunks > 1 ? (m.pool?.ready() ?? []).slice(0, Math.max(0, maxThreads - 1)) : [];
  Atomics.store(i32(m), COUNTER >> 2, 0);
  for (const w of workers) m.pool!.post(w, fn, [s, vAt, out, C, R, chunk, COUNTER]);
  let failed: unknown;
  try {
    m.exports[fn](s, vAt, out, C, R, chunk, COUNTER);
  } catch (e) {
    failed = e;
  }
  for (const w of workers) m.pool!.settle(w);
  if (failed) throw failed;
  if (!trans) {
    y.set(f32(m).subarray(out >> 2, (out >> 2) + R), yOff);
    return true;
  }
  // the chunks' partial sums, added in chunk order
  const parts = new Float64Array(m.memory.buffer as ArrayBuffer, out, chunks * C);
  for (let k = 0; k < C; k++) {
    let acc = 0;
    for (let c = 0; c < chunks; c++) acc += parts[c * C + k];
    y[yOff + k] = acc;
  }
  return true;
}
