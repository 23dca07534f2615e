// jax.scipy.special's work-alike: @jax-js/jax's `scipySpecial` (erf, erfc, logSoftmax, logit,
// logsumexp, softmax) and JAX's erfinv, expit, gammaln, digamma and polygamma. Re-exports only,
// so the transformer resolves each name to its one declaration (numpy/special.ts, nn's softmax and
// logSoftmax, numpy's logsumexp) and lowers it as that function.
/**
 * jax.scipy.special's work-alike: `import { scipySpecial } from "tsjax"`.
 * @module tsjax/scipySpecial
 */
export { erf, erfc, erfinv, expit, logit, gammaln, digamma, polygamma } from "./numpy/special.js";
export { softmax, logSoftmax } from "./nn/activations.js";
export { logsumexp } from "./numpy/reduce.js";
