import { Kafka, logLevel } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { kafkaConfig } from "@tongban/bus";
import { type KafkaAccess, busConnectionAs, kafkaPrincipals } from "@tongban/runtime";
import { type KafkaInstance, localKafkaAccess } from "../../deploy/local/kafkaLocal";
import { faultKafkaCluster } from "./support/faultInfra";
import { FaultNetwork } from "./support/faultNetwork";
import { runScenario } from "./support/scenario";

/**
 * The network on a three-member KRaft cluster (every topic on three brokers, two in sync before a
 * record is acknowledged, producers asking for acks=all) loses a broker under load across the six
 * pairs: once killed with SIGKILL, once each in a rolling restart.
 */
describe("a three-broker Kafka cluster loses brokers under load", () => {
  const cluster = faultKafkaCluster;
  let access: KafkaAccess;
  let kafka: Kafka;
  // One network per scenario (fresh topics and databases), as the other fault scenarios: a
  // scenario's counts and the store's load do not carry over into the next.
  let net: FaultNetwork | undefined;

  beforeAll(async () => {
    await cluster.start();
    access = await localKafkaAccess(cluster);
    kafka = new Kafka({ ...kafkaConfig(busConnectionAs(access, kafkaPrincipals.admin, "faults-cluster")), logLevel: logLevel.NOTHING });
  });
  afterEach(async () => {
    await net?.stop();
    net = undefined;
  });
  afterAll(async () => {
    await cluster.stop();
  });

  const startNetwork = async () => {
    net = new FaultNetwork({ kafka: access });
    await net.start();
    return net;
  };

  /** The network's topics and, per partition, its replicas, in-sync replicas and leader. */
  const partitions = async (prefix: string) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const names = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      return topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, ...p })));
    } finally {
      await admin.disconnect();
    }
  };

  /** Until every partition of the network's topics has all three replicas in sync again. */
  const waitInSync = async (prefix: string, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lagging = (await partitions(prefix).catch(() => [{ isr: [] as number[] }])).filter((p) => p.isr.length < 3);
      if (lagging.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${lagging.length} partitions still under-replicated after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  const memberWithId = (nodeId: number): KafkaInstance => cluster.members[nodeId - 1]!;

  it("when the broker leading the most partitions is killed with SIGKILL under load and restarted, then every topic had three replicas and refused a write fewer than two have, and every acknowledged case reaches its home queue once, in order", async () => {
    const net = await startNetwork();
    const all = await partitions(net.prefix);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((p) => p.replicas.length === 3 && p.isr.length === 3)).toBe(true);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = [...new Set(all.map((p) => p.topic))];
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: 2 /* TOPIC */, name, configNames: ["min.insync.replicas"] })),
      });
      expect(resources).toHaveLength(topics.length);
      for (const r of resources) expect(r.configEntries.find((e) => e.configName === "min.insync.replicas")?.configValue).toBe("2");
    } finally {
      await admin.disconnect();
    }

    const v = await runScenario(net, {
      id: "cluster-broker-kill",
      fault: "one of three Kafka brokers killed (SIGKILL), restarted",
      load: { total: 100_000 },
      after: 300,
      loadAfterHealMs: 10_000,
      inject: async () => {
        const leads = new Map<number, number>();
        for (const p of await partitions(net.prefix)) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
        const [victim] = [...leads].sort((a, b) => b[1] - a[1])[0]!;
        const member = memberWithId(victim);
        const at = Date.now();
        process.kill(member.pid()!, "SIGKILL");
        // Two brokers carry the load alone for a while before the third comes back.
        await new Promise((r) => setTimeout(r, 15_000));
        await member.start();
        await waitInSync(net.prefix);
        return { at, healedAt: Date.now(), notes: { killedBroker: victim, partitionsItLed: leads.get(victim) } };
      },
    });
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
    expect(v.delivered).toBe(v.acknowledged);
    // The cluster kept taking cases while one broker was gone.
    expect(v.throughputRatio).toBeGreaterThan(0);
  });

  it("when all three brokers are restarted one after another under load, then every acknowledged case reaches its home queue once, in order", async () => {
    const net = await startNetwork();
    const v = await runScenario(net, {
      id: "cluster-rolling-restart",
      fault: "rolling restart of all three Kafka brokers",
      load: { total: 100_000 },
      after: 300,
      loadAfterHealMs: 10_000,
      inject: async () => {
        const at = Date.now();
        const restarts: number[] = [];
        for (const member of cluster.members) {
          const t = Date.now();
          await member.stop();
          await member.start();
          await waitInSync(net.prefix);
          restarts.push(Math.round((Date.now() - t) / 100) / 10);
        }
        return { at, healedAt: Date.now(), notes: { secondsPerBroker: restarts } };
      },
    });
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
    expect(v.delivered).toBe(v.acknowledged);
    expect(v.throughputRatio).toBeGreaterThan(0);
  });
});
