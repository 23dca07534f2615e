// The kernel machine: one WebAssembly module of tsjax's fixed kernels over one memory, shared with
// the worker threads where SharedArrayBuffer exists (Node; browsers with cross-origin isolation).
// The memory is a heap (heap.ts): a scratch block kernels work in (copy in, compute, copy out)
// and the copies of Arrays kept there (resident.ts). Built on first use; `null` where
// WebAssembly SIMD is missing (callers keep their JavaScript path).

import { moduleBytes, WA, type WasmExports, type WasmMemory, type WasmModule } from "./wasm.js";
import { gemmKernels } from "./gemm-kernel.js";
import { gemvKernels } from "./gemv-kernel.js";
import { reduceKernels } from "./reduce-kernel.js";
import { Pool } from "./pool.js";
import { Heap } from "./heap.js";

const MAX_PAGES = 16384; // 1 GiB of address space reserved; pages are committed as they grow
const BASE = 64; // the heap starts here (bytes); below: the threads' counters

export interface Machine {
  readonly memory: WasmMemory;
  readonly module: WasmModule;
  readonly exports: WasmExports;
  readonly shared: boolean;
  /** Worker threads sharing the memory (none: this thread does all the work). */
  readonly pool: Pool | null;
  readonly heap: Heap;
}

let current: Machine | null | undefined;

/** How many threads kernels may use: TSJAX_THREADS, else the cores (at most 4). */
function threadCount(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TSJAX_THREADS;
  if (env && Number(env) >= 1) return Math.floor(Number(env));
  const g = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { getBuiltinModule?: (id: string) => unknown } };
  let cores = g.navigator?.hardwareConcurrency;
  if (!cores) {
    const os = g.process?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
    cores = os?.availableParallelism?.();
  }
  return Math.min(4, Math.max(1, cores ?? 1));
}

export function machine(): Machine | null {
  if (current !== undefined) return current;
  try {
    const g = globalThis as { crossOriginIsolated?: boolean };
    const shared = typeof SharedArrayBuffer !== "undefined" && g.crossOriginIsolated !== false;
    if (!WA) return (current = null);
    const memory = new WA.Memory({ initial: 16, maximum: MAX_PAGES, shared });
    const gemm = gemmKernels();
    const module = new WA.Module(moduleBytes([...gemm, ...gemvKernels(gemm.length), ...reduceKernels()], { shared, min: 16, max: MAX_PAGES }));
    const inst = new WA.Instance(module, { env: { memory } });
    const threads = shared ? threadCount() : 1;
    const pool = threads > 1 ? Pool.start(threads - 1, module, memory) : null;
    current = { memory, module, exports: inst.exports, shared, pool, heap: new Heap(memory, BASE, MAX_PAGES) };
    warmUp(current);
  } catch {
    current = null;
  }
  return current;
}

let view = new Float32Array(0);
/** The memory as float32 (a fresh view after the memory grew). */
export function f32(m: Machine): Float32Array {
  if (view.buffer !== m.memory.buffer || view.length * 4 !== m.memory.buffer.byteLength) view = new Float32Array(m.memory.buffer as ArrayBuffer);
  return view;
}

let view32 = new Int32Array(0);
/** The memory as int32 (counters shared by the threads of one kernel call). */
export function i32(m: Machine): Int32Array {
  if (view32.buffer !== m.memory.buffer || view32.length * 4 !== m.memory.buffer.byteLength) view32 = new Int32Array(m.memory.buffer as ArrayBuffer);
  return view32;
}

let scratchAt = 0, scratchBytes = 0;
/** The scratch block, at least `bytes` long: its byte address (one kernel call owns it at a time). */
export function scratch(m: Machine, bytes: number): number {
  if (bytes > scratchBytes) {
    if (scratchBytes) m.heap.release(scratchAt, scratchBytes);
    scratchBytes = 0;
    scratchAt = m.heap.alloc(bytes);
    scratchBytes = bytes;
  }
  return scratchAt;
}

/**
 * Run the kernels on a small product a few dozen times: V8 compiles WebAssembly with a baseline
 * compiler first and optimises a function once it has run enough, so without this the first large
 * product runs at half speed. (Shared code: the workers get the optimised version too.)
 */
function warmUp(m: Machine): void {
  const base = scratch(m, (24 * 64 + 64 * 64 + 24 * 64 + 6 * 256) * 4);
  const a = base, bp = a + 24 * 64 * 4, c = bp + 64 * 64 * 4, pack = c + 24 * 64 * 4;
  for (let r = 0; r < 64; r++) m.exports.gemmRows(a, bp, c, 64, 64, 0, 24 - (r % 6), pack, 256, 4, 64 * 32, 32);
}
