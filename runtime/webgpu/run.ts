// The WebGPU device runtime: Arrays in GPU buffers (GpuArray), uploads, the dispatch of a fused
// program (wgsl.ts renders it), whole-array reductions, matrix products, and asynchronous
// readback. Pipelines are compiled once per device, program and shape signature (the matrix
// product's once per transposition pattern: its sizes are a uniform). Dispatches are
// queued without waiting; WebGPU orders them, and `read` waits for the results (and reports any
// shader or validation error the queued work raised).

import { NDArray } from "../array.js";
import type { Program } from "../jit/fused-kernel.js";
import { sizeOf } from "../shape.js";
import type { WebGpu } from "./device.js";
import type { GpuBindGroup, GpuBuffer, GpuComputePipeline, GpuDevice } from "./types.js";
import { MAP_READ, USAGE } from "./types.js";
import { give, kill, pin, take } from "./pool.js";
import { destroyLater, flush, raised, recording, scoped, write } from "./queue.js";
import {
  copyKernel, elementwiseKernel, grid, kinds, matmulKernel, reduceAxesKernel, type AxisOp, reduceChainKernel, reduceFinishKernel, reducePartialsKernel, REDUCE_BLOCK, sumToShapeKernel, TILE, WG, ZERO_BINDING,
  type Input, type Kind, type Signature,
} from "./wgsl.js";

/**
 * The dtypes a GPU buffer holds: float32, bool (a u32 0/1 per element), and int32 (indices:
 * gathers read them, argmax/argmin make them; copies move them; no elementwise kernels take them).
 */
export type GpuDType = "float32" | "bool" | "int32";

/** An Array in a GPU buffer. Read it back with `await x.read()`; `destroy()` frees the buffer at once. */
export class GpuArray {
  constructor(
    readonly gpu: WebGpu,
    readonly buffer: GpuBuffer,
    readonly shape: readonly number[],
    readonly dtype: GpuDType,
  ) {}
  get size(): number {
    return sizeOf(this.shape);
  }
  /** The values, copied back to an Array (after every dispatch queued before it). */
  read(): Promise<NDArray> {
    return read(this);
  }
  /** Frees the buffer now (views of it too). */
  destroy(): void {
    kill(this.buffer);
  }
}

/** A storage buffer of `bytes` (at least 4: WebGPU binds no empty buffer); too large for a binding: an error saying so. */
export function storage(d: GpuDevice, bytes: number): GpuBuffer {
  const max = d.limits.maxStorageBufferBindingSize;
  if (bytes > max) throw new RangeError(`tsjax: WebGPU: a buffer of ${bytes} bytes is larger than this GPU binds (maxStorageBufferBindingSize ${max} bytes)`);
  return take(d, bytes);
}

/** An Array copied to the GPU (float32 and int32 as they are, bool widened to u32, other dtypes refused). */
export function upload(g: WebGpu, x: NDArray): GpuArray {
  let data: Float32Array | Uint32Array | Int32Array;
  if (x.dtype === "float32") data = x.data as Float32Array;
  else if (x.dtype === "int32") data = x.data as Int32Array;
  else if (x.dtype === "bool") data = Uint32Array.from(x.data as Uint8Array);
  else throw new TypeError(`tsjax: WebGPU: Arrays of dtype ${x.dtype} are not supported on the GPU yet (float32, bool and int32 are)`);
  const buf = storage(g.device, data.byteLength);
  if (data.length) write(g.device, buf, 0, data);
  return new GpuArray(g, buf, x.shape.slice(), x.dtype);
}

/** Uniform buffers by contents, per device (a training step's products reuse theirs every call). */
const uniforms = new WeakMap<GpuDevice, Map<string, GpuBuffer>>();
const UNIFORMS_KEPT = 256;

