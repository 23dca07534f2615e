// Arrays kept in kernel memory: a kernel reads its operands from the machine's memory, so an
// Array's data is copied there; an Array used again (a dataset, a weight matrix read by several
// kernels of one step) is copied once and found again. Arrays are values (never mutated), so a
// copy stays right for as long as its Array lives. The copies are a cache, not the truth: at most
// BUDGET bytes, the least recently used given back first, and a copy of an Array the garbage
// collector took is given back when it is noticed. So kernel memory stays bounded whatever the
// program does, in a long synchronous loop too (where no finalizer runs).

import type { Machine } from "./machine.js";
import { f32 } from "./machine.js";

/** Arrays smaller than this are copied per call (cheap); larger ones are kept. */
export const RESIDENT_MIN_BYTES = 1 << 16;
/** At most this many bytes of copies. */
const BUDGET = 256 * 2 ** 20;
/** A copy's padding: kernels on float64 pairs may read one float past the end. */
const PAD = 16;

interface Entry {
  readonly at: number;
  readonly bytes: number;
  readonly key: WeakRef<Float32Array>;
  used: number;
}

const byData = new WeakMap<Float32Array, Entry>();
const entries = new Set<Entry>();
let total = 0;
let clock = 0;
let heapOf: Machine["heap"] | null = null;

function drop(e: Entry): void {
  if (!entries.delete(e)) return;
  heapOf!.release(e.at, e.bytes);
  total -= e.bytes;
  const k = e.key.deref();
  if (k && byData.get(k) === e) byData.delete(k);
}
const collected = typeof FinalizationRegistry === "undefined" ? null : new FinalizationRegistry<Entry>(drop);

/** A new kernel call: copies it asks for from now on are not given back until the next call. */
export function beginCall(): void {
  clock++;
}

/**
 * The byte address of a copy of `data` in kernel memory (copied now, or kept from before), or
 * null: the caller copies it into its scratch block (small, or the cache cannot make room
 * without giving back a copy this call uses).
 */
export function resident(m: Machine, data: Float32Array): number | null {
  const hit = byData.get(data);
  if (hit) {
    hit.used = clock;
    return hit.at;
  }
  const bytes = data.length * 4 + PAD;
  if (bytes < RESIDENT_MIN_BYTES || bytes > BUDGET / 4) return null;
  heapOf = m.heap;
  // room: copies of collected Arrays first, then the least recently used (not this call's)
  if (total + bytes > BUDGET) for (const e of entries) if (!e.key.deref()) drop(e);
  if (total + bytes > BUDGET) {
    const old = [...entries].filter((e) => e.used !== clock).sort((a, b) => a.used - b.used);
    for (const e of old) {
      if (total + bytes <= BUDGET) break;
      drop(e);
    }
    if (total + bytes > BUDGET) return null;
  }
  const at = m.heap.alloc(bytes);
  f32(m).set(data, at >> 2);
  const e: Entry = { at, bytes, key: new WeakRef(data), used: clock };
  entries.add(e);
  byData.set(data, e);
  total += bytes;
  collected?.register(data, e);
  return at;
}

/** Bytes of copies kept (for tests). */
export const residentBytes = (): number => total;
