import { randomUUID } from "node:crypto";
import type { Bus, InRecord } from "./bus";

export interface ReadTopicOptions {
  /** The throwaway consumer group (default `<topic>.reader.<random>`); it commits what it read, so lag tells when it is done. */
  groupId?: string;
  /** Stop once this holds for the records read so far (default: once the group has caught up with the topic's end). */
  enough?: (records: readonly InRecord[]) => boolean;
  /** Each record as it is read; when given, records are not kept (a long topic streams through). */
  handle?: (record: InRecord) => void;
  timeoutMs?: number;
}

/**
 * Reads `topic` from its beginning with a throwaway consumer group, until `enough` holds for what
 * was read — or, by default, until the group has caught up with the topic's end. Records published
 * while reading may or may not be included. The one topic reader of the CLI, the registries and
 * the tests (readRecords reads given offsets instead).
 */
export async function readTopic(bus: Bus, topic: string, opts: ReadTopicOptions = {}): Promise<InRecord[]> {
  const groupId = opts.groupId ?? `${topic}.reader.${randomUUID().slice(0, 8)}`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const records: InRecord[] = [];
  const sub = await bus.consume({
    groupId,
    topics: [topic],
    // The handler never throws PoisonMessage, so nothing is ever sent here.
    deadLetterTopic: `${groupId}.unused`,
    fromBeginning: true,
    handle: async (r) => {
      if (opts.handle) opts.handle(r);
      else records.push(r);
    },
  });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (opts.enough ? opts.enough(records) : (await bus.lag(groupId, topic)) === 0) break;
      if (Date.now() > deadline) throw new Error(`读取超时 / reading ${topic} timed out after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, opts.enough ? 50 : 200));
    }
  } finally {
    await sub.stop();
  }
  return records;
}
