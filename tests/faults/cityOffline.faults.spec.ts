import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { KAFKA_PROXY, faultPorts, kafkaViaProxy } from "./support/faultInfra";
import { FaultNetwork } from "./support/faultNetwork";
import { runScenario } from "./support/scenario";
import { Toxiproxy } from "./support/toxiproxy";

const OFFLINE_MS = 120_000;

/**
 * The long scenario (about 3 minutes): it runs in `npm test` like the others. Zhangzhou's node
 * reaches the broker only through Toxiproxy; disabling the proxy cuts the city off the exchange
 * network while its windows keep taking cases.
 */
describe("one city offline for two minutes", () => {
  const toxi = new Toxiproxy(inject("toxiproxyApi"));
  const net = new FaultNetwork({ env: { zhangzhou: { KAFKA_BROKERS: kafkaViaProxy } } });
  beforeAll(async () => {
    await toxi.proxy(KAFKA_PROXY, kafkaViaProxy, `127.0.0.1:${faultPorts.kafkaFaultyListener}`);
    await net.start();
  });
  afterAll(async () => {
    await net.stop();
    await toxi.delete(KAFKA_PROXY);
  });

  it(
    "when Zhangzhou is cut off the broker for 2 minutes under load, then both directions' backlogs drain afterwards, each case once and in its order",
    { timeout: 480_000 },
    async () => {
      const v = await runScenario(net, {
        id: "city-offline-2min",
        fault: "one city cut off the network for 2 minutes",
        // Enough submissions that the load never runs out while the city is away: the backlog
        // then reaches the in-flight cap whatever the machine's pace before the cut.
        load: { total: 700 },
        inject: async (load) => {
          const at = Date.now();
          await toxi.enable(KAFKA_PROXY, false);
          await new Promise((r) => setTimeout(r, OFFLINE_MS));
          const backlog = load.inFlight;
          const ackedByZhangzhouOffline = load.acked.filter((a) => a.from === "zhangzhou" && a.ackedAt >= at).length;
          await toxi.enable(KAFKA_PROXY, true);
          return {
            at,
            healedAt: Date.now(),
            notes: {
              backlogAtReconnect: backlog,
              ackedByZhangzhouWhileOffline: ackedByZhangzhouOffline,
              nodeRestarts: net.city("zhangzhou").node.unexpectedExits,
            },
          };
        },
        settleMs: 240_000,
      });
      expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
      expect(v.delivered).toBe(v.acknowledged);
      expect(Number(v.notes?.backlogAtReconnect)).toBeGreaterThanOrEqual(200);
    },
  );
});
