// jax.lax.linalg's work-alike: the decompositions in lax's spelling (each a thin wrapper of
// numpy.linalg's where the two agree).
/**
 * jax.lax.linalg's work-alike: `lax.linalg.cholesky(a)`, …
 * @module tsjax/lax/linalg
 */
export {};
