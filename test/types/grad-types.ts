// Type-level tests of grad/valueAndGrad: compiled (not run) by test/types.test.ts.
import { grad, valueAndGrad, numpy as jnp } from "../../runtime/index.js";
import type { Array, ArrayLike } from "../../runtime/index.js";

type Eq<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function assert<T extends true>(): void;

const f = (x: number, W: Array, p: { a: Array; b: [number, Array] }) => jnp.sum(W).mul(x).add(p.b[0]);
const aux = (x: number) => [x * x, { note: "aux" }] as const;

const g0 = grad(f);
assert<Eq<ReturnType<typeof g0>, number>>();
const g1 = grad(f, { argnums: 1 });
assert<Eq<ReturnType<typeof g1>, Array>>();
const g2 = grad(f, { argnums: [0, 2] });
assert<Eq<ReturnType<typeof g2>, [number, { a: Array; b: [number, Array] }]>>();
const g3 = grad(f, { argnums: [1] });
assert<Eq<ReturnType<typeof g3>, [Array]>>();
const gt = grad(jnp.tanh);
assert<Eq<ReturnType<typeof gt>, Array>>();
const gl = grad((x: ArrayLike) => jnp.square(x));
assert<Eq<ReturnType<typeof gl>, Array>>();
const gh = grad(aux, { hasAux: true });
assert<Eq<ReturnType<typeof gh>, [number, { readonly note: "aux" }]>>();
const vg = valueAndGrad(f, { argnums: [0, 1] });
assert<Eq<ReturnType<typeof vg>, [Array, [number, Array]]>>();
const vh = valueAndGrad(aux, { hasAux: true });
assert<Eq<ReturnType<typeof vh>, [readonly [number, { readonly note: "aux" }], number]>>();
const gg = grad(grad((x: number) => x ** 3));
assert<Eq<ReturnType<typeof gg>, number>>();
// the gradient's parameters are the function's
// @ts-expect-error: a string is not a number
g0("1", jnp.zeros([3]), { a: jnp.zeros([3]), b: [1, jnp.zeros([])] });

// argnums out of range is a type error (and a build diagnostic of the transformer)
// @ts-expect-error argnums 5 on a two-parameter function
grad((x: number, y: number) => x * y, { argnums: 5 });
// @ts-expect-error argnums [0, 2] on a two-parameter function
valueAndGrad((x: number, y: number) => x * y, { argnums: [0, 2] });
const inRange = grad((x: number, y: number) => x * y, { argnums: [1, 0] });
assert<Eq<ReturnType<typeof inRange>, [number, number]>>();
const optional = grad((x: number, y?: number) => x * (y ?? 1), { argnums: 1 });
assert<Eq<ReturnType<typeof optional>, number>>();