/** A uniform buffer holding `words`: made once per contents and kept (the least recently used beyond 256 destroyed). */
function uniform(d: GpuDevice, words: Uint32Array): GpuBuffer {
  let m = uniforms.get(d);
  if (!m) uniforms.set(d, (m = new Map()));
  const key = words.join(",");
  let b = m.get(key);
  if (b) m.delete(key); // (re-inserted last: most recently used)
  else {
    b = d.createBuffer({ size: words.byteLength, usage: USAGE.UNIFORM | USAGE.COPY_DST });
    d.queue.writeBuffer(b, 0, words); // (a new buffer: no recorded work reads it)
    if (m.size >= UNIFORMS_KEPT) {
      const [oldest, old] = m.entries().next().value as [string, GpuBuffer];
      m.delete(oldest);
      destroyLater(d, old); // (work already submitted that reads it still runs)
    }
  }
  m.set(key, b);
  return b;
}

/** Mappable buffers for reads, per device and size, reused once unmapped. */
const stagings = new WeakMap<GpuDevice, Map<number, GpuBuffer[]>>();

/** The values of x, copied back through a mappable buffer. */
export async function read(x: GpuArray): Promise<NDArray> {
  const d = x.gpu.device;
  const bytes = Math.max(4, x.size * 4);
  let free = stagings.get(d);
  if (!free) stagings.set(d, (free = new Map()));
  const staging = free.get(bytes)?.pop() ?? d.createBuffer({ size: bytes, usage: USAGE.MAP_READ | USAGE.COPY_DST });
  flush(d);
  const enc = d.createCommandEncoder();
  enc.copyBufferToBuffer(x.buffer, 0, staging, 0, bytes);
  d.queue.submit([enc.finish()]);
  await raised(d);
  await staging.mapAsync(MAP_READ);
  const raw = staging.getMappedRange().slice(0, x.size * 4);
  staging.unmap();
  // (kept for the next read of this size, a few a size)
  const list = free.get(bytes) ?? [];
  if (list.length < 4) {
    list.push(staging);
    free.set(bytes, list);
  } else staging.destroy();
  if (x.dtype === "bool") return new NDArray(Uint8Array.from(new Uint32Array(raw)), x.shape.slice(), "bool");
  if (x.dtype === "int32") return new NDArray(new Int32Array(raw), x.shape.slice(), "int32");
  return new NDArray(new Float32Array(raw), x.shape.slice(), "float32");
}

/** Compiled pipelines per device, by kernel source (the source is the signature: shapes are constants in it). */
const pipelines = new WeakMap<GpuDevice, Map<string, GpuComputePipeline>>();

export function pipeline(d: GpuDevice, code: string): GpuComputePipeline {
  let m = pipelines.get(d);
  if (!m) pipelines.set(d, (m = new Map()));
  let p = m.get(code);
  if (!p) {
    p = scoped(d, () => d.createComputePipeline({ layout: "auto", compute: { module: d.createShaderModule({ code }), entryPoint: "main" } }));
    m.set(code, p);
  }
  return p;
}

/** Pipelines compiled so far on this GPU (the tests check that a signature compiles once). */
export function pipelineCount(g: WebGpu): number {
  return pipelines.get(g.device)?.size ?? 0;
}

/** The zero buffer kernels read at ZERO_BINDING (wgsl.ts tj_hide), one per device. */
const zeros = new WeakMap<GpuDevice, GpuBuffer>();
function zero(d: GpuDevice): GpuBuffer {
  let z = zeros.get(d);
  if (!z) {
    zeros.set(d, (z = storage(d, 4)));
    pin(z);
    d.queue.writeBuffer(z, 0, new Uint32Array(1)); // (a new buffer: no recorded work reads it)
  }
  return z;
}

/**
 * One dispatch of `p` over bindings 0.. (`undefined` entries are unbound slots), and the zero
 * buffer (every kernel but the matrix product reads it).
 */
export function dispatch(d: GpuDevice, p: GpuComputePipeline, bufs: readonly (GpuBuffer | undefined)[], x: number, y = 1, withZero = true, z = 1): void {
  scoped(d, () => {
    const entries = bufs.flatMap((b, i) => (b ? [{ binding: i, resource: { buffer: b } }] : []));
    if (withZero) entries.push({ binding: ZERO_BINDING, resource: { buffer: zero(d) } });
    const group: GpuBindGroup = d.createBindGroup({ layout: p.getBindGroupLayout(0), entries });
    // (recorded with the dispatches around it, submitted together: queue.ts)
    const pass = recording(d, bufs);
    pass.setPipeline(p);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y, z);
  });
}

