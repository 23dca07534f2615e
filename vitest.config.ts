import { defineConfig } from "vitest/config";
import tsjax from "./transformer/plugins/rollup.js";

// The suite's own transformed code (test/transformer/*.test.ts) goes through the tsjax plugin,
// exactly as a user's vitest setup would.
export default defineConfig({
  plugins: [tsjax()],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    pool: "forks",
  },
});
