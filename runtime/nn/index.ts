// tsjax's `nn` namespace (jax.nn): initializers for now; the activations come with the numpy
// breadth work.
export * as initializers from "./initializers.js";
