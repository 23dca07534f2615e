// tsjax's `nn` namespace (jax.nn): the activation functions (differentiable: the transformer
// expands them into primitives) and the parameter initializers.
export * from "./activations.js";
export * as initializers from "./initializers.js";
