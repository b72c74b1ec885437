import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { kafkaConfig } from "@tongban/bus";
import { type EventEnvelope, decodeEnvelope } from "@tongban/contracts";
import { type KafkaAccess, busConnectionAs, kafkaPrincipals } from "@tongban/runtime";

/** Every record of `topic` from its beginning to its current end, decoded (undecodable ones as undefined). */
export async function readAll(
  access: KafkaAccess,
  topic: string,
  timeoutMs = 60_000,
): Promise<{ key: string; env: EventEnvelope | undefined; headers: Record<string, string> }[]> {
  const kafka = new Kafka({ ...kafkaConfig(busConnectionAs(access, kafkaPrincipals.admin, "faults-reader")), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  await admin.disconnect();
  const out: { key: string; env: EventEnvelope | undefined; headers: Record<string, string>; partition: number; offset: bigint }[] = [];
  if ([...ends.values()].every((h) => h === 0n)) return [];
  const consumer = kafka.consumer({ groupId: `faults-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const reached = new Map<number, bigint>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), timeoutMs);
      const done = () => [...ends].every(([p, h]) => h === 0n || (reached.get(p) ?? -1n) + 1n >= h);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
              let env: EventEnvelope | undefined;
              try {
                env = m.value ? decodeEnvelope(m.value) : undefined;
              } catch {
                env = undefined;
              }
              out.push({ key: m.key?.toString() ?? "", env, headers, partition: batch.partition, offset: BigInt(m.offset) });
              reached.set(batch.partition, BigInt(m.offset));
            }
            if (done()) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out
    .filter((r) => r.offset < (ends.get(r.partition) ?? 0n))
    .sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}
