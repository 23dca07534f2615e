// Builds the benches that use grad/valueAndGrad through the tsjax rollup plugin, into bench/dist/.
// Needs the plugin built first (`npm run build` at the root puts it in dist/). Then, from the root:
//   node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs
// or from bench/: `npm run build`. The benches import tsjax by relative path (../runtime/index.js,
// so the root tsconfig type-checks them without bench/node_modules), so the runtime is bundled
// from its TypeScript source; the peers stay external and load from bench/node_modules at run time.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import tsjax from "../dist/transformer/plugins/rollup.js";

const here = path.dirname(fileURLToPath(import.meta.url));

export default ["grad", "loops", "forward", "kernels", "mlp", "logreg", "mlp-memory", "mnist", "vmap", "jacobian", "conv", "webgpu"].map((name) => ({
  input: path.join(here, `${name}.ts`),
  output: { file: path.join(here, "dist", `${name}.mjs`), format: "es", sourcemap: true },
  external: (id) => /^(node:|@jax-js\/|@tensorflow\/)/.test(id),
  plugins: [tsjax()],
  onwarn(w, warn) {
    // the runtime's modules import each other (harmless); transformed calls leave imports unused
    if (w.code !== "UNUSED_EXTERNAL_IMPORT" && w.code !== "CIRCULAR_DEPENDENCY") warn(w);
  },
}));
