// The browser MNIST example: `npm run example:browser` (dev server), or `vite build` with this config.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import tsjax from "tsjax/rollup";

// Cross-origin isolation, so the page has SharedArrayBuffer (the kernels' memory is shared then).
const isolated = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [tsjax()],
  server: { headers: isolated },
  preview: { headers: isolated },
  build: { target: "es2022" },
});
