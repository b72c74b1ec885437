import { randomUUID } from "node:crypto";
import { type DeadLetterInfo, type InRecord, type OutRecord, deadLetterId, parseDeadLetter, replayHeaders } from "@tongban/bus";

/** A record read from a node's dead-letter topic, with what its x-dlq-* headers say about it (see libs/bus deadLetters). */
export interface DeadLetter extends DeadLetterInfo {
  node: string;
  record: InRecord;
  type: string;
}

export function deadLetterOf(node: string, record: InRecord): DeadLetter {
  return { node, record, type: record.headers["event-type"] ?? "", ...parseDeadLetter(record.headers) };
}

/**
 * The record to publish again: the original key, value and headers (the x-dlq-* ones removed) to
 * the topic it was consumed from, marked as a replay of this dead letter (x-replay-id, x-replay-of:
 * the same marks as the monitor's replays). Undefined when the dead letter does not name a source
 * topic or names one other than `allowedTopic` (a replay never writes anywhere but the node's own
 * inbound topic).
 */
export function replayRecordOf(d: DeadLetter, allowedTopic: string, replayId: string = randomUUID()): OutRecord | undefined {
  if (!d.sourceTopic || d.sourceTopic !== allowedTopic) return undefined;
  const of = deadLetterId(d.record.topic, d.record.partition, d.record.offset);
  return {
    topic: d.sourceTopic,
    key: d.record.key ?? "",
    value: d.record.value ?? Buffer.alloc(0),
    headers: replayHeaders(d.record.headers, replayId, of),
  };
}
