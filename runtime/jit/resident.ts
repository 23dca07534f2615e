// Arrays kept in kernel memory: a kernel reads its operands from the machine's memory, so an
// Array's data is copied there; an Array used again (a dataset, a weight matrix read by several
// kernels of one step) is copied once and found again. Arrays are values (never mutated), so a
// copy stays right for as long as its Array lives. The copies are a cache, not the truth: made
// at an Array's second use (most values are read once), at most BUDGET bytes, the least recently
// used given back first, and a copy of an Array the garbage collector took given back when its
// finalizer runs. So kernel memory stays bounded whatever the program does, in a long
// synchronous loop too (where no finalizer runs).

import type { Machine } from "./machine.js";
import { f32 } from "./machine.js";
import { kernelAddress, PAD } from "./arena.js";

/** Arrays smaller than this are copied per call (cheap); larger ones are kept. */
export const RESIDENT_MIN_BYTES = 1 << 16;
/** At most this many bytes of copies (one copy at most half of it). */
const BUDGET = 128 * 2 ** 20;

interface Entry {
  readonly at: number;
  readonly bytes: number;
  used: number;
  /** Given back (evicted, or its Array collected): the WeakMap's entry is then a miss. */
  gone: boolean;
}

// (no WeakRef: a WeakRef keeps its target alive until the current job ends, and a training loop
// that never yields is one job, so every Array copied would live until the loop ends)
/** The copies, least recently used first (a Set keeps insertion order). */
const kept = new Set<Entry>();
const byData = new WeakMap<Float32Array, Entry>();
/** Data seen once: kept from its second use on (a value read once needs no copy kept). */
const seen = new WeakSet<Float32Array>();
let total = 0;
let clock = 0;
let heapOf: Machine["heap"] | null = null;

function drop(e: Entry): void {
  if (e.gone) return;
  e.gone = true;
  // (and the finalizer's record: in a loop that never yields, records of collected Arrays wait
  // for a cleanup that does not come, so a copy given back takes its record with it)
  collected?.unregister(e);
  kept.delete(e);
  heapOf!.release(e.at, e.bytes);
  total -= e.bytes;
}
const collected = typeof FinalizationRegistry === "undefined" ? null : new FinalizationRegistry<Entry>(drop);

/** A new kernel call: copies it asks for from now on are not given back until the next call. */
export function beginCall(): void {
  clock++;
}

/**
 * The byte address of a copy of `data` in kernel memory (copied now, or kept from before), or
 * null: the caller copies it into its scratch block (small, seen for the first time, or the
 * cache cannot make room without giving back a copy this call uses).
 */
export function resident(m: Machine, data: Float32Array): number | null {
  // (an arena view is in kernel memory already)
  const own = kernelAddress(data);
  if (own !== null) return own;
  const hit = byData.get(data);
  if (hit && !hit.gone) {
    hit.used = clock;
    // (most recently used: to the end of the order)
    kept.delete(hit);
    kept.add(hit);
    return hit.at;
  }
  const bytes = data.length * 4 + PAD;
  if (bytes < RESIDENT_MIN_BYTES || bytes > BUDGET / 2) return null;
  if (!seen.has(data) && !hit) {
    seen.add(data);
    return null;
  }
  heapOf = m.heap;
  // room: the least recently used copies given back (not this call's)
  for (const e of kept) {
    if (total + bytes <= BUDGET) break;
    if (e.used !== clock) drop(e);
  }
  if (total + bytes > BUDGET) return null;
  const at = m.heap.alloc(bytes);
  f32(m).set(data, at >> 2);
  const e: Entry = { at, bytes, used: clock, gone: false };
  kept.add(e);
  byData.set(data, e);
  total += bytes;
  collected?.register(data, e, e);
  return at;
}

/** The copies adopted when the last jit'd call returned (below). */
let adopted: Entry[] = [];

/**
 * A jit'd call returns (arena.ts): the copies adopted when the previous call returned are given
 * back (their Arrays were read by this call, or never will be: a training step's parameters), so
 * adopted copies never take more than one call's results, however long a loop runs.
 */
export function adoptNext(): void {
  for (const e of adopted) drop(e);
  adopted = [];
}

/**
 * Make the kernel-memory block [at, at + bytes) the kept copy of `data`: a value a jit'd call
 * returns, copied out of its arena to an ordinary Array, where the block already holds it, and
 * which the next call most likely reads (the parameters a training step returns). True when
 * kept; false when the cache has no room, and the caller gives the block back.
 */
export function adopt(m: Machine, data: Float32Array, at: number, bytes: number): boolean {
  if (total + bytes > BUDGET || byData.has(data)) return false;
  heapOf = m.heap;
  const e: Entry = { at, bytes, used: clock, gone: false };
  kept.add(e);
  byData.set(data, e);
  total += bytes;
  collected?.register(data, e, e);
  adopted.push(e);
  return true;
}

/** Bytes of copies kept (for tests). */
export const residentBytes = (): number => total;
