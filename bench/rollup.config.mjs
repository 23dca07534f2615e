// Builds the benches that use grad/valueAndGrad through the tsjax rollup plugin, into bench/dist/.
// Run from the repository root after `npm run build` (the plugin is loaded from dist/):
//   node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs
// The benches import tsjax by relative path (../runtime/index.js), so the runtime is bundled
// from its TypeScript source; the peers are loaded at run time from bench/node_modules.
import tsjax from "../dist/transformer/plugins/rollup.js";

export default ["grad"].map((name) => ({
  input: `bench/${name}.ts`,
  output: { file: `bench/dist/${name}.mjs`, format: "es", sourcemap: true },
  external: (id) => /^(node:|@jax-js\/|@tensorflow\/)/.test(id),
  plugins: [tsjax()],
  onwarn(w, warn) {
    // the runtime's modules import each other (harmless); transformed calls leave imports unused
    if (w.code !== "UNUSED_EXTERNAL_IMPORT" && w.code !== "CIRCULAR_DEPENDENCY") warn(w);
  },
}));
