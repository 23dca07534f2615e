// A small WebAssembly binary emitter: enough of the format for tsjax's kernels (functions over
// one imported memory, i32/f32/f64/v128 locals, structured control flow, SIMD). Kernels are
// generated as code, not written as text, so one generator makes every variant (the micro-tile
// heights of matmul, a fusion group's chain). Binary format: webassembly.github.io/spec, §5.

// The WebAssembly API, typed here (TypeScript declares it only with the DOM library).
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
export type WasmModule = object;
export type WasmExports = Record<string, (...args: number[]) => number | void>;
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  Module: { new (bytes: Uint8Array): WasmModule; exports(m: WasmModule): { name: string }[] };
  Instance: new (m: WasmModule, imports: object) => { exports: WasmExports };
}
export const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const bytesOf = (s: string) => [...new TextEncoder().encode(s)];
function vec(items: number[][], out: number[]): void {
  uleb(items.length, out);
  for (const i of items) out.push(...i);
}
function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  out.push(...body);
}

/** The SIMD opcodes the kernels use (prefix 0xfd). */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  f32x4Splat: 0x13,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  i8x16Shuffle: 0x0d,
  f32x4DemoteF64x2Zero: 0x5e,
  f64x2PromoteLowF32x4: 0x5f,
} as const;
/** i8x16.shuffle's lanes that move an f32x4's lanes 2 and 3 to lanes 0 and 1 (to widen its high half). */
export const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/** A function body under construction: locals by index (parameters first), instructions appended. */
export class Code {
  readonly bytes: number[] = [];
  readonly locals: ValType[] = [];
  constructor(readonly params: readonly ValType[]) {}

  /** A new local of type t (its index). */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }
  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  get(i: number): this {
    this.bytes.push(0x20);
    uleb(i, this.bytes);
    return this;
  }
  set(i: number): this {
    this.bytes.push(0x21);
    uleb(i, this.bytes);
    return this;
  }
  tee(i: number): this {
    this.bytes.push(0x22);
    uleb(i, this.bytes);
    return this;
  }
  i32(n: number): this {
    this.bytes.push(0x41);
    sleb(n | 0, this.bytes);
    return this;
  }
  i32Add = () => this.op(0x6a);
  i32Sub = () => this.op(0x6b);
  i32Mul = () => this.op(0x6c);
  i32LtS = () => this.op(0x48);
  i32LtU = () => this.op(0x49);
  i32GeS = () => this.op(0x4e);
  i32Eqz = () => this.op(0x45);
  i32Shl = () => this.op(0x74);
  i32ShrU = () => this.op(0x76);
  i32Eq = () => this.op(0x46);
  i32Ne = () => this.op(0x47);
  i32GtS = () => this.op(0x4a);
  /** `a b cond select`: a if cond ≠ 0 else b. */
  select = () => this.op(0x1b);
  call(fn: number): this {
    this.bytes.push(0x10);
    uleb(fn, this.bytes);
    return this;
  }
  /** block … end (no result): `br depth` from inside jumps to its end. */
  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  /** loop … end: `br depth` from inside jumps to its start. */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  /** if … else … end; with `result`, both branches leave one value of that type. */
  if(then: () => void, els?: () => void, result?: ValType): this {
    this.op(0x04, result ?? 0x40);
    then();
    if (els) {
      this.op(0x05);
      els();
    }
    return this.op(0x0b);
  }
  br(depth: number): this {
    this.bytes.push(0x0c);
    uleb(depth, this.bytes);
    return this;
  }
  brIf(depth: number): this {
    this.bytes.push(0x0d);
    uleb(depth, this.bytes);
    return this;
  }
  private mem(op: number, align: number, offset: number): this {
    this.bytes.push(op);
    uleb(align, this.bytes);
    uleb(offset, this.bytes);
    return this;
  }
  f32Load = (offset = 0) => this.mem(0x2a, 2, offset);
  f32Store = (offset = 0) => this.mem(0x38, 2, offset);
  simd(op: number): this {
    this.bytes.push(0xfd);
    uleb(op, this.bytes);
    return this;
  }
  private simdMem(op: number, align: number, offset: number): this {
    this.simd(op);
    uleb(align, this.bytes);
    uleb(offset, this.bytes);
    return this;
  }
  v128Load = (offset = 0) => this.simdMem(SIMD.load, 4, offset);
  v128Store = (offset = 0) => this.simdMem(SIMD.store, 4, offset);
  load32Splat = (offset = 0) => this.simdMem(SIMD.load32Splat, 2, offset);
  /** v128.const of four float32 lanes. */
  f32x4Const(x: number): this {
    this.simd(0x0c);
    const b = new Uint8Array(new Float32Array([x, x, x, x]).buffer);
    this.bytes.push(...b);
    return this;
  }
}

