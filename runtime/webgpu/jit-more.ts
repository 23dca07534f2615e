// More of rt.ts's helpers on the GPU (jit-rt.ts spreads these into its table): joins and the
// parts their adjoints take, flip, the gradient's seed, and matrix products of any rank
// (batched, broadcast, 1-d operands) with their adjoints.

import { NDArray, ON_DEVICE } from "../array.js";
import type { Axis } from "../array.js";
import { normAxes, normAxis, sizeOf } from "../shape.js";
import * as rt from "../rt.js";
import type { WebGpu } from "./device.js";
import { concatGpu, diagonalGpu, diagonalTGpu, flipGpu, indexAxisGpu, placeAxisGpu, sliceAxisGpu, stackGpu } from "./layout.js";
import { broadcastGpu, fusedGpu, GpuArray, matmulGpu, matmulNdGpu, reshapeGpu, dotGpu, broadcast, sumToShapeGpu } from "./run.js";
import { OnGpu } from "./resident.js";
import { cumsumGpu, varianceGpu } from "./stats.js";
import { argGpu, takeGpu, takeTransposeGpu } from "./gather.js";

type Value = GpuArray | NDArray | number;

/** The CPU's helper `f` run with GPU values as Arrays on the GPU (jnp's GPU hooks), results back as buffers. */
export function bridged(f: (...a: unknown[]) => unknown, up: (x: NDArray) => GpuArray): (...a: unknown[]) => unknown {
  // (a CPU Array the jit'd function was given goes to the GPU first, once: `up`, so the helper's work runs there)
  const onDevice = (x: NDArray) => (x.device === "cpu" && (x.dtype === "float32" || x.dtype === "bool") ? new OnGpu(up(x), x.weakType) : x);
  const inArrays = (x: unknown): unknown => (x instanceof GpuArray ? new OnGpu(x) : x instanceof NDArray ? onDevice(x) : x);
  const out = (x: unknown): unknown => (x instanceof OnGpu ? x.gpu : Array.isArray(x) ? x.map(out) : x);
  return (...args) => out(f(...args.map(inArrays)));
}

/** A value's shape (a number's: []). */
export const shapeOf = (x: Value): readonly number[] => (typeof x === "number" ? [] : x.shape);

/**
 * The helpers, given `on` (a value on the GPU, Arrays uploaded once) and `one` (a float32 1 on
 * the GPU).
 */
