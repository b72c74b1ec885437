import { defineConfig } from "vitest/config";

/**
 * Three tiers told apart by file name: `*.unit.spec.ts` (pure, no I/O), `*.int.spec.ts`
 * (real Kafka broker and MongoDB-wire store, provisioned once per run in globalSetup) and
 * `*.faults.spec.ts` (fault injection against the suite's own broker and store).
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
      {
        // Real processes killed and cut off on the suite's own broker, store and Toxiproxy (tests/faults/README.md).
        test: {
          name: "faults",
          include: ["tests/faults/**/*.faults.spec.ts"],
          globalSetup: ["tests/faults/support/globalSetup.ts"],
          testTimeout: 420_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          // After unit and int: on a 2-core machine the scenarios' timings must not share it with other specs.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
