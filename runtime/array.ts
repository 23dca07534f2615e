// The Array: an immutable, GC-owned, contiguous row-major tensor of one dtype (float32, float16,
// float64, int32, uint32 or bool), weakly typed when it came from a JS number (JAX's weak_type).
// Methods are thin aliases of the jnp.* primitives (same code, same derivative rules).

import type { DType, TypedArray } from "./dtype.js";
import { roundF16InPlace } from "./dtype.js";
import type { Shape } from "./shape.js";
import { fmtShape as fmt, sizeOf } from "./shape.js";
import * as ew from "./numpy/elementwise.js";
import * as red from "./numpy/reduce.js";
import * as la from "./numpy/linalg.js";
import * as sh from "./numpy/shape.js";
import * as ix from "./numpy/indexing.js";
import { astype } from "./numpy/creation.js";
import { repr, str } from "./format.js";
import type { DeviceName } from "./webgpu/device.js";

/**
 * The storage an Array is constructed with when its values live on another device (a GPU
 * buffer: runtime/webgpu/resident.ts); that subclass reads `data` through an accessor.
 */
export const ON_DEVICE: Float32Array = new Float32Array(0);

/** Anything jnp functions accept where an array is expected. */
export type ArrayLike = Array | number | boolean | NestedList;
export interface NestedList extends ReadonlyArray<number | boolean | Array | NestedList> {}

export type Axis = number | readonly number[] | null | undefined;
export interface ReduceOpts {
  keepdims?: boolean;
}
/**
 * A slice spec on one axis: an integer index, `null` for all, `[start, stop?, step?]`, or an
 * integer Array of indices (a gather along that axis: NumPy's advanced indexing, one per slice).
 */
export type SliceSpec = number | null | readonly [number | null, (number | null)?, (number | null)?] | Array;

type Nested = number | boolean | Nested[];

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

// (declared as `Array` so that TypeScript's messages name it as users know it; modules of the
// runtime import it as Array, which leaves the global Array to them)
export class Array {
  /**
   * Row-major storage. Never mutate: arrays are values. For an Array on the GPU it is the copy
   * `await x.block()` reads back; before that, reading it is an error that says so (WebGPU reads
   * a buffer back only asynchronously).
   */
  readonly data: TypedArray;
  readonly shape: number[];
  readonly dtype: DType;
  /**
   * Weakly typed (JAX's weak_type): made from a JS number (`jnp.array(3)`, a number passed to a
   * jit'd function) or computed only from such values. It promotes like a JS number: it takes
   * the dtype of a strongly typed operand (`jnp.array(2).mul(f16)` is float16).
   */
  readonly weakType: boolean;

  /**
   * Internal: wraps storage without copying. Users create arrays with jnp.array and friends.
   * float16 storage is rounded to float16 here, once for every op that makes one.
   */
  constructor(data: TypedArray, shape: Shape, dtype: DType, weakType = false) {
    if (dtype === "float16") roundF16InPlace(data as Float32Array);
    this.data = data;
    // shared, not copied: shapes, like arrays, are never mutated after construction
    this.shape = shape as number[];
    this.dtype = dtype;
    this.weakType = weakType;
    if (data.length !== sizeOf(shape) && data !== ON_DEVICE) throw new Error(`internal: storage of ${data.length} for shape (${shape})`);
  }

