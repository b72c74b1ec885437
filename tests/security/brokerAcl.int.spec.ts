import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Kafka, type KafkaConfig, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tongban/bus";
import { groups, topics } from "@tongban/contracts";
import { defaultPkiDir, identityFiles, trustBundlePath } from "@tongban/identity";
import { busConnection, kafkaPrincipals, networkAcls, networkTopicSpecs } from "@tongban/runtime";
import { type KafkaInstance, kafkaInstance } from "../../deploy/local/kafkaLocal";
import { stateDir } from "../../deploy/local/paths";
import { eventually, quietLogger } from "../support/testNetwork";

// A broker that runs like a production one (SASL/SCRAM-SHA-512 over TLS, the StandardAuthorizer,
// no ACL no access), provisioned with the network's topics and least-privilege ACLs, and what each
// principal may and may not do on it — refused by the broker itself.

const PORT = Number(process.env.TONGBAN_SECURE_KAFKA_PORT ?? 19292);
const CITIES = ["xiamen", "quanzhou", "zhangzhou"];
const prefix = `acl${Date.now().toString(36)}`;
const password = () => randomBytes(18).toString("base64url");
const users: Record<string, string> = {
  [kafkaPrincipals.admin]: password(),
  ...Object.fromEntries(CITIES.flatMap((c) => [kafkaPrincipals.node(c), kafkaPrincipals.registry(c)]).map((u) => [u, password()])),
  [kafkaPrincipals.monitor]: password(),
};
const brokerTls = identityFiles(defaultPkiDir, "xiamen", "broker", "main");
const ca = trustBundlePath(defaultPkiDir);

/** A kafkajs client as `user` would connect (TLS with the network's CA, SCRAM), or with `over` applied. */
const client = (user: string, over: Partial<KafkaConfig> = {}) =>
  new Kafka({
    clientId: `acl-test-${user}`,
    brokers: [`127.0.0.1:${PORT}`],
    logLevel: logLevel.NOTHING,
    // A few retries for what is transient on a fresh broker (the offsets topic being created);
    // authorization errors are not retried by kafkajs.
    retry: { retries: 4, initialRetryTime: 200 },
    ssl: { ca: [readFileSync(ca, "utf8")] },
    sasl: { mechanism: "scram-sha-512", username: user, password: users[user]! },
    ...over,
  });

/** The broker's error for `work`, by kafkajs error type (undefined when it succeeded). */
async function refusal(work: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await work();
    return undefined;
  } catch (err) {
    // kafkajs wraps the broker's error when it gives up retrying: the innermost one names it.
    let e = err as { type?: string; name?: string; message?: string; originalError?: unknown; cause?: unknown; errors?: unknown[] };
    while (!e.type && (e.originalError ?? e.cause ?? e.errors?.[0])) e = (e.originalError ?? e.cause ?? e.errors?.[0]) as typeof e;
    if (process.env.ACL_TEST_DEBUG) console.log(e);
    return e.type ?? e.name ?? e.message;
  }
}

async function produce(user: string, topic: string): Promise<void> {
  const p = client(user).producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 100 } });
  await p.connect();
  try {
    await p.send({ topic, acks: -1, messages: [{ key: "k", value: "v" }] });
  } finally {
    await p.disconnect();
  }
}

/** Joins `group` on `topic` and waits for the first fetch to come back; rejects with the broker's refusal. */
async function consume(user: string, topic: string, group: string): Promise<void> {
  const c = client(user).consumer({ groupId: group, maxWaitTimeInMs: 100, retry: { retries: 4, initialRetryTime: 200 } });
  await c.connect();
  try {
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      c.on(c.events.CRASH, (e) => reject(e.payload.error));
      // After a fetch came back (FETCH_START is before the broker answered).
      c.on(c.events.FETCH, () => resolve());
      c.run({ eachMessage: async () => undefined }).catch(reject);
    });
  } finally {
    await c.disconnect();
  }
}

