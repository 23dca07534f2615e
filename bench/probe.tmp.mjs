import * as jax from "@jax-js/jax";
const devs = await jax.init("wasm");
console.log("devs", devs, jax.defaultDevice());
const np = jax.numpy;
const f = (x) => np.add(np.subtract(np.add(np.power(x.ref, 3), np.multiply(2, np.power(x.ref, 2))), np.multiply(3, x)), 1);
const gf = jax.jit(jax.grad(f));
let x = np.array(1.0);
for (let i=0;i<3;i++){ const r = gf(x.ref); console.log(r.item(), x.refCount); }
const N=2000; let t0=performance.now(); let s=0;
for (let i=0;i<N;i++){ s += gf(x.ref).item(); }
console.log("jax jit(grad) us/call", (performance.now()-t0)*1000/N, s/N);
const gf2 = jax.grad(f);
t0=performance.now(); s=0;
for (let i=0;i<N;i++){ s += gf2(x.ref).item(); }
console.log("jax eager grad us/call", (performance.now()-t0)*1000/N, s/N);