export interface FuncDef {
  readonly name: string;
  readonly code: Code;
  readonly results?: readonly ValType[];
}

/** A function the module imports from `env` (JavaScript: Math.tanh, a runtime scalar function). */
export interface ImportDef {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/**
 * A module importing one memory (`env.memory`, shared when asked) and the functions `imports`
 * (function indices 0..m-1), and exporting `funcs` (indices m, m+1, …).
 */
export function moduleBytes(funcs: readonly FuncDef[], memory: { shared: boolean; min: number; max: number }, imports: readonly ImportDef[] = []): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const m = imports.length;
  // one type per function, imports first (duplicates are allowed)
  const sig = (params: readonly ValType[], results: readonly ValType[]) => {
    const t = [0x60];
    vec(params.map((p) => [p]), t);
    vec(results.map((r) => [r]), t);
    return t;
  };
  const types = [...imports.map((im) => sig(im.params, im.results)), ...funcs.map((f) => sig(f.code.params, f.results ?? []))];
  const tsec: number[] = [];
  vec(types, tsec);
  section(1, tsec, out);
  const name = (s: string, b: number[]) => {
    const bs = bytesOf(s);
    uleb(bs.length, b);
    b.push(...bs);
  };
  const entries: number[][] = [];
  imports.forEach((im, i) => {
    const e: number[] = [];
    name("env", e);
    name(im.name, e);
    e.push(0x00);
    uleb(i, e);
    entries.push(e);
  });
  const mem: number[] = [];
  name("env", mem);
  name("memory", mem);
  mem.push(0x02, memory.shared ? 0x03 : 0x01);
  uleb(memory.min, mem);
  uleb(memory.max, mem);
  entries.push(mem);
  const imp: number[] = [];
  vec(entries, imp);
  section(2, imp, out);
  const fsec: number[] = [];
  vec(
    funcs.map((_, i) => {
      const b: number[] = [];
      uleb(m + i, b);
      return b;
    }),
    fsec,
  );
  section(3, fsec, out);
  const esec: number[] = [];
  vec(
    funcs.map((f, i) => {
      const b: number[] = [];
      name(f.name, b);
      b.push(0x00);
      uleb(m + i, b);
      return b;
    }),
    esec,
  );
  section(7, esec, out);
  const csec: number[] = [];
  vec(
    funcs.map((f) => {
      const body: number[] = [];
      // locals, run-length grouped
      const groups: number[][] = [];
      for (const t of f.code.locals) {
        const last = groups[groups.length - 1];
        if (last && last[1] === t) last[0]++;
        else groups.push([1, t]);
      }
      uleb(groups.length, body);
      for (const [c, t] of groups) {
        uleb(c, body);
        body.push(t);
      }
      body.push(...f.code.bytes, 0x0b);
      const sized: number[] = [];
      uleb(body.length, sized);
      return [...sized, ...body];
    }),
    csec,
  );
  section(10, csec, out);
  return new Uint8Array(out);
}
