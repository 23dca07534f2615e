// SIMD code (f32x4 and f64x2) as a graph of values, emitted in an order that interleaves independent chains.
// The fastMath kernels wait on dependency chains as much as on the FP units: every polynomial
// and range reduction is a chain of dependent instructions. Built as a graph, the body of one
// step (two vectors' worth, several functions) is emitted by depth: the first instruction of
// every chain, then the second, …, so the processor has independent work at hand. (TurboFan
// places pure instructions itself, but not freely: the same graph emitted in creation order ran
// the (e) chain 10–20% slower; bench/RESULTS.md, 2026-12-02.)

import { Code, V128 } from "./wasm.js";

/** A value: how to compute it from its arguments' values (on the stack, in order). */
export interface VNode {
  readonly args: readonly VNode[];
  /** Pushes the value (arguments already pushed); `void` nodes are effects (stores, updates). */
  readonly emit: (f: Code) => void;
  /** A constant: emitted where used, never held in a local. */
  readonly konst?: (f: Code) => void;
  readonly effect: boolean;
  /** Longest path from an input, in instructions. */
  readonly depth: number;
  readonly seq: number;
}

/** f32x4 / i32x4 / v128 opcodes (after the 0xfd prefix). */
export const OP = {
  extract: 0x1f,
  replace: 0x20,
  eq: 0x41,
  lt: 0x43,
  gt: 0x44,
  ge: 0x46,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  anyTrue: 0x53,
  i32x4Shl: 0xab,
  i32x4ShrS: 0xac,
  i32x4Add: 0xae,
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  // pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a: one instruction each (minps/maxps),
  // where min/max's NaN and ±0 rules cost seven; with the argument first, NaN stays NaN
  pmin: 0xea,
  pmax: 0xeb,
} as const;

export class VDag {
  readonly nodes: VNode[] = [];
  private readonly consts = new Map<string, VNode>();

  /** A node computed by `emit` from `args`. */
  node(args: readonly VNode[], emit: (f: Code) => void, effect = false): VNode {
    const depth = 1 + Math.max(0, ...args.map((a) => (a.konst ? 0 : a.depth)));
    const n: VNode = { args, emit, effect, depth, seq: this.nodes.length };
    this.nodes.push(n);
    return n;
  }
  /** A value already in a local (a loop's input, a splatted scalar). */
  local(l: number): VNode {
    return { args: [], emit: () => {}, konst: (f) => void f.get(l), effect: false, depth: 0, seq: -1 };
  }
  /** Four lanes of x. */
  f32(x: number): VNode {
    return this.konstNode(`f${x}`, (f) => void f.f32x4Const(x));
  }
  /** Two float64 lanes of x. */
  f64(x: number): VNode {
    return this.konstNode(`d${Object.is(x, -0) ? "-0" : x}`, (f) => {
      f.simd(0x0c);
      f.op(...new Uint8Array(new Float64Array([x, x]).buffer));
    });
  }
  /** Two 64-bit lanes with these bits (high and low words). */
  bits64(hi: number, lo: number): VNode {
    return this.konstNode(`q${hi >>> 0}:${lo >>> 0}`, (f) => {
      f.simd(0x0c);
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      for (const k of [0, 8]) (dv.setUint32(k, lo >>> 0, true), dv.setUint32(k + 4, hi >>> 0, true));
      f.op(...b);
    });
  }
  /** Four 32-bit lanes with these bits. */
  bits(u: number): VNode {
    return this.konstNode(`b${u >>> 0}`, (f) => {
      f.simd(0x0c);
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      for (let k = 0; k < 4; k++) dv.setUint32(4 * k, u >>> 0, true);
      f.op(...b);
    });
  }
  private konstNode(key: string, konst: (f: Code) => void): VNode {
    let n = this.consts.get(key);
    if (!n) this.consts.set(key, (n = { args: [], emit: () => {}, konst, effect: false, depth: 0, seq: -1 }));
    return n;
  }
  /** A SIMD instruction (0xfd prefix) on these operands. */
  simd(op: number, ...args: VNode[]): VNode {
    return this.node(args, (f) => void f.simd(op));
  }
  /** A SIMD shift of a by a constant count. */
  shift(op: number, a: VNode, count: number): VNode {
    return this.node([a], (f) => void f.i32(count).simd(op));
  }
  add = (a: VNode, b: VNode) => this.simd(OP.add, a, b);
  sub = (a: VNode, b: VNode) => this.simd(OP.sub, a, b);
  mul = (a: VNode, b: VNode) => this.simd(OP.mul, a, b);
  div = (a: VNode, b: VNode) => this.simd(OP.div, a, b);
  and = (a: VNode, b: VNode) => this.simd(OP.and, a, b);
  xor = (a: VNode, b: VNode) => this.simd(OP.xor, a, b);
  /** a where m's bits are set, else b. */
  select = (a: VNode, b: VNode, m: VNode) => this.simd(OP.bitselect, a, b, m);

  /**
   * Emits every node: by depth (so independent chains interleave), in creation order within a
   * depth; each value into a local of its own (V8 allocates the registers), constants inline.
   */
  emit(f: Code): void {
    const order = this.nodes.slice().sort((a, b) => a.depth - b.depth || a.seq - b.seq);
    const at = new Map<VNode, number>();
    for (const n of order) {
      for (const a of n.args) {
        if (a.konst) a.konst(f);
        else f.get(at.get(a)!);
      }
      n.emit(f);
      if (!n.effect) {
        const l = f.local(V128);
        f.set(l);
        at.set(n, l);
      }
    }
  }
}
