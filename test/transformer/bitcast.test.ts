// lax.bitcastConvertType inside transformed code: jit gives eager code's words, vmap the loop's,
// and its derivative is zero, as JAX's (ad.defjvp_zero).
import { describe, expect, it } from "vitest";
import { grad, jit, jvp, vmap, lax, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const x = jnp.array([[1, -2, 0.5], [3.25, -0.125, 1e-30]]);

describe("compiled lax.bitcastConvertType", () => {
  it("jit: the same bits as eager code, each way between float32, int32 and uint32", () => {
    const toInt = jit((a: Array) => lax.bitcastConvertType(a, "int32"));
    const i = toInt(x);
    expect(i.dtype).toBe("int32");
    expect(i.tolist()).toEqual(lax.bitcastConvertType(x, "int32").tolist());
    expect((i.tolist() as number[][])[0]).toEqual([1065353216, -1073741824, 1056964608]);
    const back = jit((a: Array) => lax.bitcastConvertType(lax.bitcastConvertType(a, "uint32"), "float32"));
    expect(back(x)).toEqual(x);
    // the exponent field of each float: integer arithmetic on the bits
    const expo = jit((a: Array) => jnp.bitwiseAnd(jnp.rightShift(lax.bitcastConvertType(a, "int32"), 23), 255));
    expect(expo(x).tolist()).toEqual([[127, 128, 126], [128, 124, 27]]);
  });
  it("vmap equals the loop", () => {
    const f = (a: Array) => lax.bitcastConvertType(a, "uint32");
    const got = vmap(f)(x);
    expect(got.dtype).toBe("uint32");
    expect(got).toEqual(jnp.stack([f(jnp.take(x, 0, 0)), f(jnp.take(x, 1, 0))]));
  });
  it("its derivative is zero, as JAX's: the bits are a constant", () => {
    // d/dx x · c(x) with c(x) = x bit for bit but a constant: c(x)
    const f = (a: Array) => jnp.sum(jnp.multiply(a, lax.bitcastConvertType(lax.bitcastConvertType(a, "int32"), "float32"))).item() as number;
    expect(grad(f)(x)).toEqual(x);
    expect(jit(grad(f))(x)).toEqual(x);
    const [, t] = jvp((a: Array) => lax.bitcastConvertType(a, "float32"), [x], [jnp.onesLike(x)]);
    expect(jnp.sum(jnp.abs(t as Array)).item()).toBe(0);
  });
  it("a dtype of another width is refused (eager: at run time)", () => {
    expect(() => lax.bitcastConvertType(jnp.array([true]), "int32")).toThrow(/bitcastConvertType: only the 32-bit dtypes/);
  });
});
