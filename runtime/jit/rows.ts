// Sums over a non-contiguous axis (reduce.ts's layout with inner > 1: a bias's gradient sums the
// rows of a batch) on the kernel machine: rowsF32 (reduce-kernel.ts) adds whole rows in turn in
// float32, four columns a vector, so the result is the JavaScript loop's bit for bit. The input
// is read where it is kept in kernel memory (an arena view, resident.ts), else copied in.

import { f32, machine, scratch } from "./machine.js";
import { beginCall, resident } from "./resident.js";

/** From this many elements the kernel pays for its copies (below, the JavaScript loop). */
const ROWS_MIN_SIZE = 4096;

/** out[o, i] = Σ_k d[(o·n + k)·inner + i], in float32, rows in turn; null where there is no machine or the input is small. */
export function rowSumsWasm(d: Float32Array, outer: number, n: number, inner: number): Float32Array | null {
  const size = outer * n * inner;
  if (size < ROWS_MIN_SIZE || d.length !== size) return null;
  const m = machine();
  if (!m) return null;
  beginCall();
  const kept = resident(m, d);
  const inBytes = kept === null ? size * 4 : 0;
  const base = scratch(m, inBytes + outer * inner * 4);
  const src = kept ?? base, dst = base + inBytes;
  if (kept === null) f32(m).set(d, src >> 2);
  m.exports.rowsF32(src, dst, outer, n, inner);
  return f32(m).slice(dst >> 2, (dst >> 2) + outer * inner);
}
