// Worker threads for kernels: each runs its own instance of the kernel module over the shared
// memory and waits on a slot of a shared control block (Atomics.wait); a job is a kernel export
// and its arguments (integers, or float32 bits), written into the slot, then notify. No message
// per job, nothing to copy. The calling thread takes a share of the work itself and then waits
// for the others. Kernels compiled at run time (fused elementwise kernels) are sent once to
// each worker through a message port, which the worker reads synchronously when told to.
// Workers start asynchronously: until one says it is ready, the caller does its share too.
// Node only for now (worker_threads, reached through process.getBuiltinModule so bundlers for
// the browser see no import); elsewhere there is no pool and kernels run on the calling thread.

import { WA, type WasmMemory, type WasmModule } from "./wasm.js";

const SLOT = 16; // ints per worker: state, ready, error, export index, args...
const STATE = 0, READY = 1, ERROR = 2, FN = 3, ARGS = 4;
/** FN values: ≥ 0 an export of the fixed module, LOAD a kernel from the port, ≤ RUN − id a loaded kernel. */
const LOAD = -1, RUN = -2;
/** Most arguments a job takes. */
export const MAX_ARGS = SLOT - ARGS;
/**
 * A slot's state: IDLE, BUSY (a job posted, not yet taken), RUNNING (the worker took it), EXIT.
 * The kernels' jobs are loops over chunks taken from a shared counter, and the caller runs the
 * same loop: once its own loop returns, no chunk is left, so `settle` takes back (BUSY → IDLE) a
 * job the worker has not taken yet instead of waiting for it: a worker that was asleep costs its
 * wake-up only when it arrives in time to help. `wait` waits for any job.
 */
const IDLE = 0, BUSY = 1, EXIT = 2, RUNNING = 3;
/**
 * Polls of its control word a worker makes before it sleeps (a few hundred microseconds: a
 * training step's kernels come a few hundred microseconds apart, and a sleeping worker wakes late).
 */
const SPIN = 200000;

