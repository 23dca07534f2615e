// Pytrees of Arrays as safetensors files (the format every ML ecosystem reads): 8 bytes of
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range,
// then the tensors' little-endian data. Laid out as the reference implementation writes it:
// tensors sorted by dtype (widest first) then name, the header padded with spaces to a multiple
// of 8. Tensor names are the leaves' pytree paths joined by "." (`layers.0.W`); the tree's exact
// structure (objects, lists, which leaves were JS numbers) goes in `__metadata__` so `load` gives
// back the same pytree; a file without it loads as nested objects of its dotted names.

import { NDArray } from "./array.js";
import type { DType } from "./dtype.js";
import { f16Bits, f16Value } from "./dtype.js";
import { flatten, structure, TreeDef, unflatten } from "./tree.js";

const DTYPES: Record<DType, string> = { float16: "F16", float32: "F32", float64: "F64", int32: "I32", uint32: "U32", bool: "BOOL" };
// (F64 is also how a JS number leaf is stored: the tree's shape tells the two apart)
const FROM: Record<string, DType> = { F16: "float16", F32: "float32", F64: "float64", I32: "int32", U32: "uint32", BOOL: "bool" };
/** The reference implementation's dtype order (declaration order; files list the widest first). */
const RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];
const TREE_KEY = "tsjax.tree";

interface Tensor {
  name: string;
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** The tree's shape as compact JSON: objects and lists as themselves, "A" an Array leaf, "n" a number. */
function shapeOf(d: TreeDef, leaves: unknown[], pos: { i: number }): unknown {
  switch (d.kind) {
    case "leaf":
      return typeof leaves[pos.i++] === "number" ? "n" : "A";
    case "array":
      return d.children.map((c) => shapeOf(c, leaves, pos));
    case "object":
      return Object.fromEntries(d.keys.map((k, i) => [k, shapeOf(d.children[i], leaves, pos)]));
    default:
      throw new TypeError(`tree.save: ${d.kind} nodes cannot be saved`);
  }
}

/** The leaves' dotted paths, in flatten order. */
function paths(d: TreeDef, prefix: string[], out: string[]): string[] {
  if (d.kind === "leaf") out.push(prefix.length ? prefix.join(".") : "value");
  else if (d.kind === "array") d.children.forEach((c, i) => paths(c, [...prefix, String(i)], out));
  else if (d.kind === "object") d.children.forEach((c, i) => paths(c, [...prefix, d.keys[i]], out));
  return out;
}

const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function bytesOf(x: NDArray | number): [string, number[], Uint8Array] {
  if (typeof x === "number") return ["F64", [], new Uint8Array(new Float64Array([x]).buffer)];
  if (!le) throw new Error("tree.save: big-endian machines are not supported");
  const data =
    x.dtype === "bool"
      ? Uint8Array.from(x.data as ArrayLike<number>, (v) => (v ? 1 : 0))
      : x.dtype === "float16"
        ? new Uint8Array(Uint16Array.from(x.data as ArrayLike<number>, f16Bits).buffer)
        : new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
  return [DTYPES[x.dtype], [...x.shape], data];
}

/** A pytree of Arrays and numbers as the bytes of a safetensors file. */
export function save(tree: unknown): Uint8Array {
  const [leaves, def] = flatten(tree);
  const names = paths(def, [], []);
  const tensors: Tensor[] = leaves.map((x, i) => {
    if (!(x instanceof NDArray) && typeof x !== "number") throw new TypeError(`tree.save: the leaf at '${names[i]}' is not an Array or a number`);
    const [dtype, shape, bytes] = bytesOf(x);
    return { name: names[i], dtype, shape, bytes };
  });
  if (new Set(names).size !== names.length) throw new TypeError(`tree.save: two leaves have the same name (${names.find((n, i) => names.indexOf(n) !== i)}): keys must not contain "."`);
  tensors.sort((a, b) => RANK.indexOf(b.dtype) - RANK.indexOf(a.dtype) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { [TREE_KEY]: JSON.stringify(shapeOf(def, leaves, { i: 0 })) } };
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = Uint8Array.from([...json, ...new Array(pad).fill(0x20)]);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) (out.set(t.bytes, at), (at += t.bytes.length));
  return out;
}

/** The pytree a safetensors file holds (its own tree if tsjax wrote it, else nested objects of its dotted names). */
export function load(bytes: Uint8Array | ArrayBuffer): any {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fail = (why: string): never => {
    throw new TypeError(`tree.load: not a safetensors file: ${why}`);
  };
  if (buf.length < 8) fail(`${buf.length} bytes, less than the 8 of the header length`);
  const n = Number(new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > buf.length) fail(`a header of ${n} bytes in a file of ${buf.length}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__?: Record<string, string> };
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    return fail(`its header is not JSON (${(e as Error).message})`);
  }
  const data = buf.subarray(8 + n);
  const leafOf = (name: string, isNumber: boolean): NDArray | number => {
    const t = header[name];
    const kind = FROM[t.dtype] ?? fail(`tensor '${name}' has dtype ${t.dtype}, which tsjax does not have`);
    const [b, e] = t.data_offsets;
    if (!(0 <= b && b <= e && e <= data.length)) fail(`tensor '${name}' lies at bytes ${b}..${e} of ${data.length}`);
    // (a copy of exactly those bytes: a Node Buffer's slice is a view into a shared pool)
    const raw = new Uint8Array(data.subarray(b, e)).buffer;
    if (isNumber && kind === "float64" && t.shape.length === 0) return new Float64Array(raw)[0];
    const arr =
      kind === "float32" ? new Float32Array(raw)
      : kind === "float64" ? new Float64Array(raw)
      : kind === "float16" ? Float32Array.from(new Uint16Array(raw), f16Value)
      : kind === "int32" ? new Int32Array(raw)
      : kind === "uint32" ? new Uint32Array(raw)
      : Uint8Array.from(new Uint8Array(raw));
    const size = t.shape.reduce((a, c) => a * c, 1);
    if (arr.length !== size) fail(`tensor '${name}' has ${arr.length} elements for shape (${t.shape.join(", ")})`);
    return new NDArray(arr, t.shape, kind);
  };
  const names = Object.keys(header).filter((k) => k !== "__metadata__");
  const shape = header.__metadata__?.[TREE_KEY];
  if (shape !== undefined) {
    // the tree as saved: its leaves in flatten order are its dotted paths in flatten order
    const template = JSON.parse(shape) as unknown;
    const def = structure(template);
    const order = paths(def, [], []);
    const kinds = flatten(template)[0]; // "n" a number leaf, "A" an Array
    return unflatten(def, order.map((name, i) => (header[name] ? leafOf(name, kinds[i] === "n") : fail(`tensor '${name}' named in its tree is missing`))));
  }
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const parts = name.split(".");
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = leafOf(name, true); // (a 0-d F64 reads as a number)
  }
  return out;
}
