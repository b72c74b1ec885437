import type { InRecord, OutRecord } from "@tongban/bus";

/** A record read from a node's dead-letter topic, with what the x-dlq-* headers say about it. */
export interface DeadLetter {
  node: string;
  record: InRecord;
  reason: string;
  code: string;
  sourceTopic: string | undefined;
  sourcePartition: string | undefined;
  sourceOffset: string | undefined;
  at: string | undefined;
  type: string;
}

export const DLQ_HEADER_PREFIX = "x-dlq-";

export function deadLetterOf(node: string, record: InRecord): DeadLetter {
  const h = record.headers;
  return {
    node,
    record,
    reason: h["x-dlq-reason"] ?? "",
    code: h["x-dlq-code"] ?? "",
    sourceTopic: h["x-dlq-source-topic"],
    sourcePartition: h["x-dlq-source-partition"],
    sourceOffset: h["x-dlq-source-offset"],
    at: h["x-dlq-at"],
    type: h["event-type"] ?? "",
  };
}

/**
 * The record to publish again: the original key, value and headers (the x-dlq-* ones removed) to
 * the topic it was consumed from, marked with where it was replayed from. Undefined when the dead
 * letter does not name a source topic or names one other than `allowedTopic` (a replay never
 * writes anywhere but the node's own inbound topic).
 */
export function replayRecordOf(d: DeadLetter, allowedTopic: string): OutRecord | undefined {
  if (!d.sourceTopic || d.sourceTopic !== allowedTopic) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.record.headers)) if (!k.startsWith(DLQ_HEADER_PREFIX)) headers[k] = v;
  headers["x-replayed-from"] = `${d.record.topic}/${d.record.partition}/${d.record.offset}`;
  return { topic: d.sourceTopic, key: d.record.key ?? "", value: d.record.value ?? Buffer.alloc(0), headers };
}
