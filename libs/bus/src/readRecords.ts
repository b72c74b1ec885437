import { randomUUID } from "node:crypto";
import { Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import type { Logger } from "pino";
import type { InRecord } from "./bus";
import { type BusConnection, kafkaConfig } from "./kafkaOptions";

/**
 * Reads the records at the given offsets of one partition, e.g. dead letters to replay, without
 * committing anything: a throwaway consumer group seeks to the first offset and reads up to the
 * last one. Offsets no longer (or not yet) on the partition are left out of the answer.
 */
export async function readRecords(
  conn: BusConnection,
  log: Logger,
  topic: string,
  partition: number,
  offsets: readonly string[],
  timeoutMs = 30_000,
): Promise<Map<string, InRecord>> {
  const found = new Map<string, InRecord>();
  const child = log.child({ component: "kafkajs-reader" });
  const kafka = new Kafka({
    ...kafkaConfig(conn),
    logLevel: kafkaLogLevel.WARN,
    logCreator: () => (entry) => child[entry.level <= kafkaLogLevel.ERROR ? "error" : "warn"]({ ns: entry.namespace }, entry.log.message),
  });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${conn.clientId}.reader.${randomUUID()}`;
  try {
    const bounds = (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition);
    if (!bounds) return found;
    const [low, high] = [BigInt(bounds.low), BigInt(bounds.high)];
    const wanted = new Set(offsets.filter((o) => BigInt(o) >= low && BigInt(o) < high));
    if (wanted.size === 0) return found;
    const sorted = [...wanted].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const [first, last] = [sorted[0]!, sorted[sorted.length - 1]!];

    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`reading ${topic}/${partition} timed out after ${timeoutMs} ms`)), timeoutMs);
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              if (batch.partition !== partition) return;
              for (const m of batch.messages) {
                const at = BigInt(m.offset);
                if (wanted.has(m.offset)) {
                  const headers: Record<string, string> = {};
                  for (const [k, v] of Object.entries(m.headers ?? {})) {
                    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
                  }
                  found.set(m.offset, {
                    topic,
                    partition,
                    offset: m.offset,
                    key: m.key?.toString("utf8"),
                    value: m.value,
                    headers,
                    timestamp: m.timestamp,
                  });
                }
                if (at >= last) {
                  clearTimeout(timer);
                  resolve();
                  return;
                }
              }
            },
          })
          .then(() => consumer.seek({ topic, partition, offset: first.toString() }), reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return found;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
