import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { KAFKA_PROXY, faultPorts, kafkaViaProxy } from "./support/faultInfra";
import { FaultNetwork } from "./support/faultNetwork";
import { runScenario } from "./support/scenario";
import { type Toxic, Toxiproxy } from "./support/toxiproxy";

const FAULT_MS = 12_000;

/** Xiamen's node reaches the broker only through Toxiproxy; the other cities connect directly. */
describe("network faults between one node and the broker (Toxiproxy)", () => {
  const toxi = new Toxiproxy(inject("toxiproxyApi"));
  let net: FaultNetwork | undefined;
  beforeAll(() => toxi.proxy(KAFKA_PROXY, kafkaViaProxy, `127.0.0.1:${faultPorts.kafkaFaultyListener}`));
  afterAll(() => toxi.delete(KAFKA_PROXY));
  afterEach(async () => {
    await net?.stop();
    net = undefined;
  });

  const scenario = async (id: string, fault: string, toxics: Toxic[]) => {
    await toxi.proxy(KAFKA_PROXY, kafkaViaProxy, `127.0.0.1:${faultPorts.kafkaFaultyListener}`);
    net = new FaultNetwork({ env: { xiamen: { KAFKA_BROKERS: kafkaViaProxy } } });
    await net.start();
    const v = await runScenario(net, {
      id,
      fault,
      // Enough cases that the load outlasts the fault and the recovery is measured under load.
      load: { total: 600 },
      inject: async (load) => {
        const at = Date.now();
        const ackedBefore = load.acked.length;
        const deliveredBefore = load.deliveredCount;
        for (const t of toxics) await toxi.addToxic(KAFKA_PROXY, t);
        await new Promise((r) => setTimeout(r, FAULT_MS));
        for (const t of toxics) await toxi.removeToxic(KAFKA_PROXY, t.name);
        return {
          at,
          healedAt: Date.now(),
          notes: { ackedDuringFault: load.acked.length - ackedBefore, deliveredDuringFault: load.deliveredCount - deliveredBefore },
        };
      },
    });
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
    expect(v.delivered).toBe(v.acknowledged);
    return v;
  };

  it("when Xiamen's link to the broker has 500 ms latency for 12 s under load, then nothing is lost or duplicated and order holds", async () => {
    await scenario("kafka-latency", "500 ms latency between a node and Kafka (12 s)", [
      { name: "lat-down", type: "latency", stream: "downstream", attributes: { latency: 500, jitter: 50 } },
      { name: "lat-up", type: "latency", stream: "upstream", attributes: { latency: 500, jitter: 50 } },
    ]);
  });

  it("when Xiamen's link to the broker is capped at 16 KB/s for 12 s under load, then nothing is lost or duplicated and order holds", async () => {
    await scenario("kafka-bandwidth", "bandwidth cap of 16 KB/s between a node and Kafka (12 s)", [
      { name: "bw-down", type: "bandwidth", stream: "downstream", attributes: { rate: 16 } },
      { name: "bw-up", type: "bandwidth", stream: "upstream", attributes: { rate: 16 } },
    ]);
  });

  it("when Xiamen's connections to the broker are reset every 2 s for 12 s under load, then nothing is lost or duplicated and order holds", async () => {
    await scenario("kafka-resets", "connection resets between a node and Kafka (each connection reset after 2 s, for 12 s)", [
      { name: "reset-down", type: "reset_peer", stream: "downstream", attributes: { timeout: 2_000 } },
      { name: "reset-up", type: "reset_peer", stream: "upstream", attributes: { timeout: 2_000 } },
    ]);
  });
});