// The worker: instantiate, say ready, then serve jobs until told to exit.
const WORKER = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { module, memory, ctrl, slot, names, port } = workerData;
const fns = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(ctrl), cf = new Float32Array(ctrl);
const base = slot * ${SLOT};
const kernels = [];
// a loaded kernel's imports: a Math function by name, or a scalar function's source
const importOf = (d) => (d.math ? Math[d.math] : new Function("return (" + d.src + ")")());
Atomics.store(c, base + ${READY}, 1);
for (;;) {
  // a short spin before sleeping: a step's kernels come in bursts, and a sleeping thread wakes late
  for (let i = 0; i < ${SPIN} && Atomics.load(c, base + ${STATE}) === ${IDLE}; i++);
  Atomics.wait(c, base + ${STATE}, ${IDLE});
  const st = Atomics.load(c, base + ${STATE});
  if (st === ${EXIT}) break;
  // take the job, unless the caller took it back first
  if (st !== ${BUSY} || Atomics.compareExchange(c, base + ${STATE}, ${BUSY}, ${RUNNING}) !== ${BUSY}) continue;
  try {
    const fn = c[base + ${FN}];
    if (fn === ${LOAD}) {
      const m = receiveMessageOnPort(port).message;
      const env = { memory };
      for (const [name, d] of m.imports) env[name] = importOf(d);
      kernels[m.id] = { f: new WebAssembly.Instance(m.module, { env }).exports.kernShared, floats: m.floats };
    } else if (fn <= ${RUN}) {
      const k = kernels[${RUN} - fn];
      const a = [];
      for (let i = 0; i < k.floats.length; i++) a.push(k.floats[i] ? cf[base + ${ARGS} + i] : c[base + ${ARGS} + i]);
      k.f(...a);
    } else {
      const a = [];
      for (let i = 0; i < ${SLOT - ARGS}; i++) a.push(c[base + ${ARGS} + i]);
      fns[names[fn]](...a);
    }
    c[base + ${ERROR}] = 0;
  } catch (e) {
    c[base + ${ERROR}] = 1;
  }
  Atomics.store(c, base + ${STATE}, ${IDLE});
  Atomics.notify(c, base + ${STATE});
}
`;

interface Port {
  postMessage(m: unknown): void;
  unref?(): void;
}
interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(ev: string, f: (...a: unknown[]) => void): void;
}

export class Pool {
  private readonly ctrl: Int32Array;
  private readonly names: string[];
  private readonly workers: NodeWorker[] = [];
  private readonly ports: Port[] = [];
  /** Per worker, the run-time kernels it has loaded. */
  private readonly loaded: Set<number>[] = [];
  private readonly floats: Float32Array;

  private constructor(n: number, module: WasmModule, memory: WasmMemory) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(n * SLOT * 4));
    this.floats = new Float32Array(this.ctrl.buffer);
    this.names = WA.Module.exports(module).map((e) => e.name);
    const wt = getWorkerThreads();
    if (!wt) return;
    for (let slot = 0; slot < n; slot++) {
      const { port1, port2 } = new wt.MessageChannel();
      (port1 as Port).unref?.();
      const w = new wt.Worker(WORKER, { eval: true, workerData: { module, memory, ctrl: this.ctrl.buffer, slot, names: this.names, port: port2 }, transferList: [port2] }) as NodeWorker;
      this.ports.push(port1 as Port);
      this.loaded.push(new Set());
      w.unref(); // an idle pool never keeps the process alive
      w.on("error", () => Atomics.store(this.ctrl, slot * SLOT + READY, 0));
      this.workers.push(w);
    }
  }

  /** A pool of n workers, or null where threads are not available. */
  static start(n: number, module: WasmModule, memory: WasmMemory): Pool | null {
    if (!getWorkerThreads()) return null;
    return new Pool(n, module, memory);
  }

  /** Workers ready to take a job now. */
  ready(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.workers.length; s++) if (Atomics.load(this.ctrl, s * SLOT + READY) === 1) out.push(s);
    return out;
  }

  /** Give each of `slots` the export `fn` with its arguments (integers); they start at once. */
  post(slot: number, fn: string, args: readonly number[]): void {
    const b = slot * SLOT;
    const c = this.ctrl;
    c[b + FN] = this.names.indexOf(fn);
    args.forEach((a, i) => (c[b + ARGS + i] = a));
    Atomics.store(c, b + STATE, BUSY);
    Atomics.notify(c, b + STATE);
  }

  /**
   * Make run-time kernel `id` (a module exporting `kernShared`) available on worker `slot`: sent once
   * through its port, instantiated there with its imports (Math functions by name, or a scalar
   * function's source). `floats[k]`: argument k is a float32.
   */
  load(slot: number, id: number, module: WasmModule, imports: readonly [string, { math?: string; src?: string }][], floats: readonly boolean[]): void {
    if (this.loaded[slot].has(id)) return;
    this.ports[slot].postMessage({ id, module, imports, floats });
    this.ctrl[slot * SLOT + FN] = LOAD;
    Atomics.store(this.ctrl, slot * SLOT + STATE, BUSY);
    Atomics.notify(this.ctrl, slot * SLOT + STATE);
    this.wait(slot);
    this.loaded[slot].add(id);
  }

  /** Run loaded kernel `id` on worker `slot` with its arguments (floats where `floats` says). */
  postKernel(slot: number, id: number, args: readonly number[], floats: readonly boolean[]): void {
    const b = slot * SLOT;
    this.ctrl[b + FN] = RUN - id;
    args.forEach((a, i) => (floats[i] ? (this.floats[b + ARGS + i] = a) : (this.ctrl[b + ARGS + i] = a)));
    Atomics.store(this.ctrl, b + STATE, BUSY);
    Atomics.notify(this.ctrl, b + STATE);
  }

  /**
   * After the caller's own run of a chunked job's loop (so no chunk is left): the job taken back
   * if the worker has not taken it yet, else waited for; a kernel that threw is an error here.
   */
  settle(slot: number): void {
    if (Atomics.compareExchange(this.ctrl, slot * SLOT + STATE, BUSY, IDLE) === BUSY) return;
    this.wait(slot);
  }

  /** Wait for a posted job to finish; a kernel that threw is an error here. */
  wait(slot: number): void {
    const b = slot * SLOT;
    const done = () => Atomics.load(this.ctrl, b + STATE) === IDLE;
    // (a short spin first: the worker is usually finishing its last chunk, and a sleep wakes late)
    for (let i = 0; i < SPIN && !done(); i++);
    for (let st = Atomics.load(this.ctrl, b + STATE); st !== IDLE; st = Atomics.load(this.ctrl, b + STATE)) Atomics.wait(this.ctrl, b + STATE, st);
    if (this.ctrl[b + ERROR]) throw new Error("tsjax: a kernel failed on a worker thread");
  }

  /** Stop the workers (tests). */
  async close(): Promise<void> {
    for (let s = 0; s < this.workers.length; s++) {
      Atomics.store(this.ctrl, s * SLOT + STATE, EXIT);
      Atomics.notify(this.ctrl, s * SLOT + STATE);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

type WorkerThreads = { Worker: new (code: string, opts: object) => unknown; MessageChannel: new () => { port1: unknown; port2: unknown } };
function getWorkerThreads(): WorkerThreads | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (p?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined) ?? null;
  } catch {
    return null;
  }
}
