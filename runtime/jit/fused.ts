// The run-time half of fused kernels: `fused(program, ...inputs)` is what a jit'd function's
// elementwise chain became at build time (transformer/jit/fuse.ts). Small inputs, or inputs that
// are not all float32, are interpreted op by op with the eager functions (the same numbers, and
// no start-up cost: the tutorial's 4-element arrays stay as fast as eager code). From
// FUSED_MIN_SIZE elements on, one WebAssembly pass computes the whole chain (fused-kernel.ts),
// compiled once per program and operand pattern, equal to the eager result bit for bit.

import { NDArray } from "../array.js";
import * as ew from "../numpy/elementwise.js";
import * as red from "../numpy/reduce.js";
import { broadcastTo } from "../numpy/shape.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import { f32, i32, machine, scratch, type Machine } from "./machine.js";
import { gemmWasm, WASM_MIN_WORK } from "./matmul.js";
import * as la from "../numpy/linalg.js";
import { allSimd, FUSED_CHUNK, fusedKernel, importedOps, sharedKernel, type Program } from "./fused-kernel.js";
import { F64, moduleBytes, WA, type WasmExports, type WasmModule } from "./wasm.js";
import { MAX_ARGS } from "./pool.js";
import { beginCall, resident } from "./resident.js";
import { arenaDestination, arenaFloats, PAD } from "./arena.js";

/** Below this many elements the chain is interpreted with the eager functions. */
export const FUSED_MIN_SIZE = 2048;

type Input = NDArray | number;
type EwFn = (...xs: Input[]) => NDArray;

/** A compiled variant: the function here, and what a worker needs to instantiate it too. */
interface Variant {
  readonly kern: WasmExports["kern"];
  /** kern over chunks taken from a shared counter (every thread runs it on the same call). */
  readonly shared: WasmExports["kern"];
  readonly id: number;
  readonly module: WasmModule;
  readonly imports: [string, { math?: string; src?: string }][];
  /** Per argument, whether it is a float32 (a scalar input). */
  readonly floats: boolean[];
}
interface Compiled {
  readonly program: Program;
  readonly variants: Map<string, Variant>;
}
let nextId = 0;

/** How a worker gets a scalar function: a Math function by name, or its source. */
function importDesc(f: (...xs: number[]) => number): { math?: string; src?: string } {
  const math = Object.getOwnPropertyNames(Math).find((k) => (Math as unknown as Record<string, unknown>)[k] === f);
  return math ? { math } : { src: f.toString() };
}

/** From this many elements on, a kernel is split between this thread and the workers. */
const PARALLEL_MIN_SIZE = 2 * FUSED_CHUNK;
/** The same for a chain of float32 arithmetic alone (f32x4 lanes, limited by memory). */
const PARALLEL_MIN_SIZE_SIMD = 1 << 18;
/** The byte address of the chunk counter kernShared's threads share (below the scratch region). */
const COUNTER = 8;
const programs = new Map<string, Compiled>();

function compiled(src: string): Compiled {
  let c = programs.get(src);
  if (!c) programs.set(src, (c = { program: JSON.parse(src) as Program, variants: new Map() }));
  return c;
}

/** The chain op by op with the eager functions (exactly what the unfused code computes). */
function interpret(p: Program, inputs: readonly Input[]): NDArray {
  const vals: Input[] = inputs.slice();
  for (const [op, ...args] of p.ops) {
    const fn = (ew as unknown as Record<string, EwFn>)[op] ?? ((...xs: Input[]) => ew.elementwiseOp(op, ...(xs as never[])));
    if (!fn) throw new Error(`tsjax: fused kernel: unknown op '${op}'`);
    vals.push(fn(...args.map((a) => (typeof a === "object" ? a.c : vals[a]))));
  }
  const last = vals[vals.length - 1] as NDArray;
  return p.reduce ? REDUCE[p.reduce](last) : last;
}
const REDUCE = { sum: red.sum, mean: red.mean };

