import { defineConfig } from "vitest/config";
import tsjax from "tsjax/rollup";

// every IR the suite builds goes through the verifier after each stage (transformer/verify.ts);
// the forked test workers inherit it for their in-process builds
process.env.TSJAX_VERIFY ??= "1";

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
