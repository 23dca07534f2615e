// tree.save / tree.load: safetensors files of pytrees. Byte for byte against a file written from
// the format's specification with NumPy (test/fixtures/gen_safetensors.py), round trips of every
// dtype, a file without tsjax's metadata, and the errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { numpy as jnp, tree, Array as TArray } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const HEX = readFileSync(new URL("../fixtures/tree.safetensors.hex", import.meta.url), "utf8").trim();
const REFERENCE = Uint8Array.from(HEX.match(/../g)!.map((h) => parseInt(h, 16)));

/** The tree gen_safetensors.py writes. */
const TREE = () => ({
  layers: [{ W: jnp.divide(jnp.arange(6).reshape([2, 3]), 4), b: jnp.array([0.5, -1.25, 3]) }, jnp.array(2.5)] as [{ W: Array; b: Array }, Array],
  lr: 0.001,
  mask: jnp.array([true, false, true]),
  step: jnp.array([7], { dtype: "int32" }),
  seed: new TArray(Uint32Array.of(1, 4294967295), [2], "uint32"),
});

describe("tree.save", () => {
  it("writes the bytes the format's reference layout gives (dtype order, names, offsets, padding)", () => {
    expect(tree.save(TREE())).toEqual(REFERENCE);
  });
  it("a header whose length is a multiple of 8, then the data", () => {
    const b = tree.save({ w: jnp.ones([3]) });
    const n = Number(new DataView(b.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    expect(b.length).toBe(8 + n + 12);
  });
  it("refuses leaves it cannot write, and names that collide", () => {
    expect(() => tree.save({ a: "text" })).toThrow(/tree.save: the leaf at 'a' is not an Array or a number/);
    expect(() => tree.save({ "a.b": jnp.ones([1]), a: { b: jnp.ones([1]) } })).toThrow(/two leaves have the same name \(a\.b\)/);
  });
});

describe("tree.load", () => {
  it("gives back the saved pytree: structure, dtypes, shapes and bits", () => {
    const t = tree.load(REFERENCE);
    const want = TREE();
    expect(tree.structure(t).toString()).toBe(tree.structure(want).toString());
    expect(t.lr).toBe(0.001);
    for (const [a, b] of [
      [t.layers[0].W, want.layers[0].W],
      [t.layers[0].b, want.layers[0].b],
      [t.layers[1], want.layers[1]],
      [t.mask, want.mask],
      [t.step, want.step],
      [t.seed, want.seed],
    ]) {
      expect(a.dtype).toBe(b.dtype);
      expect(a.shape).toEqual(b.shape);
      expect([...a.data]).toEqual([...b.data]);
    }
  });
  it("reads a Node Buffer (readFileSync's, a view into a shared pool) as well as a Uint8Array", () => {
    const pooled = Buffer.concat([Buffer.alloc(5), Buffer.from(REFERENCE)]).subarray(5);
    const t = tree.load(pooled);
    expect([...t.layers[0].W.data]).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
  });
  it("round-trips a training state: tuples, nested objects, 0-d and empty Arrays, NaN and -0", () => {
    const t = { opt: [{ count: 3, mu: { W: jnp.array([[NaN, -0], [Infinity, 1e-40]]) } }, []], e: jnp.zeros([0, 4]) };
    const back = tree.load(tree.save(t));
    expect(tree.structure(back).toString()).toBe(tree.structure(t).toString());
    expect(back.opt[0].count).toBe(3);
    expect(Object.is(back.opt[0].mu.W.data[1], -0)).toBe(true);
    expect(Number.isNaN(back.opt[0].mu.W.data[0])).toBe(true);
    expect(back.opt[0].mu.W.data[3]).toBe(Math.fround(1e-40));
    expect(back.e.shape).toEqual([0, 4]);
  });
  it("a file without tsjax's tree loads as nested objects of its dotted names", () => {
    const b = tree.save({ enc: { W: jnp.ones([2]) }, bias: jnp.zeros([2]) });
    // drop the metadata: rebuild the header without it
    const n = Number(new DataView(b.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + n)));
    delete header.__metadata__;
    const json = new TextEncoder().encode(JSON.stringify(header));
    const plain = new Uint8Array(8 + json.length + (b.length - 8 - n));
    new DataView(plain.buffer).setBigUint64(0, BigInt(json.length), true);
    plain.set(json, 8);
    plain.set(b.subarray(8 + n), 8 + json.length);
    const t = tree.load(plain);
    expect(Object.keys(t).sort()).toEqual(["bias", "enc"]);
    expect([...t.enc.W.data]).toEqual([1, 1]);
  });
  it("says what is wrong with a file that is not one", () => {
    expect(() => tree.load(new Uint8Array(3))).toThrow(/not a safetensors file: 3 bytes/);
    const big = new Uint8Array(16);
    new DataView(big.buffer).setBigUint64(0, 1000n, true);
    expect(() => tree.load(big)).toThrow(/a header of 1000 bytes in a file of 16/);
    const bad = tree.save({ w: jnp.ones([2]) });
    expect(() => tree.load(bad.subarray(0, bad.length - 4))).toThrow(/tensor 'w' lies at bytes 0\.\.8 of 4/);
  });
});

describe("Array.prototype.toJSON", () => {
  it("JSON.stringify writes nested lists", () => {
    expect(JSON.stringify({ W: jnp.array([[1, 2], [3, 4]]), b: jnp.array(0.5) })).toBe('{"W":[[1,2],[3,4]],"b":0.5}');
  });
});