/** The WebAssembly function for a program and operand pattern ("v"/"s" per input). */
function variant(c: Compiled, modes: string): Variant | null {
  const hit = c.variants.get(modes);
  if (hit) return hit;
  const m = machine();
  if (!m) return null;
  const imports = importedOps(c.program);
  const fns = imports.map((op) => ew.scalarF32(op));
  if (fns.some((f) => !f)) return null;
  const arity = (op: string) => c.program.ops.find((o) => o[0] === op)!.length - 1;
  const bytes = moduleBytes(
    [fusedKernel(c.program, modes), sharedKernel(c.program, modes, imports.length)],
    { shared: m.shared, min: 16, max: 16384 },
    imports.map((op) => ({ name: op, params: Array(arity(op)).fill(F64), results: [F64] })),
  );
  const env: Record<string, unknown> = { memory: m.memory };
  imports.forEach((op, k) => (env[op] = fns[k]));
  const module = new WA.Module(bytes);
  const inst = new WA.Instance(module, { env }).exports;
  const kern = inst.kern;
  // a few short runs first: V8 optimises a WebAssembly function once it has run enough, and a
  // long first call would otherwise run all of its elements unoptimised
  const base = scratch(m, 64 * 4 * (c.program.in + 1));
  const warm = [...modes].flatMap((md, k) => (md === "v" ? [base + 256 * k] : md === "r" ? [base + 256 * k, 8] : [0.5]));
  // (60 elements: a fast kernel's loops of eight, four and one element all run)
  for (let r = 0; r < 300; r++) kern(...warm, base + 256 * c.program.in, 60, 0);
  const floats = [...[...modes].flatMap((md) => (md === "s" ? [true] : md === "r" ? [false, false] : [false])), false, false, false];
  const v: Variant = { kern, shared: inst.kernShared, id: nextId++, module, imports: imports.map((op, k) => [op, importDesc(fns[k]!)]), floats };
  c.variants.set(modes, v);
  return v;
}

/** A float32 Array's elements already in kernel memory (a product a kernel reads in place). */
class Placed {
  constructor(
    readonly at: number,
    readonly shape: readonly number[],
  ) {}
  /** As an Array (copied out): for the paths that do not read kernel memory. */
  array(m: Machine): NDArray {
    const n = sizeOf(this.shape);
    return new NDArray(f32(m).slice(this.at >> 2, (this.at >> 2) + n), this.shape, "float32");
  }
}

export function fused(src: string, ...inputs: Input[]): NDArray {
  const c = compiled(src);
  if (c.program.epilogue) return afterProduct(c, inputs);
  return run(c, inputs);
}

/**
 * A kernel whose input 0 is the product of its first two inputs: computed into kernel memory
 * and read there when the product is a large 2-D float32 one (N a multiple of 8, so its rows
 * are contiguous), with the very sums jnp.matmul makes; otherwise made as an Array first.
 */
function afterProduct(c: Compiled, [a, b, ...rest]: Input[]): NDArray {
  const m = machine();
  if (m && a instanceof NDArray && b instanceof NDArray && a.ndim === 2 && b.ndim === 2 && a.dtype === "float32" && b.dtype === "float32") {
    const [M, K] = a.shape, N = b.shape[1];
    const plain = rest.every((x) => typeof x === "number" || (x instanceof NDArray && x.dtype === "float32"));
    // (as jnp.matmul: the kernel from WASM_MIN_WORK multiply-adds, and not a vector product)
    if (plain && b.shape[0] === K && K > 0 && M > 1 && N > 1 && N % 8 === 0 && M * N * K >= WASM_MIN_WORK && M * N >= FUSED_MIN_SIZE) {
      const bytes = (M * N + 4) * 4;
      const at = m.heap.alloc(bytes);
      try {
        gemmWasm(a.data as Float32Array, 0, b.data as Float32Array, 0, M, K, N, new Float32Array(0), 0, Infinity, false, false, at);
        return run(c, [new Placed(at, [M, N]), ...rest]);
      } finally {
        m.heap.release(at, bytes);
      }
    }
  }
  const product = c.program.epilogue === "dot" ? la.dot(a as NDArray, b as NDArray) : la.matmul(a as NDArray, b as NDArray);
  return run(c, [product, ...rest]);
}

