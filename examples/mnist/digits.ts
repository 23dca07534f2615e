// The `mnist` package's digits (one list of 28×28 images per digit, values in [0, 1]) as Arrays:
// shuffled once by a PRNG key and split into train and test rows. Shared by the Node example
// (train.ts, which reads the files) and the browser one (examples/browser, which fetches them).

import { random, Array as TArray } from "tsjax";
import type { Array } from "tsjax";

/** Images (n×784 in [0, 1]), one-hot labels (n×10) and the labels themselves (n, int32). */
export interface Rows {
  x: Array;
  y: Array;
  labels: Array;
}

/** digits[d] holds digit d's images, flattened: nTrain rows for training, the next nTest for testing. */
export function shuffleAndSplit(digits: readonly (readonly number[])[], key: random.KeyLike, nTrain: number, nTest: number): { train: Rows; test: Rows } {
  const total = digits.reduce((n, d) => n + d.length / 784, 0);
  if (nTrain + nTest > total) throw new RangeError(`${nTrain} training + ${nTest} test digits asked for, ${total} available`);
  const X = new Float32Array(total * 784);
  const labels = new Int32Array(total);
  let at = 0;
  digits.forEach((d, label) => {
    X.set(d, at * 784);
    labels.fill(label, at, at + d.length / 784);
    at += d.length / 784;
  });
  const order = random.permutation(key, total).data as Int32Array;
  const rows = (from: number, n: number): Rows => {
    const x = new Float32Array(n * 784), y = new Float32Array(n * 10), l = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = order[from + i];
      x.set(X.subarray(r * 784, r * 784 + 784), i * 784);
      y[i * 10 + labels[r]] = 1;
      l[i] = labels[r];
    }
    return { x: new TArray(x, [n, 784], "float32"), y: new TArray(y, [n, 10], "float32"), labels: new TArray(l, [n], "int32") };
  };
  return { train: rows(0, nTrain), test: rows(nTrain, nTest) };
}
