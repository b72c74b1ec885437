import { defineConfig } from "vitest/config";

/**
 * Two tiers told apart by file name: `*.unit.spec.ts` (pure, no I/O) and `*.int.spec.ts`
 * (real Kafka broker and MongoDB-wire store, provisioned once per run in globalSetup).
 */
export default defineConfig({
  test: {
    reporters: ["default", "json"],
    outputFile: { json: "results/vitest.json" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["libs/*/src/**/*.unit.spec.ts", "services/*/src/**/*.unit.spec.ts", "tests/**/*.unit.spec.ts"],
        },
      },
      {
        test: {
          name: "int",
          include: ["libs/*/src/**/*.int.spec.ts", "services/*/src/**/*.int.spec.ts", "tests/**/*.int.spec.ts"],
          globalSetup: ["tests/support/globalSetup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