type Operand = GpuArray | NDArray | number;

/** The output shape of broadcasting `shapes` (NumPy's rule), or a TypeError naming them. */
export function broadcast(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = Array(rank).fill(1);
  for (const s of shapes)
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      if (out[o] === 1) out[o] = s[i];
      else if (s[i] !== 1 && s[i] !== out[o]) throw new TypeError(`tsjax: WebGPU fused kernel: shapes ${shapes.map((x) => `(${x.join(", ")})`).join(" ")} do not broadcast`);
    }
  return out;
}

/** How input of `shape` is read in an output of `out` shape: in place, or by strides (0 where repeated). */
function mapOf(shape: readonly number[], out: readonly number[]): Input["map"] {
  if (shape.length === out.length && shape.every((d, i) => d === out[i])) return "v";
  const strides: number[] = Array(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = out.length - shape.length + i;
    strides[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** The operands on the GPU, their signature, and the call's scalar buffer. */
function prepare(g: WebGpu, p: Program, operands: readonly Operand[]) {
  if (operands.length !== p.in) throw new TypeError(`tsjax: WebGPU fused kernel: the program takes ${p.in} inputs, got ${operands.length}`);
  const made: GpuArray[] = [];
  const on = operands.map((x) => {
    if (x instanceof NDArray) {
      const u = upload(g, x);
      made.push(u);
      return u;
    }
    return x;
  });
  for (const x of on) if (typeof x !== "number" && x.dtype === "int32") {
    for (const m of made) give(m.buffer);
    throw new TypeError("tsjax: WebGPU: elementwise kernels on Arrays of dtype int32 are not supported on the GPU yet (float32 and bool are; int32 Arrays go to gathers and copies)");
  }
  const shape = broadcast(on.map((x) => (typeof x === "number" ? [] : x.shape)));
  const inputs: Input[] = on.map((x) => (typeof x === "number" ? { kind: "f32", map: "u" } : { kind: x.dtype === "bool" ? "bool" : "f32", map: mapOf(x.shape, shape) }));
  const sig: Signature = { inputs, shape };
  let sc: GpuBuffer | undefined;
  if (on.some((x) => typeof x === "number")) {
    sc = storage(g.device, 4 * p.in);
    write(g.device, sc, 0, Float32Array.from(on, (x) => (typeof x === "number" ? x : 0)));
  }
  const bufs: (GpuBuffer | undefined)[] = on.map((x) => (typeof x === "number" ? undefined : x.buffer));
  return { sig, bufs, sc, made, shape };
}

export const maxX = (g: WebGpu) => g.device.limits.maxComputeWorkgroupsPerDimension;

/**
 * A fused program (fuse.ts's JSON, or the parsed object) on the GPU: its value as a GpuArray
 * (a whole-array sum/mean: a rank-0 one). A program with a matrix-product epilogue takes the
 * product's two operands first (2-D float32), as the CPU's `fused` does. Arrays given are
 * uploaded for the call; numbers are weak float32 scalars.
 */
export function fusedGpu(g: WebGpu, program: string | Program, ...operands: Operand[]): GpuArray {
  const p = typeof program === "string" ? (JSON.parse(program) as Program) : program;
  if (p.epilogue) {
    const [a, b, ...rest] = operands;
    if (typeof a === "number" || typeof b === "number") throw new TypeError(`tsjax: WebGPU fused kernel: the ${p.epilogue} epilogue takes two Arrays`);
    // (the product of any rank: NumPy's matmul, or dot)
    const [A, B] = [a instanceof NDArray ? upload(g, a) : a, b instanceof NDArray ? upload(g, b) : b];
    const prod = p.epilogue === "dot" ? dotGpu(g, A, B) : matmulNdGpu(g, A, B);
    try {
      return fusedGpu(g, { ...p, epilogue: undefined }, prod, ...rest);
    } finally {
      for (const x of [prod, A !== a ? A : null, B !== b ? B : null]) if (x) give(x.buffer);
    }
  }
  const d = g.device;
  const { sig, bufs, sc, made, shape } = prepare(g, p, operands);
  const n = sizeOf(shape);
  try {
    if (p.reduce) return reduce(g, p, sig, bufs, sc, n);
    const [gx, gy] = grid(Math.ceil(n / WG), maxX(g));
    const { code, kind } = elementwiseKernel(p, sig, gx);
    const out = storage(d, n * 4);
    if (n > 0) dispatch(d, pipeline(d, code), [...bufs, out, sc], gx, gy);
    return new GpuArray(g, out, shape, kind === "bool" ? "bool" : "float32");
  } finally {
    for (const m of made) give(m.buffer);
    if (sc) give(sc);
  }
}

/** A program ending in a whole-array sum/mean: partials of REDUCE_BLOCK, reduced until one is left, then rounded. */
function reduce(g: WebGpu, p: Program, sig: Signature, bufs: (GpuBuffer | undefined)[], sc: GpuBuffer | undefined, n: number): GpuArray {
  const d = g.device;
  if (p.reduce !== "sum" && p.reduce !== "mean") throw new TypeError(`tsjax: WebGPU: no reduction '${String(p.reduce)}'`);
  kinds(p, sig.inputs.map((x) => x.kind)); // (refuses what is not rendered before anything runs)
  let m = Math.max(1, Math.ceil(n / REDUCE_BLOCK));
  let [gx, gy] = grid(m, maxX(g));
  let part = storage(d, m * 8);
  if (n > 0) dispatch(d, pipeline(d, reduceChainKernel(p, sig, gx)), [...bufs, part, sc], gx, gy);
  else write(d, part, 0, new Float32Array(2));
  while (m > 1) {
    const next = Math.ceil(m / REDUCE_BLOCK);
    [gx, gy] = grid(next, maxX(g));
    const to = storage(d, next * 8);
    dispatch(d, pipeline(d, reducePartialsKernel(m, gx)), [part, to], gx, gy);
    give(part);
    (part = to), (m = next);
  }
  const out = storage(d, 4);
  dispatch(d, pipeline(d, reduceFinishKernel(p.reduce, n)), [part, out], 1);
  give(part);
  return new GpuArray(g, out, [], "float32");
}

/** x with another shape of the same size: a view (it shares x's buffer: destroy one, both go). */
export function reshapeGpu(x: GpuArray, shape: readonly number[]): GpuArray {
  if (sizeOf(shape) !== x.size) throw new TypeError(`tsjax: WebGPU reshape: cannot reshape an array of shape (${x.shape.join(", ")}) into shape (${shape.join(", ")})`);
  return new GpuArray(x.gpu, x.buffer, shape.slice(), x.dtype);
}

/** x broadcast to `shape` (NumPy's rule), made full: the elementwise kernel of no op, its index map the broadcast. */
export function broadcastGpu(g: WebGpu, x: GpuArray | NDArray, shape: readonly number[]): GpuArray {
  const lead = shape.length - x.shape.length;
  if (lead < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) throw new TypeError(`tsjax: WebGPU broadcastTo: shape (${x.shape.join(", ")}) does not broadcast to (${shape.join(", ")})`);
  return copyMapped(g, x, shape, mapOf(x.shape, shape));
}

/** x with its axes permuted (NumPy's transpose; default: reversed): a copy reading x by strides. */
export function transposeGpu(g: WebGpu, x: GpuArray | NDArray, perm?: readonly number[]): GpuArray {
  const nd = x.shape.length;
  const p = perm ? perm.map((a) => (a < 0 ? a + nd : a)) : Array.from({ length: nd }, (_, i) => nd - 1 - i);
  if (p.length !== nd || new Set(p).size !== nd || p.some((a) => a < 0 || a >= nd)) throw new TypeError(`tsjax: WebGPU transpose: axes (${(perm ?? []).join(", ")}) are not a permutation of ${nd} axes`);
  const strides: number[] = Array(nd).fill(0);
  for (let i = nd - 1, s = 1; i >= 0; s *= x.shape[i], i--) strides[i] = s;
  const shape = p.map((a) => x.shape[a]);
  return copyMapped(g, x, shape, p.map((a) => (x.shape[a] === 1 ? 0 : strides[a])));
}

/** An array of `shape` whose element at each position is x's at the index map `map` (strides per output axis). */
function copyMapped(g: WebGpu, x: GpuArray | NDArray, shape: readonly number[], map: Input["map"]): GpuArray {
  const X = x instanceof NDArray ? upload(g, x) : x;
  if (X.dtype === "int32") return copyWords(g, X, shape, map, X !== x);
  const kind: Kind = X.dtype === "bool" ? "bool" : "f32";
  const sig: Signature = { inputs: [{ kind, map }], shape };
  const n = sizeOf(shape);
  const buf = storage(g.device, n * 4);
  try {
    if (n > 0) {
      const [gx, gy] = grid(Math.ceil(n / WG), maxX(g));
      dispatch(g.device, pipeline(g.device, elementwiseKernel({ in: 1, ops: [] }, sig, gx).code), [X.buffer, buf], gx, gy);
    }
    return new GpuArray(g, buf, shape.slice(), X.dtype);
  } finally {
    if (X !== x) give(X.buffer);
  }
}

/** copyMapped for int32: the words copied as they are (a float32 copy could change NaN bit patterns). */
function copyWords(g: WebGpu, X: GpuArray, shape: readonly number[], map: Input["map"], made: boolean): GpuArray {
  const n = sizeOf(shape);
  const buf = storage(g.device, n * 4);
  try {
    if (n > 0) {
      const strides = map === "v" ? shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1)) : map === "u" ? shape.map(() => 0) : map;
      const dst = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
      const [gx, gy] = grid(Math.ceil(n / WG), maxX(g));
      dispatch(g.device, pipeline(g.device, copyKernel(shape, { off: 0, strides }, { off: 0, strides: dst }, gx)), [X.buffer, buf], gx, gy, false);
    }
    return new GpuArray(g, buf, shape.slice(), X.dtype);
  } finally {
    if (made) give(X.buffer);
  }
}

/**
 * x summed to `shape` (NumPy's unbroadcast, the runtime's sumToShape: leading axes, and axes
 * where `shape` has 1): a bias's gradient. The same shape: x itself.
 */
export function sumToShapeGpu(g: WebGpu, x: GpuArray | NDArray, shape: readonly number[]): GpuArray {
  const from = x.shape;
  const lead = from.length - shape.length;
  if (x.dtype !== "float32") throw new TypeError(`tsjax: WebGPU sumToShape: float32 only, got ${x.dtype}`);
  if (lead < 0 || shape.some((d, i) => d !== 1 && d !== from[lead + i]))
    throw new TypeError(`tsjax: WebGPU sumToShape: shape (${shape.join(", ")}) does not broadcast to the array's shape (${from.join(", ")})`);
  const X = x instanceof NDArray ? upload(g, x) : x;
  if (lead === 0 && shape.every((d, i) => d === from[i])) return X;
  const n = sizeOf(shape);
  const out = storage(g.device, n * 4);
  try {
    if (sizeOf(from) === 0) write(g.device, out, 0, new Float32Array(n));
    else if (n > 0) {
      const [gx, gy] = grid(Math.ceil(n / WG), maxX(g));
      dispatch(g.device, pipeline(g.device, sumToShapeKernel(from, shape, gx)), [X.buffer, out], gx, gy);
    }
    return new GpuArray(g, out, shape.slice(), "float32");
  } finally {
    if (X !== x) give(X.buffer);
  }
}

/**
 * x reduced over `axis` (a number, a list, or all axes when undefined/null; negative from the
 * end), as jnp.sum/mean/max/min with keepdims: a workgroup tree an output element (wgsl.ts).
 */
export function reduceGpu(g: WebGpu, x: GpuArray | NDArray, op: AxisOp, axis?: number | readonly number[] | null, keepdims = false): GpuArray {
  if (x.dtype !== "float32") throw new TypeError(`tsjax: WebGPU ${op}: float32 only, got ${x.dtype}`);
  const nd = x.shape.length;
  const list = axis === undefined || axis === null ? x.shape.map((_, i) => i) : typeof axis === "number" ? [axis] : [...axis];
  const axes = [...new Set(list.map((a) => {
    if (!Number.isInteger(a) || a < -nd || a >= nd) throw new RangeError(`tsjax: WebGPU ${op}: axis ${a} is out of bounds for an array of ${nd} dimension(s) (shape (${x.shape.join(", ")}))`);
    return a < 0 ? a + nd : a;
  }))].sort((a, b) => a - b);
  const R = axes.reduce((n, a) => n * x.shape[a], 1);
  if (R === 0 && (op === "max" || op === "min")) throw new RangeError(`tsjax: WebGPU ${op}: zero-size reduction over shape (${x.shape.join(", ")}) has no identity`);
  const shape = keepdims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const n = sizeOf(shape);
  const X = x instanceof NDArray ? upload(g, x) : x;
  const out = storage(g.device, n * 4);
  try {
    if (n > 0 && R === 0) write(g.device, out, 0, new Float32Array(n).fill(op === "sum" ? 0 : NaN));
    else if (n > 0) {
      const [gx, gy] = grid(n, maxX(g));
      dispatch(g.device, pipeline(g.device, reduceAxesKernel(op, x.shape, axes, gx)), [X.buffer, out], gx, gy);
    }
    return new GpuArray(g, out, shape, "float32");
  } finally {
    if (X !== x) give(X.buffer);
  }
}

/**
 * op(A)·op(B) for 2-D float32 operands (Arrays are uploaded for the call): A is M×K, or K×M read
 * as Aᵀ with transA; B is K×N, or N×K read as Bᵀ with transB (the matmul adjoints' G·Bᵀ, Aᵀ·G).
 */
export function matmulGpu(g: WebGpu, a: GpuArray | NDArray, b: GpuArray | NDArray, transA = false, transB = false): GpuArray {
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new TypeError(`tsjax: WebGPU matmul: 2-D operands here, got shapes (${a.shape.join(", ")}) and (${b.shape.join(", ")}) (batches: matmulNdGpu)`);
  return batchedGpu(g, a, b, transA, transB, 1, 0, 0, []);
}

/**
 * `batch` products op(A_z)·op(B_z), A_z at z·strideA in a's buffer and B_z at z·strideB (0: one
 * operand shared by every product); the result [...lead, M, N]. The sizes come from the last two
 * axes of a and b.
 */
function batchedGpu(g: WebGpu, a: GpuArray | NDArray, b: GpuArray | NDArray, transA: boolean, transB: boolean, batch: number, strideA: number, strideB: number, lead: readonly number[]): GpuArray {
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new TypeError(`tsjax: WebGPU matmul: float32 operands only, got ${a.dtype} and ${b.dtype}`);
  const [ra, rb] = [a.shape.length, b.shape.length];
  const [M, K] = transA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [K2, N] = transB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  const t = (x: boolean) => (x ? "ᵀ" : "");
  if (K !== K2) throw new TypeError(`tsjax: WebGPU matmul: shapes (${a.shape.join(", ")})${t(transA)} and (${b.shape.join(", ")})${t(transB)} not aligned: ${K} != ${K2}`);
  const d = g.device;
  const A = a instanceof NDArray ? upload(g, a) : a;
  const B = b instanceof NDArray ? upload(g, b) : b;
  const shape = [...lead, M, N];
  const out = storage(d, batch * M * N * 4);
  try {
    if (batch * M * N === 0) return new GpuArray(g, out, shape, "float32");
    if (K === 0) write(d, out, 0, new Float32Array(batch * M * N));
    else {
      const p = pipeline(d, matmulKernel(transA, transB));
      const maxZ = d.limits.maxComputeWorkgroupsPerDimension;
      for (let z0 = 0; z0 < batch; z0 += maxZ) {
        const dims = uniform(d, Uint32Array.of(M, K, N, 0, strideA, strideB, z0, 0));
        dispatch(d, p, [A.buffer, B.buffer, out, dims], Math.ceil(N / TILE), Math.ceil(M / TILE), false, Math.min(maxZ, batch - z0));
      }
    }
    return new GpuArray(g, out, shape, "float32");
  } finally {
    if (A !== a) give(A.buffer);
    if (B !== b) give(B.buffer);
  }
}

/**
 * NumPy's matmul on the GPU, any ranks ≥ 1: a 1-d a is a row and a 1-d b a column (their unit
 * axes dropped from the result), batch axes broadcast. An operand whose batch is the whole
 * broadcast batch is read in place, one of batch size 1 is shared (stride 0), any other
 * broadcast is made full first. `transA`/`transB` read the last two axes swapped (the batched
 * adjoints' G·Bᵀ and Aᵀ·G).
 */
export function matmulNdGpu(g: WebGpu, a: GpuArray | NDArray, b: GpuArray | NDArray, transA = false, transB = false): GpuArray {
  if (a.shape.length === 0 || b.shape.length === 0) throw new TypeError(`tsjax: WebGPU matmul: a 0-d operand (shapes (${a.shape.join(", ")}) and (${b.shape.join(", ")})); use multiply`);
  const made: GpuArray[] = [];
  const on = (x: GpuArray | NDArray) => (x instanceof NDArray ? made[made.push(upload(g, x)) - 1] : x);
  let A = on(a);
  let B = on(b);
  try {
    const rowA = A.shape.length === 1, colB = B.shape.length === 1;
    if (rowA) A = reshapeGpu(A, transA ? [A.size, 1] : [1, A.size]);
    if (colB) B = reshapeGpu(B, transB ? [1, B.size] : [B.size, 1]);
    const ba = A.shape.slice(0, -2), bb = B.shape.slice(0, -2);
    const lead = broadcast([ba, bb]);
    const batch = sizeOf(lead);
    const full = (x: GpuArray, bx: readonly number[]): [GpuArray, number] => {
      const m = x.shape.slice(-2);
      if (sizeOf(bx) === 1) return [x, 0];
      if (bx.length === lead.length && bx.every((d, i) => d === lead[i])) return [x, m[0] * m[1]];
      const f = broadcastGpu(g, x, [...lead, ...m]);
      made.push(f);
      return [f, m[0] * m[1]];
    };
    const [Af, sa] = full(A, ba);
    const [Bf, sb] = full(B, bb);
    const C = batchedGpu(g, Af, Bf, transA, transB, batch, sa, sb, lead);
    const drop = C.shape.filter((_, i) => !((rowA && i === C.shape.length - 2) || (colB && i === C.shape.length - 1)));
    return drop.length === C.shape.length ? C : reshapeGpu(C, drop);
  } finally {
    for (const m of made) give(m.buffer);
  }
}

/** jnp.dot on the GPU: a scalar operand scales; otherwise one matrix product (b's batch laid out as columns, as the CPU's dot). */
export function dotGpu(g: WebGpu, x: GpuArray, y: GpuArray): GpuArray {
  if (x.shape.length === 0 || y.shape.length === 0) return fusedGpu(g, { in: 2, ops: [["multiply", 0, 1]] }, x, y);
  const K = x.shape[x.shape.length - 1];
  const kb = y.shape.length === 1 ? 0 : y.shape.length - 2;
  if (y.shape[kb] !== K) throw new TypeError(`dot: shapes (${x.shape.join(", ")}) and (${y.shape.join(", ")}) not aligned: ${K} (dim ${x.shape.length - 1}) != ${y.shape[kb]} (dim ${kb})`);
  const lead = x.shape.slice(0, -1);
  const A = reshapeGpu(x, [sizeOf(lead), K]);
  if (y.shape.length <= 2) {
    const C = matmulGpu(g, A, y.shape.length === 1 ? reshapeGpu(y, [K, 1]) : y);
    return reshapeGpu(C, y.shape.length === 1 ? lead : [...lead, y.shape[1]]);
  }
  const batch = y.shape.slice(0, -2);
  const N = y.shape[y.shape.length - 1];
  const bt = transposeGpu(g, reshapeGpu(y, [sizeOf(batch), K, N]), [1, 0, 2]);
  const C = matmulGpu(g, A, reshapeGpu(bt, [K, sizeOf(batch) * N]));
  give(bt.buffer);
  return reshapeGpu(C, [...lead, ...batch, N]);
}
