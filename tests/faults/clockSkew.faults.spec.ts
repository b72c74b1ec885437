import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "../../deploy/local/paths";
import { FaultNetwork } from "./support/faultNetwork";
import { runScenario } from "./support/scenario";

const skewPreload = join(repoRoot, "tests/faults/support/skewClock.ts");

describe("one node's clock is off by five minutes", () => {
  let net: FaultNetwork | undefined;
  afterEach(async () => {
    await net?.stop();
    net = undefined;
  });

  for (const minutes of [5, -5]) {
    it(`when Xiamen's clock is ${minutes > 0 ? "ahead" : "behind"} by 5 minutes for the whole run, then every acknowledged case reaches its home queue once, in order`, async () => {
      net = new FaultNetwork({
        env: { xiamen: { TONGBAN_FAULT_CLOCK_SKEW_MS: String(minutes * 60_000) } },
        preload: { xiamen: [skewPreload] },
      });
      await net.start();
      const xiamen = net.city("xiamen");
      const v = await runScenario(net, {
        id: `clock-skew-${minutes > 0 ? "plus" : "minus"}-5min`,
        fault: `clock skew of ${minutes > 0 ? "+" : "−"}5 min on one node (whole run)`,
        inject: async () => {
          const at = Date.now();
          // The skew is real in the node: what it wrote carries its own clock.
          const latest = await xiamen.db.collection("cases").find({ role: "receiving" }).sort({ createdAt: -1 }).limit(1).next();
          const offsetS = Math.round((latest!.createdAt.getTime() - Date.now()) / 1_000);
          return { at, healedAt: at, notes: { nodeClockOffsetSeconds: offsetS } };
        },
      });
      expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
      expect(v.delivered).toBe(v.acknowledged);
      expect(Math.abs(Number(v.notes?.nodeClockOffsetSeconds) - minutes * 60)).toBeLessThan(30);
    });
  }
});
