// The exact kernels' exp, tanh, sin and cos (runtime/jit/vmath.ts) against Math.f(x) rounded to
// float32, over every float32 input (all 2³² bit patterns, or every S-th with --stride S): the
// WebAssembly kernel a fused program of that one op compiles to, on one thread, 1M inputs a
// call. Prints, per function, how many values differ (NaN counted equal to NaN) and how many NaN
// results differ in their bits, with the first few differences. test/runtime/vmath.test.ts checks
// 200 000 chosen inputs in CI; this is the exhaustive version (exp/tanh about a minute each, sin/cos
// about seven: their lanes beyond the reduction's range call Math.sin per lane). After `npm run build`:
//   node scripts/vmath-exhaustive.mjs [--stride S] [exp tanh sin cos]
import * as fk from "../dist/runtime/jit/fused-kernel.js";
import * as wasm from "../dist/runtime/jit/wasm.js";

const args = process.argv.slice(2);
const si = args.indexOf("--stride");
const stride = si >= 0 ? Number(args.splice(si, 2)[1]) : 1;
const ops = args.length ? args : ["exp", "tanh", "sin", "cos"];
const n = 1 << 20;
const memory = new WebAssembly.Memory({ initial: 16 * 8 * 2 + 2, maximum: 16384, shared: true });
const inBits = new Uint32Array(memory.buffer, 0, n), x = new Float32Array(memory.buffer, 0, n);
const OUT = 4 * n + 64;
const outBits = new Uint32Array(memory.buffer, OUT, n);
const want = new Float32Array(1), wantBits = new Uint32Array(want.buffer);

for (const op of ops) {
  const p = { in: 1, ops: [[op, 0]] };
  const imports = fk.importedOps(p);
  const bytes = wasm.moduleBytes(
    [fk.fusedKernel(p, "v"), fk.sharedKernel(p, "v", imports.length)],
    { shared: true, min: 16, max: 16384 },
    imports.map((o) => ({ name: o, params: [wasm.F64], results: [wasm.F64] })),
  );
  const env = { memory };
  for (const o of imports) env[o] = Math[o];
  const kern = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env }).exports.kern;
  const F = Math[op];
  let values = 0, nanBits = 0, checked = 0;
  const firsts = [];
  const t0 = performance.now();
  for (let base = 0; base < 2 ** 32; base += n * stride) {
    const m = Math.min(n, Math.ceil((2 ** 32 - base) / stride));
    for (let i = 0; i < m; i++) inBits[i] = base + i * stride;
    kern(0, OUT, m, 0);
    for (let i = 0; i < m; i++) {
      want[0] = F(x[i]);
      const got = outBits[i], w = wantBits[0];
      if (got === w) continue;
      const gotNaN = (got & 0x7fffffff) > 0x7f800000, wantNaN = (w & 0x7fffffff) > 0x7f800000;
      if (gotNaN && wantNaN) nanBits++;
      else {
        values++;
        if (firsts.length < 5) firsts.push(`${op}(${x[i]}) kernel ${new Float32Array(Uint32Array.of(got).buffer)[0]}, Math ${want[0]}`);
      }
    }
    checked += m;
  }
  console.log(`${op}: ${checked} inputs, ${values} values differ, ${nanBits} NaN results differ in their bits (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  for (const f of firsts) console.log(`  ${f}`);
}
