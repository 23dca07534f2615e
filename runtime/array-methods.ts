// The Array methods @jax-js/jax's Array has beyond runtime/array.ts's: all, any, sort, argsort,
// diagonal and mod, each the jnp function of that name with the receiver first (so the
// transformer lowers `x.sort()` as `jnp.sort(x)`: transformer/find.ts classifies these members,
// rules/lowering.ts METHODS). Declared on the class by interface merging and installed on its
// prototype when the numpy namespace loads (runtime/numpy/index.ts imports this module).

import { Array as NDArray } from "./array.js";
import type { ArrayLike, Axis, ReduceOpts } from "./array.js";
import { all, any, mod } from "./numpy/composites.js";
import { argsort, diagonal, sort } from "./numpy/arrange.js";

declare module "./array.js" {
  interface Array {
    /** Whether every element along `axis` (all axes by default) is true (jnp.all). */
    all(axis?: Axis, opts?: ReduceOpts): Array;
    /** Whether any element along `axis` (all axes by default) is true (jnp.any). */
    any(axis?: Axis, opts?: ReduceOpts): Array;
    /** A sorted copy along `axis` (the last by default; null: flattened), NaN last (jnp.sort). */
    sort(axis?: number | null): Array;
    /** The indices that sort along `axis`, stable (jnp.argsort). */
    argsort(axis?: number | null): Array;
    /** The diagonal `offset` of the matrices on axes (axis1, axis2), as a last axis (jnp.diagonal). */
    diagonal(offset?: number, axis1?: number, axis2?: number): Array;
    /** Python's modulo by `other`, the divisor's sign (jnp.mod). */
    mod(other: ArrayLike): Array;
  }
}

const METHODS: Record<string, (this: NDArray, ...args: never[]) => NDArray> = {
  all(this: NDArray, axis?: Axis, opts?: ReduceOpts) {
    return all(this, axis, opts);
  },
  any(this: NDArray, axis?: Axis, opts?: ReduceOpts) {
    return any(this, axis, opts);
  },
  sort(this: NDArray, axis: number | null = -1) {
    return sort(this, axis);
  },
  argsort(this: NDArray, axis: number | null = -1) {
    return argsort(this, axis);
  },
  diagonal(this: NDArray, offset = 0, axis1 = 0, axis2 = 1) {
    return diagonal(this, offset, axis1, axis2);
  },
  mod(this: NDArray, other: ArrayLike) {
    return mod(this, other);
  },
};
for (const [name, f] of Object.entries(METHODS)) Object.defineProperty(NDArray.prototype, name, { value: f, writable: true, configurable: true });
