// An Array whose values live in a GPU buffer: what `jit(f, { device: "webgpu" })` returns and
// `devicePut` makes. It is a tsjax Array (instanceof, shape, dtype, pytrees, every jnp function)
// whose values are read back on demand: `await x.block()` reads them without blocking and keeps
// the copy, after which the synchronous reads (`data`, `item`, `tolist`, printing, ops with no
// GPU kernel) cost nothing. Before it they are an error that says to `await x.block()`: WebGPU
// reads a buffer back only through the event loop (mapAsync), which a synchronous call cannot
// wait for. (A browser's canvas can be drawn synchronously, the way TensorFlow.js and @jax-js/jax
// read WebGPU buffers synchronously, but in headless Chromium on its software adapter the drawn
// canvas stayed blank and the device was lost after it, so tsjax does not rely on it.) Arrays
// are values: the copy never goes stale.

import { NDArray, ON_DEVICE } from "../array.js";
import type { TypedArray } from "../dtype.js";
import { repr } from "../format.js";
import { fmtShape, sizeOf } from "../shape.js";
import type { DeviceName } from "./device.js";
import type { GpuArray } from "./run.js";
import { inFrame, own } from "./pool.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** A tsjax Array in a GPU buffer (`x.device === "webgpu"`). */
export class OnGpu extends NDArray {
  /** The values on the host, once read. */
  private host: TypedArray | null = null;
  private reading: Promise<this> | null = null;

  constructor(
    /** The GPU buffer (internal: kernels read it in place). */
    readonly gpu: GpuArray,
    weakType = false,
  ) {
    super(ON_DEVICE, gpu.shape as number[], gpu.dtype, weakType);
    // (the base class's `data` is a field: an accessor in its place reads the buffer on demand)
    Object.defineProperty(this, "data", { get: () => this.hostData(), enumerable: true, configurable: true });
    // the buffer goes back to the pool when its Arrays are collected; inside a jit'd call the
    // call's frame gives its intermediates back instead (pool.ts)
    if (!inFrame()) own(this, gpu.buffer);
  }

  override get device(): DeviceName {
    return "webgpu";
  }
  override get size(): number {
    return sizeOf(this.shape);
  }
  /** Whether the values are on the host already (synchronous reads cost nothing). */
  get ready(): boolean {
    return this.host !== null;
  }

  override block(): Promise<this> {
    if (this.host) return Promise.resolve(this);
    return (this.reading ??= this.gpu.read().then((a) => {
      this.host = a.data;
      return this;
    }));
  }

  private hostData(): TypedArray {
    if (this.host) return this.host;
    throw new Error(
      `tsjax: this Array (shape ${fmtShape(this.shape)}, ${this.dtype}) is on the GPU and its values are not on the host yet: ` +
        "`await x.block()` (or `await x.dataAsync()`, `await deviceGet(tree)`) reads them back first " +
        "(WebGPU reads a buffer back only asynchronously)",
    );
  }

  /** Frees the GPU buffer now (otherwise it is reused once the Array is collected); neither it nor views of it may be used after. */
  override delete(): void {
    this.gpu.destroy();
  }

  override toString(): string {
    return this.host ? super.toString() : this.pending();
  }
  [INSPECT](): string {
    return this.host ? repr(this) : this.pending();
  }
  private pending(): string {
    return `Array(<on webgpu, not read yet: await x.block()>, shape=${fmtShape(this.shape)}, dtype=${this.dtype})`;
  }
}
