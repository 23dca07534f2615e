// Deep equality for Arrays and key arrays: compare dtype, shape and data (vitest would otherwise
// iterate them element by element, and iterating a 0-d array throws as in JAX).
import { expect } from "vitest";
import { NDArray } from "../runtime/array.js";

expect.addEqualityTesters([
  function ndarrayEquals(a: unknown, b: unknown) {
    const aa = a instanceof NDArray, bb = b instanceof NDArray;
    if (!aa && !bb) return undefined;
    if (aa !== bb) return false;
    const x = a as NDArray, y = b as NDArray;
    return x.dtype === y.dtype && x.shape.join() === y.shape.join() && x.data.every((v, i) => Object.is(v, y.data[i]) || v === y.data[i]);
  },
]);
