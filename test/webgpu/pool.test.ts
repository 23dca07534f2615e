// The GPU buffer pool (runtime/webgpu/pool.ts) on a stand-in device that counts buffers: reuse by
// size, pinned buffers, the cap, frames (a jit'd call's intermediates) and owners (Arrays on the
// GPU, given back when collected: checked in a child Node with --expose-gc). No GPU needed.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { frameClose, frameOpen, give, inFrame, kill, pin, poolStats, POOL_MAX_BYTES, take } from "../../runtime/webgpu/pool.js";
import type { GpuDevice } from "../../runtime/webgpu/types.js";

interface FakeBuffer {
  size: number;
  destroyed: boolean;
  destroy(): void;
}
function fakeDevice(): GpuDevice & { made: FakeBuffer[] } {
  const made: FakeBuffer[] = [];
  return {
    made,
    createBuffer: ({ size }: { size: number }) => {
      const b: FakeBuffer = { size, destroyed: false, destroy: () => void (b.destroyed = true) };
      made.push(b);
      return b;
    },
  } as unknown as GpuDevice & { made: FakeBuffer[] };
}

describe("the GPU buffer pool", () => {
  it("a buffer given back is taken again for the same size (rounded to 4 bytes, 4 at least), not for another", () => {
    const d = fakeDevice();
    const a = take(d, 10);
    expect(a.size).toBe(12);
    expect(take(d, 0).size).toBe(4);
    give(a);
    expect(take(d, 16)).not.toBe(a);
    expect(take(d, 9)).toBe(a);
    expect(poolStats(d)).toEqual({ created: 3, reused: 1, pooledBytes: 0 });
  });

  it("giving twice pools once; pinned buffers and killed ones never come back", () => {
    const d = fakeDevice();
    const a = take(d, 64), p = take(d, 64), k = take(d, 64);
    give(a);
    give(a);
    expect(poolStats(d).pooledBytes).toBe(64);
    pin(p);
    give(p);
    kill(k);
    give(k);
    expect(poolStats(d).pooledBytes).toBe(64);
    expect((k as unknown as FakeBuffer).destroyed).toBe(true);
    expect(take(d, 64)).toBe(a);
    expect(take(d, 64)).not.toBe(p);
  });

  it("beyond the cap, given buffers are destroyed", () => {
    const d = fakeDevice();
    const big = take(d, POOL_MAX_BYTES), more = take(d, 1024);
    give(big);
    give(more);
    expect(poolStats(d).pooledBytes).toBe(POOL_MAX_BYTES);
    expect((more as unknown as FakeBuffer).destroyed).toBe(true);
  });

  it("a frame gives back what was taken inside it except the buffers kept, nested frames too", () => {
    const d = fakeDevice();
    const outside = take(d, 8);
    expect(inFrame()).toBe(false);
    const t = frameOpen();
    expect(inFrame()).toBe(true);
    const r = take(d, 8), tmp = take(d, 8);
    frameOpen();
    const inner = take(d, 8);
    frameClose(t, new Set([r]));
    expect(inFrame()).toBe(false);
    expect(poolStats(d).pooledBytes).toBe(16); // tmp and inner
    const again = new Set([take(d, 8), take(d, 8)]);
    expect(again.has(inner) && again.has(tmp)).toBe(true);
    expect(take(d, 8)).not.toBe(r);
    expect(take(d, 8)).not.toBe(outside);
  });

  it("an Array's buffer goes back when every Array holding it is collected (a child Node with --expose-gc)", () => {
    const url = new URL("../../dist/runtime/webgpu/pool.js", import.meta.url).href;
    const script = `
      const { own, poolStats, take } = await import(${JSON.stringify(url)});
      const d = { createBuffer: ({ size }) => ({ size, destroy() {} }) };
      const b = take(d, 32);
      let x = {}, y = {};
      own(x, b); own(y, b);
      const settle = async () => { for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); } };
      x = null; await settle();
      const one = poolStats(d).pooledBytes;
      y = null; await settle();
      console.log(JSON.stringify([one, poolStats(d).pooledBytes]));`;
    const out = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([0, 32]);
  });
});
