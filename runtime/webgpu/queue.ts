// Dispatches recorded into one command buffer and submitted together, not one submit each: a
// training step's forty kernels become one or a few submits. Within a compute pass WebGPU orders
// the dispatches and makes each one's writes visible to the next, so recording changes no
// result. What must not run ahead of recorded work is flushed first:
// - queue.writeBuffer runs at once on the queue's timeline, before commands not yet submitted,
//   so every write goes through `write`, which submits what is recorded first when a recorded
//   dispatch uses the buffer (a pooled one can be); a buffer no recorded dispatch uses is written
//   at once, and dispatches recorded after the write see it;
// - destroying a buffer a recorded command uses would fail the submit: `destroyLater` flushes;
// - reads copy after submitting (run.ts read).
// The recorded work is submitted at the latest when the current synchronous run ends (a
// microtask), after each jit'd call, and every MAX_RECORDED dispatches. Validation errors of the
// recorded commands are caught at the submit (`scoped`) and reported by the next read.

import type { GpuBuffer, GpuCommandEncoder, GpuComputePass, GpuDevice } from "./types.js";

/** Dispatches a command buffer holds before it is submitted without waiting for a flush. */
export const MAX_RECORDED = 64;

interface Open {
  enc: GpuCommandEncoder;
  pass: GpuComputePass;
  n: number;
  /** The buffers the recorded dispatches bind. */
  used: Set<GpuBuffer>;
}
const open = new WeakMap<GpuDevice, Open>();

/** Errors the queued work raised, per device: the next read reports them. */
const pending = new WeakMap<GpuDevice, Promise<{ message: string } | null>[]>();

/** `work` inside a validation error scope, its outcome kept for the next read. */
export function scoped<T>(d: GpuDevice, work: () => T): T {
  d.pushErrorScope("validation");
  try {
    return work();
  } finally {
    const list = pending.get(d) ?? [];
    list.push(d.popErrorScope());
    pending.set(d, list);
  }
}

/** Throws the errors the work queued so far raised (waits for their scopes). */
export async function raised(d: GpuDevice): Promise<void> {
  const list = pending.get(d) ?? [];
  pending.set(d, []);
  const errs = (await Promise.all(list)).filter((e): e is { message: string } => !!e);
  if (errs.length) throw new Error(`tsjax: WebGPU: ${errs.map((e) => e.message).join("\n")}`);
}

/** The compute pass a dispatch binding `bufs` is recorded into now (opened on demand). */
export function recording(d: GpuDevice, bufs: readonly (GpuBuffer | undefined)[]): GpuComputePass {
  let o = open.get(d);
  if (o && o.n >= MAX_RECORDED) {
    flush(d);
    o = undefined;
  }
  if (!o) {
    const enc = d.createCommandEncoder();
    open.set(d, (o = { enc, pass: enc.beginComputePass(), n: 0, used: new Set() }));
    queueMicrotask(() => flush(d));
  }
  o.n++;
  for (const b of bufs) if (b) o.used.add(b);
  return o.pass;
}

/** Submits what is recorded (nothing to do when nothing is). */
export function flush(d: GpuDevice): void {
  const o = open.get(d);
  if (!o) return;
  open.delete(d);
  scoped(d, () => {
    o.pass.end();
    d.queue.submit([o.enc.finish()]);
  });
}

/** queue.writeBuffer after the recorded work is submitted (so it cannot overtake it). */
export function write(d: GpuDevice, b: GpuBuffer, offset: number, data: ArrayBufferView): void {
  if (open.get(d)?.used.has(b)) flush(d);
  d.queue.writeBuffer(b, offset, data);
}

/** Destroys `b`, after submitting the recorded work when some of it uses `b`. */
export function destroyLater(d: GpuDevice, b: GpuBuffer): void {
  if (open.get(d)?.used.has(b)) flush(d);
  b.destroy();
}