describe("the broker's own authentication and authorization (SASL/SCRAM over TLS, ACLs)", () => {
  let broker: KafkaInstance;

  beforeAll(async () => {
    broker = kafkaInstance({
      name: "secure-kafka",
      port: PORT,
      controllerPort: PORT + 1,
      security: { users, certFile: brokerTls.cert, keyFile: brokerTls.key, caFile: ca },
    });
    await broker.stop();
    rmSync(join(stateDir, "secure-kafka"), { recursive: true, force: true });
    await broker.start();
    // The provisioner (admin) makes the topics and the ACLs; no service has create rights.
    const admin = new Bus(
      busConnection(
        {
          topicPrefix: prefix,
          kafkaBrokers: [`127.0.0.1:${PORT}`],
          kafkaSsl: false,
          kafkaSslCa: ca,
          kafkaSslCert: undefined,
          kafkaSslKey: undefined,
          kafkaSaslMechanism: "scram-sha-512",
          kafkaSaslUsername: kafkaPrincipals.admin,
          kafkaSaslPassword: users[kafkaPrincipals.admin],
        },
        "acl-provisioner",
      ),
      quietLogger("acl-test"),
    );
    try {
      await admin.ensureTopics(networkTopicSpecs(prefix, CITIES));
      await admin.createAcls(networkAcls(prefix, CITIES));
    } finally {
      await admin.close();
    }
    // ACLs take effect once the broker has applied the metadata records that carry them.
    await eventually("ACLs in effect", async () =>
      (await refusal(() => produce(kafkaPrincipals.node("xiamen"), topics.tracking(prefix)))) === undefined ? true : undefined,
    );
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
  });

  it("when a node writes another city's inbound topic and reads its own with its own group, then the broker allows it", async () => {
    expect(await refusal(() => produce(kafkaPrincipals.node("xiamen"), topics.inbound(prefix, "quanzhou")))).toBeUndefined();
    expect(await refusal(() => produce(kafkaPrincipals.node("xiamen"), topics.tracking(prefix)))).toBeUndefined();
    expect(
      await refusal(() =>
        consume(kafkaPrincipals.node("quanzhou"), topics.inbound(prefix, "quanzhou"), groups.inbound(prefix, "quanzhou")),
      ),
    ).toBeUndefined();
  });

  it("when a node reads another city's inbound topic, with that city's group or its own, then the broker refuses it", async () => {
    const xm = kafkaPrincipals.node("xiamen");
    // With the other city's consumer group the broker refuses already the coordinator lookup
    // (GROUP_AUTHORIZATION_FAILED, which kafkajs reports as no coordinator found).
    expect(await refusal(() => consume(xm, topics.inbound(prefix, "quanzhou"), groups.inbound(prefix, "quanzhou")))).toMatch(
      /AUTHORIZATION_FAILED|GroupCoordinatorNotFound/,
    );
    expect(await refusal(() => consume(xm, topics.inbound(prefix, "quanzhou"), groups.inbound(prefix, "xiamen")))).toMatch(
      /TOPIC_AUTHORIZATION_FAILED/,
    );
  });

  it("when a node writes revocations, another node's dead letters or its own inbound topic, or creates a topic, then the broker refuses it", async () => {
    const xm = kafkaPrincipals.node("xiamen");
    for (const topic of [topics.certsRevoked(prefix), topics.deadLetter(prefix, "quanzhou"), topics.inbound(prefix, "xiamen")]) {
      expect(await refusal(() => produce(xm, topic)), topic).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
    }
    const admin = client(xm).admin();
    await admin.connect();
    try {
      expect(await refusal(() => admin.createTopics({ topics: [{ topic: `${prefix}.rogue`, numPartitions: 1 }] }))).toMatch(
        /AUTHORIZATION_FAILED/,
      );
    } finally {
      await admin.disconnect();
    }
  });

  it("when a registry revokes and the monitor replays, then each writes only where it may", async () => {
    expect(await refusal(() => produce(kafkaPrincipals.registry("quanzhou"), topics.certsRevoked(prefix)))).toBeUndefined();
    expect(await refusal(() => produce(kafkaPrincipals.registry("quanzhou"), topics.inbound(prefix, "xiamen")))).toMatch(
      /TOPIC_AUTHORIZATION_FAILED/,
    );
    expect(await refusal(() => produce(kafkaPrincipals.monitor, topics.inbound(prefix, "xiamen")))).toBeUndefined();
    expect(await refusal(() => produce(kafkaPrincipals.monitor, topics.tracking(prefix)))).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
  });

  it("when a client has no credentials, a wrong password or no TLS, then it does not get in", async () => {
    const xm = kafkaPrincipals.node("xiamen");
    const wrong = client(xm, { sasl: { mechanism: "scram-sha-512", username: xm, password: "wrong" } }).admin();
    expect(await refusal(() => wrong.connect())).toMatch(/SASL|[Aa]uthentication/);
    const anonymous = client(xm, { sasl: undefined }).admin();
    expect(await refusal(() => anonymous.connect().then(() => anonymous.listTopics()))).toBeDefined();
    await anonymous.disconnect().catch(() => undefined);
    const plaintext = client(xm, { ssl: false }).admin();
    expect(await refusal(() => plaintext.connect())).toBeDefined();
    await plaintext.disconnect().catch(() => undefined);
  });
});