function run(c: Compiled, given: readonly (Input | Placed)[]): NDArray {
  const p = c.program;
  // (the paths that interpret the chain read Arrays: a placed input copied out for them)
  const arrays = () => given.map((x) => (x instanceof Placed ? x.array(machine()!) : x));
  // the output's shape; every Array input float32, or the eager functions decide
  const shapes: (readonly number[])[] = [];
  for (const x of given) {
    if (x instanceof NDArray) {
      if (x.dtype !== "float32") return interpret(p, arrays());
      shapes.push(x.shape);
    } else if (x instanceof Placed) shapes.push(x.shape);
    else if (typeof x !== "number") return interpret(p, arrays());
  }
  const shape = broadcastShapes("fused", ...shapes);
  const n = sizeOf(shape);
  if (n < FUSED_MIN_SIZE || given.some((x) => x instanceof Placed && sizeOf(x.shape) !== n)) return interpret(p, arrays());
  // scalars: numbers (weak, rounded to float32 as eager code does) and one-element Arrays; rows
  // repeated along the output (a bias: the trailing dimensions, length a multiple of 4) read in
  // place; other broadcasts made full; placed inputs where they are
  let modes = "";
  const vals: (Float32Array | number | Placed)[] = given.map((x) => {
    if (typeof x === "number") return (modes += "s"), Math.fround(x);
    if (x instanceof Placed) return (modes += "v"), x;
    if (x.size === 1) return (modes += "s"), x.data[0] as number;
    if (x.size < n && x.size % 4 === 0 && isRow(x.shape, shape)) return (modes += "r"), x.data as Float32Array;
    modes += "v";
    const full = x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]) ? x : broadcastTo(x, shape);
    return full.data as Float32Array;
  });
  const v = variant(c, modes);
  const m = machine();
  if (!v || !m) return interpret(p, arrays());
  // inputs: kept copies in kernel memory (resident.ts), or copied into the scratch block, each
  // region n floats and the padding every block has (arena.ts)
  beginCall();
  const kept = vals.map((v) => (typeof v === "number" ? null : v instanceof Placed ? v.at : resident(m, v)));
  const region = (len: number) => len * 4 + PAD;
  const copied = vals.reduce((b: number, v, k) => (v instanceof Float32Array && kept[k] === null ? b + region(v.length) : b), 0);
  // the output: in the arena inside a jit'd call (read in place by the next kernel), else scratch
  const outView = p.reduce ? null : arenaFloats(n);
  const base = scratch(m, copied + (outView ? 0 : region(n)));
  const mem = f32(m);
  let at = base;
  const args = vals.flatMap((v, k) => {
    if (typeof v === "number") return [v];
    if (v instanceof Placed) return [v.at];
    let ptr = kept[k];
    if (ptr === null) {
      mem.set(v, at >> 2);
      ptr = at;
      at += region(v.length);
    }
    return modes[k] === "r" ? [ptr, v.length] : [ptr];
  });
  if (outView) at = outView.byteOffset;
  // large: every ready worker and this thread take chunks from a shared counter until none are
  // left (the split balances itself however late a worker wakes)
  // (an arithmetic chain runs at memory speed: threads pay only on large Arrays)
  const parallelFrom = allSimd(p) ? PARALLEL_MIN_SIZE_SIMD : PARALLEL_MIN_SIZE;
  const workers = n >= parallelFrom && m.pool && args.length + 3 <= MAX_ARGS ? m.pool.ready() : [];
  const posted: number[] = [];
  if (workers.length) {
    Atomics.store(i32(m), COUNTER >> 2, 0);
    for (const w of workers) {
      m.pool!.load(w, v.id, v.module, v.imports, v.floats);
      m.pool!.postKernel(w, v.id, [...args, at, n, COUNTER], v.floats);
      posted.push(w);
    }
  }
  // an output that will be copied out to an ordinary Array: that Array made now, its pages
  // touched while the workers compute (a fresh Array's first writes fault its pages in, about
  // as long as the copy itself on some machines), then this thread joins the kernel
  const dest = posted.length && !p.reduce && (!outView || p.ret) ? touched(n) : null;
  if (dest && outView) arenaDestination(outView, dest);
  let failed: unknown;
  try {
    if (posted.length) v.shared(...args, at, n, COUNTER);
    else v.kern(...args, at, n, 0);
  } catch (e) {
    failed = e;
  }
  for (const w of posted) m.pool!.settle(w);
  if (failed) throw failed;
  if (p.reduce) {
    // the chain's values stay in scratch: summed there in float64, rounded once
    const s = m.exports.sumF32(at, n) as number;
    return new NDArray(Float32Array.of(p.reduce === "mean" ? s / n : s), [], "float32");
  }
  if (outView) return new NDArray(outView, shape, "float32");
  const out = f32(m).subarray(at >> 2, (at >> 2) + n);
  return new NDArray(dest ? (dest.set(out), dest) : out.slice(), shape, "float32");
}

/** A new float32 buffer of n elements with every page written once. */
function touched(n: number): Float32Array {
  const d = new Float32Array(n);
  for (let k = 0; k < n; k += 1024) d[k] = 0;
  return d;
}

/** Whether `x` (leading 1s aside) is the trailing dimensions of `out`: repeated along it, row after row. */
function isRow(x: readonly number[], out: readonly number[]): boolean {
  let k = 0;
  while (k < x.length && x[k] === 1) k++;
  const tail = x.slice(k);
  return tail.length <= out.length && tail.every((d, i) => d === out[out.length - tail.length + i]);
}

const ONE_OP: Record<string, string> = {};
/**
 * Eager exp/tanh/sin/cos on a float32 Array of FUSED_MIN_SIZE elements or more: the fused kernel's vector
 * polynomial (vmath.ts), so eager and jit'd code give the same bits; null otherwise (the caller's
 * Math.* loop).
 */
export function vectorMath(op: "exp" | "tanh" | "sin" | "cos", a: unknown): NDArray | null {
  if (!(a instanceof NDArray) || a.dtype !== "float32" || a.size < FUSED_MIN_SIZE || a.device !== "cpu" || !machine()) return null;
  return fused((ONE_OP[op] ??= JSON.stringify({ in: 1, ops: [[op, 0]] })), a);
}
