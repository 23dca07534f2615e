// JAX's autodiff tutorial, line by line in tsjax. `print(x)` is `console.log(String(x))`;
// f"{x=}" (a Python repr) is `pyrepr(x)`. Built through the tsjax rollup plugin:
//   npm run example
import { grad, jit, numpy as jnp, pyrepr, random, valueAndGrad } from "tsjax";
import type { Array, ArrayLike } from "tsjax";

// ## Taking gradients
const grad_tanh = grad(jnp.tanh);
console.log(String(grad_tanh(2.0)));

console.log(String(grad(grad(jnp.tanh))(2.0)));
console.log(String(grad(grad(grad(jnp.tanh)))(2.0)));

// f(x) = x³ + 2x² − 3x + 1 on float32 Arrays, as in JAX
const f = (x: ArrayLike) => jnp.add(jnp.subtract(jnp.add(jnp.power(x, 3), jnp.multiply(2, jnp.power(x, 2))), jnp.multiply(3, x)), 1);
const dfdx = grad(f);
const d2fdx = grad(dfdx);
const d3fdx = grad(d2fdx);
const d4fdx = grad(d3fdx);

console.log(String(dfdx(1.0)));
console.log(String(d2fdx(1.0)));
console.log(String(d3fdx(1.0)));
console.log(String(d4fdx(1.0)));

// ## Computing gradients in a linear logistic regression
let key = random.key(1701);

/** Sigmoid maps any real value to a probability in (0, 1). */
function sigmoid(x: ArrayLike): Array {
  return jnp.multiply(0.5, jnp.add(jnp.tanh(jnp.divide(x, 2)), 1));
}

const predict = jit((W: Array, b: Array, inputs: Array) => sigmoid(jnp.add(jnp.dot(inputs, W), b)));

const inputs = jnp.array([
  [0.52, 1.12, 0.77],
  [0.88, -1.08, 0.15],
  [0.52, 0.06, -1.3],
  [0.74, -2.49, 1.39],
]);
const targets = jnp.array([true, true, false, true]);

/** The binary cross-entropy loss of the predictions with the current weights and biases. */
const loss = jit((W: Array, b: Array) => {
  const preds = predict(W, b, inputs);
  // The probability the predictions gave towards the correct label
  const label_preds = jnp.add(jnp.multiply(preds, targets), jnp.multiply(jnp.subtract(1, preds), jnp.subtract(1, targets)));
  // Cross-entropy: sum(-log(prob of correct class))
  return jnp.sum(jnp.negative(jnp.log(label_preds)));
});

let W_key: unknown, b_key: unknown;
[key, W_key, b_key] = random.split(key, 3);
const W = random.normal(key, [3]);
const b = random.normal(key, []);

// Gradient w.r.t. W
let W_grad = grad(loss, { argnums: [0] })(W, b);
console.log(`W_grad=${pyrepr(W_grad)}`);

// Gradient w.r.t. b
let b_grad = grad(loss, { argnums: [1] })(W, b);
console.log(`b_grad=${pyrepr(b_grad)}`);

// Gradient w.r.t. W and b
const [W_grad2, b_grad2] = grad(loss, { argnums: [0, 1] })(W, b);
console.log(`W_grad=${pyrepr(W_grad2)}`);
console.log(`b_grad=${pyrepr(b_grad2)}`);

// ## Differentiating with respect to nested lists, tuples, and dicts
const loss2 = jit((params: { W: Array; b: Array }) => {
  const preds = predict(params["W"], params["b"], inputs);
  const label_preds = jnp.add(jnp.multiply(preds, targets), jnp.multiply(jnp.subtract(1, preds), jnp.subtract(1, targets)));
  return jnp.sum(jnp.negative(jnp.log(label_preds)));
});

console.log(pyrepr(grad(loss2)({ W: W, b: b })));

// ## Evaluating a function and its gradient
const [loss_val, Wb_grad] = valueAndGrad(loss, { argnums: [0, 1] })(W, b);
console.log("Loss:", String(loss_val));
console.log("Confirmation:", String(loss(W, b)));
void W_key, b_key, W_grad, b_grad, Wb_grad;
