// Builds the examples through the tsjax rollup plugin: `npx rollup -c examples/rollup.config.mjs`.
import tsjax from "tsjax/rollup";

export default ["autodiff-tutorial", "tour", "mnist/train"].map((name) => ({
  input: `examples/${name}.ts`,
  output: { file: `dist/examples/${name}.mjs`, format: "es", sourcemap: true },
  external: (id) => id === "tsjax" || id.startsWith("tsjax/") || id.startsWith("node:") || id === "cli-progress",
  plugins: [tsjax()],
  onwarn(w, warn) {
    // the transformed calls no longer use the grad/valueAndGrad imports
    if (w.code !== "UNUSED_EXTERNAL_IMPORT") warn(w);
  },
}));
