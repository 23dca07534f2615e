// Kernel memory as a heap: the blocks kernels read and write live in the machine's one
// WebAssembly.Memory (workers see the same addresses). First fit over a free list kept in address
// order, neighbours merged on release, the memory grown when no free block is large enough
// (it never shrinks: a block released is reused). The first bytes hold the threads' counters.

import type { WasmMemory } from "./wasm.js";

/** Blocks start at multiples of this (a cache line). */
const ALIGN = 64;
const PAGE = 65536;

export class Heap {
  /** Free blocks [address, bytes], in address order. */
  private free: [number, number][] = [];
  /** The end of the blocks handed out or free (the memory may be larger). */
  private top: number;

  constructor(
    private readonly memory: WasmMemory,
    base: number,
    private readonly maxPages: number,
  ) {
    this.top = base;
  }

  /** A block of at least `bytes`: its address. RangeError when the memory cannot grow that far. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const [at, n] = this.free[i];
      if (n < size) continue;
      if (n === size) this.free.splice(i, 1);
      else this.free[i] = [at + size, n - size];
      return at;
    }
    // none large enough: from the top (after a free block that ends there, if any)
    const last = this.free[this.free.length - 1];
    const at = last && last[0] + last[1] === this.top ? (this.free.pop(), last[0]) : this.top;
    this.reserve(at + size);
    this.top = at + size;
    return at;
  }

  /** Give back a block `alloc(bytes)` returned. */
  release(at: number, bytes: number): void {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let i = 0;
    while (i < this.free.length && this.free[i][0] < at) i++;
    this.free.splice(i, 0, [at, size]);
    // merge with the next, then the previous
    if (i + 1 < this.free.length && at + size === this.free[i + 1][0]) {
      this.free[i][1] += this.free[i + 1][1];
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1][0] + this.free[i - 1][1] === at) {
      this.free[i - 1][1] += this.free[i][1];
      this.free.splice(i, 1);
    }
  }

  /** Bytes handed out (not free), for tests. */
  inUse(): number {
    return this.top - this.free.reduce((s, [, n]) => s + n, 0);
  }

  private reserve(end: number): void {
    const need = Math.ceil(end / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (need > this.maxPages) throw new RangeError(`tsjax: kernel memory needs ${end} bytes, more than the ${(this.maxPages * PAGE) / 2 ** 20} MiB it may grow to`);
    if (need > have) this.memory.grow(need - have);
  }
}
