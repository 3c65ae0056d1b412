import { defineConfig } from "vitest/config";

/** `npm run test:reliability`: the fault scenarios of test/reliability, one after the other (they share their servers). */
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.reliability.ts"],
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: "forks",
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ["default"],
  },
});
