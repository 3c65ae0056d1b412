import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Test files share a worker: no module holds per-app state (see docs/architecture.md, "Per-app state").
    isolate: false,
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
