import { grad, valueAndGrad, jit, numpy as jnp, random, tree } from "tsjax";
import type { Array } from "tsjax";

// Arrays: float32 by default, NumPy broadcasting and JAX dtype promotion, NumPy printing.
const x = jnp.arange(6).reshape(2, 3);
console.log(String(x.mul(2).sum(0))); // [ 6. 10. 14.]
console.log(jnp.subtract(1, jnp.array([true, false])).dtype); // int32
console.log(jnp.multiply(jnp.array([1, 2], { dtype: "float16" }), 0.1).dtype); // float16: 0.1 is weak

// Number code is differentiated into plain JS arithmetic (float64).
const f = (x: number) => Math.sin(x) * x ** 2;
console.log(grad(f)(1.5)); // 2 x sin x + x² cos x

// Array code with pytree parameters: the gradient has the parameters' shape.
type Params = { W: Array; b: Array };
const [kW, kX] = random.split(random.key(0));
const X = random.normal(kX, [8, 3]);
const y = jnp.ones([8]);
const loss = jit((p: Params) => jnp.mean(jnp.square(jnp.subtract(jnp.add(jnp.dot(X, p.W), p.b), y))));
let params: Params = { W: random.normal(kW, [3]), b: jnp.zeros([]) };
for (let step = 0; step < 100; step++) {
  const [l, g] = valueAndGrad(loss)(params);
  params = tree.map((p: Array, d: Array) => jnp.subtract(p, jnp.multiply(0.1, d)), params, g);
  if (step % 50 === 0) console.log(`step ${step}: loss ${String(l)}`);
}
console.log(`final loss ${String(loss(params))}`);
