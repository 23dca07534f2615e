import { defineConfig } from "vitest/config";
import tsjax from "tsjax/rollup";

// The suite's own transformed code (test/transformer/*.test.ts) goes through the tsjax plugin,
// exactly as a user's vitest setup would: the built one (`npm test` builds first).
export default defineConfig({
  plugins: [tsjax()],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    pool: "forks",
  },
});
