import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faultKafka } from "./support/faultInfra";
import { FaultNetwork } from "./support/faultNetwork";
import { runScenario } from "./support/scenario";

describe("the broker is killed mid-stream", () => {
  const net = new FaultNetwork();
  beforeAll(() => net.start());
  afterAll(() => net.stop());

  it("when the broker is killed with SIGKILL under load and restarted, then every acknowledged case reaches its home queue once, in order", async () => {
    const v = await runScenario(net, {
      id: "broker-kill",
      fault: "Kafka broker killed (SIGKILL) mid-stream, restarted",
      inject: async () => {
        const pid = faultKafka.pid();
        expect(pid).toBeDefined();
        const at = Date.now();
        process.kill(pid!, "SIGKILL");
        await new Promise((r) => setTimeout(r, 5_000));
        await faultKafka.start();
        return { at, healedAt: Date.now() };
      },
    });
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
    expect(v.delivered).toBe(v.acknowledged);
    expect(v.peakInFlight).toBeGreaterThanOrEqual(200);
  });
});
