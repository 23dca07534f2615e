// GPU buffers are reused rather than created per kernel. A device's queue runs its work in order,
// so a buffer that queued work still reads can be handed to a later kernel at once: the later
// writes run after the earlier reads. Buffers come back to the pool in three ways:
// - temporaries (uploads for one call, partial sums, a product feeding an epilogue): at once;
// - a jit'd call's intermediates: when the call returns (a frame, as the CPU's arena does),
//   every buffer its kernels made except those its results use;
// - an Array on the GPU (resident.ts): when it is collected, and no other Array views its buffer.
// Buffers that must keep their contents (the upload cache of CPU Arrays, the zero buffer) are
// pinned: never pooled. Pooled bytes are capped; beyond the cap buffers are destroyed.

import type { GpuBuffer, GpuDevice } from "./types.js";
import { USAGE } from "./types.js";
import { destroyLater } from "./queue.js";

const STORAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;

/** The most bytes a device's pool keeps (beyond it, given buffers are destroyed). */
export const POOL_MAX_BYTES = 256 * 2 ** 20;

interface Pool {
  free: Map<number, GpuBuffer[]>;
  bytes: number;
  /** Buffers created, and buffers taken from the pool instead (the tests read these). */
  created: number;
  reused: number;
}
const pools = new WeakMap<GpuDevice, Pool>();
/** The device each buffer the pool made belongs to. */
const deviceOf = new WeakMap<GpuBuffer, GpuDevice>();
/** In use, in the pool, or destroyed. */
const state = new WeakMap<GpuBuffer, "live" | "pooled" | "dead">();
const pinned = new WeakSet<GpuBuffer>();

function poolOf(d: GpuDevice): Pool {
  let p = pools.get(d);
  if (!p) pools.set(d, (p = { free: new Map(), bytes: 0, created: 0, reused: 0 }));
  return p;
}

/** A storage buffer of at least `bytes` (4 at least: WebGPU binds no empty buffer), reused where one of that size is free. */
export function take(d: GpuDevice, bytes: number): GpuBuffer {
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const p = poolOf(d);
  let b = p.free.get(size)?.pop();
  if (b) {
    p.bytes -= size;
    p.reused++;
  } else {
    b = d.createBuffer({ size, usage: STORAGE });
    deviceOf.set(b, d);
    p.created++;
  }
  state.set(b, "live");
  frames[frames.length - 1]?.add(b);
  return b;
}

/** Gives `b` back for reuse (queued work that reads it still sees its contents: the queue is in order). */
export function give(b: GpuBuffer): void {
  const d = deviceOf.get(b);
  if (!d || pinned.has(b) || state.get(b) !== "live") return;
  const p = poolOf(d);
  if (p.bytes + b.size > POOL_MAX_BYTES) {
    state.set(b, "dead");
    destroyLater(d, b);
    return;
  }
  state.set(b, "pooled");
  p.bytes += b.size;
  const list = p.free.get(b.size);
  if (list) list.push(b);
  else p.free.set(b.size, [b]);
}

/** Keeps `b`'s contents for good (never pooled). */
export function pin(b: GpuBuffer): void {
  pinned.add(b);
}

/** Frees `b` now (an Array's delete()), unless it is back in the pool already. */
export function kill(b: GpuBuffer): void {
  if (state.get(b) === "pooled") return;
  state.set(b, "dead");
  const d = deviceOf.get(b);
  if (d) destroyLater(d, b);
  else b.destroy();
}

// ---- frames: a jit'd call's intermediates -------------------------------------------------------

const frames: Set<GpuBuffer>[] = [];

/** Whether a frame is open (Arrays made inside one are the call's intermediates). */
export function inFrame(): boolean {
  return frames.length > 0;
}
/** Opens a frame; every buffer taken until it closes is recorded. */
export function frameOpen(): number {
  frames.push(new Set());
  return frames.length - 1;
}
/** Closes the frames from `token` on, giving back the buffers taken in them that `keep` does not hold. */
export function frameClose(token: number, keep: ReadonlySet<GpuBuffer>): void {
  while (frames.length > token) {
    const f = frames.pop()!;
    for (const b of f) if (!keep.has(b)) give(b);
  }
}

// ---- owners: Arrays on the GPU ------------------------------------------------------------------

const owners = new Map<GpuBuffer, number>();
const collected = new FinalizationRegistry<GpuBuffer>((b) => {
  const n = (owners.get(b) ?? 1) - 1;
  if (n > 0) owners.set(b, n);
  else {
    owners.delete(b);
    give(b);
  }
});

/** `holder` (an Array on the GPU) uses `b`: when every such holder is collected, `b` goes back to the pool. */
export function own(holder: object, b: GpuBuffer): void {
  owners.set(b, (owners.get(b) ?? 0) + 1);
  collected.register(holder, b);
}

/** Buffers created, taken again from the pool, and the bytes pooled now, on `d`. */
export function poolStats(d: GpuDevice): { created: number; reused: number; pooledBytes: number } {
  const p = poolOf(d);
  return { created: p.created, reused: p.reused, pooledBytes: p.bytes };
}
