import { WA, type WasmMemory, type WasmModule } from "./wasm.js";

// Worker threads for kernels: each runs its own instance of the kernel module over the shared
// memory and waits on a slot of a shared control block (Atomics.wait); a job is a kernel export
// and its integer arguments, written into the slot, then notify. No message per job, nothing to
// copy. The calling thread takes a share of the work itself and then waits for the others.
// Workers start asynchronously: until one says it is ready, the caller does its share too.
// Node only for now (worker_threads, reached through process.getBuiltinModule so bundlers for
// the browser see no import); elsewhere there is no pool and kernels run on the calling thread.

const SLOT = 16; // ints per worker: state, ready, error, export index, args...
const STATE = 0, READY = 1, ERROR = 2, FN = 3, ARGS = 4;
const IDLE = 0, BUSY = 1, EXIT = 2;

// The worker: instantiate, say ready, then serve jobs until told to exit.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { module, memory, ctrl, slot, names } = workerData;
const fns = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(ctrl);
const base = slot * ${SLOT};
Atomics.store(c, base + ${READY}, 1);
for (;;) {
  Atomics.wait(c, base + ${STATE}, ${IDLE});
  const st = Atomics.load(c, base + ${STATE});
  if (st === ${EXIT}) break;
  try {
    const a = [];
    for (let i = 0; i < ${SLOT - ARGS}; i++) a.push(c[base + ${ARGS} + i]);
    fns[names[c[base + ${FN}]]](...a);
    c[base + ${ERROR}] = 0;
  } catch (e) {
    c[base + ${ERROR}] = 1;
  }
  Atomics.store(c, base + ${STATE}, ${IDLE});
  Atomics.notify(c, base + ${STATE});
}
`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(ev: string, f: (...a: unknown[]) => void): void;
}

export class Pool {
  private readonly ctrl: Int32Array;
  private readonly names: string[];
  private readonly workers: NodeWorker[] = [];

  private constructor(n: number, module: WasmModule, memory: WasmMemory) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(n * SLOT * 4));
    this.names = WA.Module.exports(module).map((e) => e.name);
    const wt = getWorkerThreads();
    if (!wt) return;
    for (let slot = 0; slot < n; slot++) {
      const w = new wt.Worker(WORKER, { eval: true, workerData: { module, memory, ctrl: this.ctrl.buffer, slot, names: this.names } }) as NodeWorker;
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

  /** Wait for a posted job to finish; a kernel that threw is an error here. */
  wait(slot: number): void {
    const b = slot * SLOT;
    while (Atomics.load(this.ctrl, b + STATE) === BUSY) Atomics.wait(this.ctrl, b + STATE, BUSY);
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

type WorkerThreads = { Worker: new (code: string, opts: object) => unknown };
function getWorkerThreads(): WorkerThreads | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (p?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined) ?? null;
  } catch {
    return null;
  }
}
