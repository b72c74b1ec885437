import { randomBytes } from "node:crypto";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { MongoClient } from "mongodb";
import { kafkaConfig, waitForLeaders } from "@tongban/bus";
import { type KafkaAccess, busConnectionAs, kafkaPrincipals } from "@tongban/runtime";
import { percentiles, type Percentiles } from "./stats";

export interface RawResult {
  messages: number;
  seconds: number;
  throughput: number;
  latencyMs: Percentiles;
}

/**
 * The physical limit of this stack on this machine: kafkajs produce → consume (eachBatch) →
 * insertMany into the same store, with payloads of the same size as a case event, and no
 * validation, gRPC, lifecycle or outbox. Offered as fast as the producer can send.
 */
export async function runRawPipeline(opts: {
  kafka: KafkaAccess;
  mongoUri: string;
  prefix: string;
  payloadBytes: number;
  durationMs: number;
  /** Offered rate in messages per second; as fast as the producer can send when absent. */
  ratePerSec?: number;
}): Promise<RawResult> {
  const kafka = new Kafka({ ...kafkaConfig(busConnectionAs(opts.kafka, kafkaPrincipals.admin, "bench-raw")), logLevel: logLevel.NOTHING });
  const topic = `${opts.prefix}.raw${opts.ratePerSec ? `-${opts.ratePerSec}` : ""}`;
  const admin = kafka.admin();
  await admin.connect();
  // kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION right after creation.
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: false });
  await waitForLeaders(admin, [topic], 30_000);
  await admin.disconnect();

  const mongo = new MongoClient(opts.mongoUri);
  await mongo.connect();
  const dbName = `${opts.prefix}_raw${opts.ratePerSec ? `_${opts.ratePerSec}` : ""}`;
  const coll = mongo.db(dbName).collection<{ _id: string; sentAt: number; value: Buffer | null }>("events");

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `${topic}.group`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  const latencies: number[] = [];
  let persisted = 0;
  let sent = 0;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const docs = batch.messages.map((m) => ({ _id: m.key!.toString(), sentAt: Number(m.headers!.t!.toString()), value: m.value }));
      if (docs.length === 0) return;
      await coll.insertMany(docs, { ordered: false });
      const now = Date.now();
      for (const d of docs) latencies.push(now - d.sentAt);
      persisted += docs.length;
      const last = batch.messages.at(-1)!.offset;
      resolveOffset(last);
      await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      await heartbeat();
    },
  });

  const payload = randomBytes(opts.payloadBytes);
  const started = Date.now();
  const until = started + opts.durationMs;
  // One produce request in flight at a time, like the relay; at a fixed rate, a small batch every 10 ms.
  while (Date.now() < until) {
    const size = opts.ratePerSec ? Math.max(1, Math.round(((Date.now() - started) / 1000) * opts.ratePerSec) - sent) : 100;
    const batch = Array.from({ length: size }, () => ({ key: `raw-${sent++}`, value: payload, headers: { t: String(Date.now()) } }));
    await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: batch });
    if (opts.ratePerSec) await new Promise((r) => setTimeout(r, 10));
  }
  const deadline = Date.now() + 60_000;
  while (persisted < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  await mongo.db(dbName).dropDatabase();
  await mongo.close();
  return { messages: persisted, seconds, throughput: persisted / seconds, latencyMs: percentiles(latencies) };
}
