// A jit'd function as the transformer emits it: `jitSite((rt) => code, cpu, device?)`, its code
// written against a table of run-time helpers `rt`. On the CPU the table is `cpu`, the rt.ts
// helpers the code calls (the code runs in an arena frame: arena.ts); on the GPU it is the GPU's
// table (runtime/webgpu/jit-rt.ts) and the results stay on the GPU. A site with `device` runs
// there; one without runs on the default device of the moment of the call (`setDefaultDevice`).
// The helpers' names are checked against the GPU's before the code first runs there.

import type { DeviceName } from "../webgpu/device.js";
import { defaultDevice, deviceHooks } from "../device-hooks.js";
import { arenaWrap } from "./arena.js";

type Fn = (...args: never[]) => unknown;

export function jitSite<F extends Fn>(make: (rt: object) => F, helpers: Record<string, unknown>, device?: DeviceName): F {
  let cpu: F | null = null;
  let gpu: F | null = null;
  const onCpu = () => (cpu ??= arenaWrap(make(helpers)));
  const onGpu = () => {
    if (gpu) return gpu;
    const h = deviceHooks();
    if (!h) throw new Error('tsjax: jit(f, { device: "webgpu" }): the GPU is not set up yet: `await initDevice("webgpu")` (or `await setDefaultDevice("webgpu")`) first');
    return (gpu = h.jit(make, Object.keys(helpers)));
  };
  const run = (...args: Parameters<F>) => ((device ?? defaultDevice()) === "cpu" ? onCpu() : onGpu())(...args);
  // (String(jit(f)) shows the generated code, as for the other transforms)
  Object.defineProperty(run, "toString", { value: () => String(onCpu()) });
  return run as unknown as F;
}
