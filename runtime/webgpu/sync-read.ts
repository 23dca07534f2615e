// A synchronous read of a GPU buffer, for the synchronous methods of an Array on the GPU.
// WebGPU has none (mapAsync resolves through the event loop), but a browser can draw a canvas
// synchronously: the buffer is copied into the texture of an OffscreenCanvas configured for the
// device (4 bytes a bgra8unorm texel, 256 texels a row), drawn into a 2-D canvas and read with
// getImageData, which waits for the GPU. An "opaque" canvas keeps the three colour bytes exact
// (its alpha reads 255) and a "premultiplied" one the alpha byte, so two draws give every byte.
// The same approach as TensorFlow.js's and @jax-js/jax's synchronous WebGPU reads. Node has no
// OffscreenCanvas: there is no synchronous read (resident.ts says to `await x.block()`).

import type { TypedArray } from "../dtype.js";
import type { GpuArray } from "./run.js";
import type { GpuBuffer, GpuDevice } from "./types.js";

const W = 256; // texels a row: 1024 bytes, a multiple of WebGPU's 256-byte row alignment
const ROWS = 256; // rows a draw

// (the few canvas interfaces used, declared structurally: tsjax's types need no DOM library)
interface Canvas2D {
  drawImage(c: unknown, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  clearRect(x: number, y: number, w: number, h: number): void;
}
interface GpuCanvasContext {
  configure(c: { device: GpuDevice; format: string; usage: number; alphaMode: string }): void;
  getCurrentTexture(): unknown;
}
interface Offscreen {
  width: number;
  height: number;
  getContext(kind: "webgpu"): GpuCanvasContext | null;
  getContext(kind: "2d", o?: { willReadFrequently: boolean }): Canvas2D | null;
}
type OffscreenCtor = new (w: number, h: number) => Offscreen;
interface TextureEncoder {
  copyBufferToTexture(src: { buffer: GpuBuffer; offset: number; bytesPerRow: number }, dst: { texture: unknown }, size: { width: number; height: number }): void;
  finish(): unknown;
}

const COPY_DST = 2; // GPUTextureUsage.COPY_DST

interface Reader {
  device: GpuDevice;
  gpuCanvases: { canvas: Offscreen; ctx: GpuCanvasContext }[];
  host: Canvas2D;
  hostCanvas: Offscreen;
}
let reader: Reader | null = null;

function readerFor(device: GpuDevice): Reader {
  if (reader?.device === device) return reader;
  const OC = (globalThis as { OffscreenCanvas?: OffscreenCtor }).OffscreenCanvas!;
  const gpuCanvases = ["opaque", "premultiplied"].map((alphaMode) => {
    const canvas = new OC(W, ROWS);
    const ctx = canvas.getContext("webgpu");
    if (!ctx) throw new Error("tsjax: WebGPU: this browser gives no 'webgpu' context for an OffscreenCanvas, so an Array on the GPU cannot be read synchronously: `await x.block()` first");
    ctx.configure({ device, format: "bgra8unorm", usage: COPY_DST, alphaMode });
    return { canvas, ctx };
  });
  const hostCanvas = new OC(W, ROWS);
  const host = hostCanvas.getContext("2d", { willReadFrequently: true });
  if (!host) throw new Error("tsjax: WebGPU: no 2-D canvas context for a synchronous read");
  return (reader = { device, gpuCanvases, host, hostCanvas });
}

/** The bytes of `buffer` from `offset`, `rows` rows of W texels, drawn through both canvases. */
function drawRows(r: Reader, buffer: GpuBuffer, offset: number, rows: number, out: Uint8Array, at: number, bytes: number): void {
  const planes: Uint8ClampedArray[] = [];
  for (const { canvas, ctx } of r.gpuCanvases) {
    canvas.height = rows;
    r.hostCanvas.height = rows;
    const enc = r.device.createCommandEncoder() as unknown as TextureEncoder;
    enc.copyBufferToTexture({ buffer, offset, bytesPerRow: W * 4 }, { texture: ctx.getCurrentTexture() }, { width: W, height: rows });
    r.device.queue.submit([enc.finish() as never]);
    r.host.clearRect(0, 0, W, rows);
    r.host.drawImage(canvas, 0, 0);
    planes.push(r.host.getImageData(0, 0, W, rows).data);
  }
  const [opaque, premul] = planes;
  // a bgra8unorm texel read as RGBA: bytes b0 b1 b2 b3 come back as R = b2, G = b1, B = b0, A = b3
  for (let i = 0; i < bytes; i += 4) {
    out[at + i] = opaque[i + 2];
    out[at + i + 1] = opaque[i + 1];
    out[at + i + 2] = opaque[i];
    out[at + i + 3] = premul[i + 3];
  }
}

function read(x: GpuArray): TypedArray {
  const r = readerFor(x.gpu.device);
  const bytes = x.size * 4;
  // (the texture copy reads whole rows: the buffer is padded to them)
  const padded = Math.ceil(bytes / (W * 4)) * W * 4;
  let src = x.buffer;
  if (padded > x.buffer.size) {
    src = r.device.createBuffer({ size: padded, usage: 4 | 8 }); // COPY_SRC | COPY_DST
    const enc = r.device.createCommandEncoder();
    enc.copyBufferToBuffer(x.buffer, 0, src, 0, x.buffer.size);
    r.device.queue.submit([enc.finish()]);
  }
  const out = new Uint8Array(padded);
  const chunk = ROWS * W * 4;
  for (let at = 0; at < padded; at += chunk) {
    const n = Math.min(chunk, padded - at);
    drawRows(r, src, at, n / (W * 4), out, at, n);
  }
  if (src !== x.buffer) src.destroy();
  const words = new Uint32Array(out.buffer, 0, x.size);
  return x.dtype === "bool" ? Uint8Array.from(words) : new Float32Array(out.buffer, 0, x.size);
}

/** The values of `x` read synchronously (a browser), or null where that cannot be done (Node). */
export const syncRead = Object.assign((x: GpuArray): TypedArray | null => (syncRead.available() ? read(x) : null), {
  /** Whether synchronous reads work here (an OffscreenCanvas exists). */
  available: (): boolean => typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === "function",
});
