// The jit's arena: inside a call of a jit'd function, the large float32 Arrays kernels produce
// live in kernel memory (views of the machine's shared memory), so the next kernel reads them in
// place: no copy out of kernel memory, none back in. A call opens a frame; every block the call's
// kernels take is given back when it returns (or throws), and the values it returns are copied
// out to ordinary Arrays first — intermediates cannot outlive the call (the transformer refuses
// code that would store them elsewhere). Without SharedArrayBuffer (a view of unshared memory dies
// when the memory grows) there is no arena: kernels copy out as before.

import { NDArray } from "../array.js";
import * as tree from "../tree.js";
import { machine } from "./machine.js";
import { adopt, adoptNext } from "./resident.js";

/** Smaller outputs stay ordinary Arrays (their copies cost nothing). */
const ARENA_MIN = 1024;
/**
 * The bytes every float32 block in kernel memory has past its floats (arena outputs, kept copies,
 * a fused call's scratch regions): a float64 pair read at the last float stays inside it.
 */
export const PAD = 16;

interface Frame {
  blocks: [number, number][];
}
const frames: (Frame | null)[] = [];
/** The machine memory's SharedArrayBuffer objects that arena views were made on (one per growth). */
const buffers = new WeakSet<object>();

/** Opens a frame for one call; the token closes it. */
export function arenaOpen(): number {
  const m = machine();
  frames.push(m?.shared ? { blocks: [] } : null);
  return frames.length - 1;
}

/** Gives back every block of the frames from `token` on (the call returned or threw). */
export function arenaRelease(token: number): void {
  const m = machine();
  while (frames.length > token) {
    const f = frames.pop();
    if (f && m) for (const [at, bytes] of f.blocks) m.heap.release(at, bytes);
  }
}

/** Arena views a kernel readied the ordinary Array for (fused.ts: a returned output). */
const destinations = new WeakMap<ArrayBufferView, Float32Array>();

/** `dest` (as long as `view`) is where `view`'s values go when the call returns them. */
export function arenaDestination(view: Float32Array, dest: Float32Array): void {
  destinations.set(view, dest);
}

/**
 * The call's result with its leaves that live in kernel memory copied out (before the frame
 * closes). A leaf's whole block is not given back but kept as the copy of the new Array's data
 * in kernel memory (resident.ts), so a next call that reads it (the parameters a training step
 * returns) finds it there instead of copying it in again.
 */
function copiedOut<T>(result: T, f: Frame): T {
  const m = machine()!;
  adoptNext();
  // (tree.map takes a bare leaf too: a single Array result is a tree of one leaf)
  return tree.map((x: unknown) => {
    if (!(x instanceof NDArray) || !buffers.has(x.data.buffer)) return x;
    const view = x.data as Float32Array;
    const dest = destinations.get(view);
    if (dest) destinations.delete(view);
    const data = dest ? (dest.set(view), dest) : view.slice();
    const k = f.blocks.findIndex(([at, bytes]) => at === view.byteOffset && bytes === view.length * 4 + PAD);
    if (k >= 0 && adopt(m, data, ...f.blocks[k])) f.blocks.splice(k, 1);
    return new NDArray(data, x.shape, x.dtype);
  }, result);
}

/** `f` running inside a frame of its own: what the transformer makes of a jit'd function. */
export function arenaWrap<F extends (...args: never[]) => unknown>(f: F): F {
  const wrapped = (...args: Parameters<F>) => {
    const token = arenaOpen();
    try {
      const out = f(...args);
      const frame = frames[token];
      return frame?.blocks.length ? copiedOut(out, frame) : out;
    } finally {
      arenaRelease(token);
    }
  };
  // (String(jit(f)) shows the generated code, as for the other transforms)
  Object.defineProperty(wrapped, "toString", { value: () => String(f) });
  return wrapped as F;
}

/**
 * n floats for a kernel's output: in the open frame's kernel memory, or null (an ordinary Array
 * then). `zeroed` for callers that count on a fresh Array's zeros (the memory is reused).
 */
export function arenaFloats(n: number, zeroed = false): Float32Array | null {
  const f = frames[frames.length - 1];
  if (!f || n < ARENA_MIN) return null;
  const m = machine()!;
  const bytes = n * 4 + PAD;
  const at = m.heap.alloc(bytes);
  f.blocks.push([at, bytes]);
  const buf = m.memory.buffer;
  buffers.add(buf);
  const view = new Float32Array(buf as ArrayBuffer, at, n);
  if (zeroed) view.fill(0);
  return view;
}

/** The byte address of `data` when it is an arena view (kernels read and write it in place), else null. */
export function kernelAddress(data: ArrayBufferView): number | null {
  return buffers.has(data.buffer) ? data.byteOffset : null;
}