export function moreHelpers(g: WebGpu, on: (x: Value, what: string) => GpuArray, one: () => GpuArray): Record<string, unknown> {
  /** Where piece i of a concatenation of xs lies in g along the axis. */
  const range = (g0: GpuArray, axis: number | undefined, i: number, xs: Value[]): [number, number, number] => {
    const ax = normAxes("concatenate", axis ?? 0, g0.shape)[0];
    let off = 0;
    for (let j = 0; j < i; j++) off += shapeOf(xs[j])[ax];
    return [ax, off, off + shapeOf(xs[i])[ax]];
  };
  const up = (x: NDArray) => on(x, "an Array");
  const br = (name: keyof typeof rt) => bridged(rt[name] as (...a: unknown[]) => unknown, up);
  /** matmul's operands with a 1-d a as a row and a 1-d b as a column, and g shaped as their product (batch broadcast). */
  const promoted = (gr: Value, a: Value, b: Value) => {
    let [A, B] = [on(a, "matmul's adjoint"), on(b, "matmul's adjoint")];
    if (A.shape.length === 1) A = reshapeGpu(A, [1, A.size]);
    if (B.shape.length === 1) B = reshapeGpu(B, [B.size, 1]);
    const batch = broadcast([A.shape.slice(0, -2), B.shape.slice(0, -2)]);
    const G = reshapeGpu(on(gr, "matmul's adjoint"), [...batch, A.shape[A.shape.length - 2], B.shape[B.shape.length - 1]]);
    return { G, A, B };
  };
  const dotGradB = br("dotGradB");
  const einsum = br("einsum");
  return {
    concatN: (axis: number | undefined, ...xs: Value[]) => concatGpu(g, xs, axis ?? 0),
    stackN: (axis: number | undefined, ...xs: Value[]) => stackGpu(g, xs, axis ?? 0),
    concatPart: (gr: Value, axis: number | undefined, i: number, ...xs: Value[]) => {
      const G = on(gr, "concatPart");
      const [ax, a, b] = range(G, axis, i, xs);
      return sliceAxisGpu(g, G, ax, a, b);
    },
    concatPartT: (gi: Value, gr: Value, axis: number | undefined, i: number, ...xs: Value[]) => {
      const G = on(gr, "concatPartT");
      const [ax, a] = range(G, axis, i, xs);
      return placeAxisGpu(g, gi, G.shape, ax, a);
    },
    stackPart: (gr: Value, axis: number | undefined, i: number) => {
      const G = on(gr, "stackPart");
      return indexAxisGpu(g, G, normAxis("take", axis ?? 0, G.shape.length, G.shape), i);
    },
    stackPartT: (gi: Value, gr: Value, axis: number | undefined, i: number) => {
      const G = on(gr, "stackPartT");
      const ax = normAxis("stack", axis ?? 0, G.shape.length, G.shape);
      return placeAxisGpu(g, gi, G.shape, ax, i);
    },
    flip: (x: Value, axis?: Axis) => {
      const X = on(x, "flip");
      return flipGpu(g, X, normAxes("flip", axis, X.shape));
    },
    diagonal: (x: Value, offset = 0, axis1 = 0, axis2 = 1) => diagonalGpu(g, on(x, "diagonal"), offset, axis1, axis2),
    diagonalTranspose: (gi: Value, x: Value, offset = 0, axis1 = 0, axis2 = 1) => diagonalTGpu(g, gi, shapeOf(x), offset, axis1, axis2),
    // einsum: rt.ts's (transposes, broadcasts, sums, one batched product a step, diagonals), its jnp calls on the GPU
    einsum: (spec: string, ...xs: Value[]) => einsum(spec, ...xs),
    // the output cotangent 1 after JAX's checks (rt.seed's, on the value's shape and dtype)
    seed: (y: Value, api = "grad") => {
      if (typeof y === "number") return 1;
      rt.seed(new NDArray(ON_DEVICE, y.shape.slice(), y.dtype), api);
      return broadcastGpu(g, one(), []);
    },
    // products of any rank: 2-D ones as before (the adjoints' transposed operand read in place),
    // others batched (rt.ts's adjoints, whose jnp calls run on the GPU)
    matmul: (a: Value, b: Value) => matmulNdGpu(g, on(a, "matmul"), on(b, "matmul")),
    // (rt.ts's adjoints, with 1-d operands promoted to matrices and g shaped to match: G·Bᵀ and Aᵀ·G
    // with the transposed operand read in place, summed over broadcast batch axes)
    matmulGradA: (gr: Value, a: Value, b: Value) => {
      const { G, A, B } = promoted(gr, a, b);
      const full = matmulNdGpu(g, G, B, false, true);
      return reshapeGpu(sumToShapeGpu(g, full, A.shape), shapeOf(a));
    },
    matmulGradB: (gr: Value, a: Value, b: Value) => {
      const { G, A, B } = promoted(gr, a, b);
      const full = matmulNdGpu(g, A, G, true, false);
      return reshapeGpu(sumToShapeGpu(g, full, B.shape), shapeOf(b));
    },
    // (the product's shape from the operands' shapes: rt.ts's, its sums on the GPU)
    unbroadcastProduct: br("unbroadcastProduct"),
    vMatmul: br("vMatmul"),
    vMatmulGradA: br("vMatmulGradA"),
    vMatmulGradB: br("vMatmulGradB"),
    // var (std is var then sqrt in jit'd code) and cumsum
    var: (x: Value, axis?: Axis, o?: { ddof?: number; keepdims?: boolean }) => varianceGpu(g, on(x, "var"), axis, o?.ddof ?? 0, !!o?.keepdims),
    ddofOf: rt.ddofOf,
    cumsum: (x: Value, axis?: number | null) => cumsumGpu(g, on(x, "cumsum"), axis),
    // gathers with indices from the host (checked there), argmax/argmin (int32 results)
    take: (x: Value, indices: unknown, axis?: number | null) => takeGpu(g, on(x, "take"), indices, axis, up),
    takeTranspose: (gr: Value, x: Value, indices: unknown, axis?: number | null) => takeTransposeGpu(g, on(gr, "takeTranspose"), indices, axis, shapeOf(x), up),
    argmax: (x: Value, axis?: number | null, o?: { keepdims?: boolean }) => argGpu(g, on(x, "argmax"), "argmax", axis, !!o?.keepdims),
    argmin: (x: Value, axis?: number | null, o?: { keepdims?: boolean }) => argGpu(g, on(x, "argmin"), "argmin", axis, !!o?.keepdims),
    // dot: the last axis of a with the second-to-last of b (b's batch axes kept, not broadcast)
    dot: (a: Value, b: Value) => {
      if (typeof a === "number" || typeof b === "number") return fusedGpu(g, { in: 2, ops: [["multiply", 0, 1]] }, typeof a === "number" ? a : on(a, "dot"), typeof b === "number" ? b : on(b, "dot"));
      return dotGpu(g, on(a, "dot"), on(b, "dot"));
    },
    dotGradA: br("dotGradA"),
    // (rt.dotGradB's matrix·vector path reads the values on the host: here the general path's product)
    dotGradB: (gr: Value, a: Value, b: Value) => {
      const [sa, sb] = [shapeOf(a), shapeOf(b)];
      if (sa.length === 2 && sb.length === 1) {
        const G = on(gr, "dotGradB");
        return reshapeGpu(matmulGpu(g, reshapeGpu(G, [1, sa[0]]), on(a, "dotGradB")), [sb[0]]);
      }
      return dotGradB(gr, a, b);
    },
  };
}