  /** Where the values live: "cpu", or "webgpu" (results of `jit(f, { device: "webgpu" })`, `devicePut`). */
  get device(): DeviceName {
    return "cpu";
  }
  /**
   * Resolves to this Array once its values are computed and on the host (JAX's
   * `block_until_ready`); from then on the synchronous methods read them at once. An Array on the
   * CPU is ready already; one on the GPU waits for the work queued before it, without blocking.
   */
  block(): Promise<this> {
    return Promise.resolve(this);
  }
  /**
   * Frees the Array's memory now (JAX's `delete`): an Array on the GPU frees its buffer at
   * once; a CPU Array's storage belongs to the garbage collector, so here it does nothing. The
   * Array (and views of it) must not be used after.
   */
  delete(): void {}
  /** The row-major storage (`data`), awaited: for an Array on the GPU, read back without blocking. */
  async dataAsync(): Promise<TypedArray> {
    return (await this.block()).data;
  }

  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return this.data.length;
  }

  /**
   * The single element as a JS number (bool gives true/false). For an Array on the GPU: after
   * `await x.block()` (see `data`).
   */
  item(): number | boolean {
    if (this.size !== 1)
      throw new TypeError(`item: can only convert an array of size 1 to a scalar, got shape ${fmt(this.shape)}`);
    return this.dtype === "bool" ? this.data[0] !== 0 : this.data[0];
  }

  /** Nested JS lists (a 0-d array gives its scalar); for an Array on the GPU: after `await x.block()` (see `data`). */
  tolist(): Nested {
    const { data, shape, dtype } = this;
    const conv = (v: number): number | boolean => (dtype === "bool" ? v !== 0 : v);
    let pos = 0;
    const build = (d: number): Nested => {
      if (d === shape.length) return conv(data[pos++]) as Nested;
      const out: Nested[] = [];
      for (let i = 0; i < shape[d]; i++) out.push(build(d + 1));
      return out;
    };
    return build(0);
  }

  /** JSON.stringify writes an Array as its nested lists (tree.save keeps dtypes and bits). */
  toJSON(): Nested {
    return this.tolist();
  }

  astype(dtype: DType): Array {
    return astype(this, dtype);
  }
  get T(): Array {
    return sh.transpose(this);
  }
  reshape(...shape: number[] | [readonly number[]]): Array {
    const s = shape.length === 1 && typeof shape[0] !== "number" ? shape[0] : (shape as number[]);
    return sh.reshape(this, s);
  }
  transpose(axes?: readonly number[]): Array {
    return sh.transpose(this, axes);
  }
  ravel(): Array {
    return sh.ravel(this);
  }
  flatten(): Array {
    return sh.ravel(this);
  }
  squeeze(axis?: Axis): Array {
    return sh.squeeze(this, axis);
  }

  add(b: ArrayLike): Array {
    return ew.add(this, b);
  }
  sub(b: ArrayLike): Array {
    return ew.subtract(this, b);
  }
  mul(b: ArrayLike): Array {
    return ew.multiply(this, b);
  }
  div(b: ArrayLike): Array {
    return ew.divide(this, b);
  }
  pow(b: ArrayLike): Array {
    return ew.power(this, b);
  }
  neg(): Array {
    return ew.negative(this);
  }

  dot(b: ArrayLike): Array {
    return la.dot(this, b);
  }
  matmul(b: ArrayLike): Array {
    return la.matmul(this, b);
  }

  sum(axis?: Axis, opts?: ReduceOpts): Array {
    return red.sum(this, axis, opts);
  }
  mean(axis?: Axis, opts?: ReduceOpts): Array {
    return red.mean(this, axis, opts);
  }
  max(axis?: Axis, opts?: ReduceOpts): Array {
    return red.max(this, axis, opts);
  }
  min(axis?: Axis, opts?: ReduceOpts): Array {
    return red.min(this, axis, opts);
  }
  prod(axis?: Axis, opts?: ReduceOpts): Array {
    return red.prod(this, axis, opts);
  }
  argmax(axis?: number): Array {
    return red.argmax(this, axis);
  }
  argmin(axis?: number): Array {
    return red.argmin(this, axis);
  }

  /** Integer index on the first axis (negative counts from the end), like `a[i]`. */
  at(i: number): Array {
    return ix.index(this, i);
  }
  /** NumPy basic slicing, one spec per leading axis: `a.slice(0, [1, null], null)` is `a[0, 1:, :]`. */
  slice(...specs: SliceSpec[]): Array {
    return ix.slice(this, ...specs);
  }
  take(indices: ArrayLike, axis?: number): Array {
    return ix.take(this, indices, axis);
  }

  /** Iterates over the first axis, as JAX arrays do (`const [a, b] = x`). */
  *[Symbol.iterator](): Iterator<Array> {
    if (this.ndim === 0) throw new TypeError("iteration over a 0-d array");
    for (let i = 0; i < this.shape[0]; i++) yield ix.index(this, i);
  }

  /** NumPy's str: `[1. 2. 3.]`. */
  toString(): string {
    return str(this);
  }
  /** JAX's repr, shown by console.log: `Array([1., 2., 3.], dtype=float32)`. */
  [INSPECT](): string {
    return repr(this);
  }
  get [Symbol.toStringTag](): string {
    return "Array";
  }
}

export { Array as NDArray };
