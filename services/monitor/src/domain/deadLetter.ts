import { DLQ_HEADERS, DLQ_HEADER_PREFIX, deadLetterId, parseDeadLetter } from "@tongban/bus";
import { decodeEnvelope } from "@tongban/contracts";
import { OUTBOX_QUARANTINED } from "@tongban/store";

/** Routing metadata of a dead-lettered event envelope; never its payload, which may hold personal data. */
export interface EnvelopeMeta {
  eventId: string;
  caseId: string;
  type: string;
  caseSeq: number;
  sourceNode: string;
  targetNode: string;
  occurredAt?: Date;
}

/**
 * A message a node could not process, as the monitor keeps it: where it sits on the dead-letter
 * topic, why it failed and its routing metadata. The value itself stays in Kafka (it may carry
 * personal data) and is read from there only to replay it.
 */
export interface DeadLetter {
  /** `<dead-letter topic>:<partition>:<offset>`. */
  _id: string;
  node: string;
  topic: string;
  partition: number;
  offset: string;
  key: string;
  reason: string;
  code: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  group: string;
  deadLetteredAt?: Date;
  receivedAt: Date;
  /** Original headers, without the dead-letter ones, as name/value pairs (header names may hold dots). */
  headers: { name: string; value: string }[];
  event?: EnvelopeMeta;
  /** Bytes of the record's value; for an outbox quarantine notice, of the quarantined entry. */
  size: number;
  /** Set when this is a replay that failed again: the replay's id. */
  replayId?: string;
}

/** One replay of a dead letter. */
export interface Replay {
  _id: string;
  deadLetterId: string;
  node: string;
  sourceTopic: string;
  group: string;
  caseId?: string;
  caseSeq?: number;
  replayedAt: Date;
}

/** How a replay ended: applied (the node recorded the step or consumed it without error) or dead-lettered again. */
export interface ReplayOutcome {
  /** The replay's id: one outcome per replay. */
  _id: string;
  deadLetterId: string;
  outcome: "delivered" | "failed";
  detail: string;
  at: Date;
}

function envelopeMeta(value: Buffer | null): EnvelopeMeta | undefined {
  if (!value || value.length === 0) return undefined;
  try {
    const e = decodeEnvelope(value);
    return {
      eventId: e.eventId,
      caseId: e.caseId,
      type: e.type,
      caseSeq: e.caseSeq,
      sourceNode: e.sourceNode,
      targetNode: e.targetNode,
      occurredAt: e.occurredAt,
    };
  } catch {
    return undefined;
  }
}

/**
 * Routing metadata of an outbox quarantine notice: it has no value (the entry stays in the
 * node's quarantine), so its headers name the event and case.
 */
function quarantineMeta(h: Record<string, string>): EnvelopeMeta | undefined {
  const eventId = h["x-quarantine-event"];
  const caseId = h["x-quarantine-case"];
  if (h[DLQ_HEADERS.code] !== OUTBOX_QUARANTINED || !eventId || !caseId) return undefined;
  return { eventId, caseId, type: h["event-type"] ?? "", caseSeq: 0, sourceNode: h["source-node"] ?? "", targetNode: "" };
}

/** The monitor's record of one record read from `node`'s dead-letter topic. */
export function toDeadLetter(
  node: string,
  r: { topic: string; partition: number; offset: string; key: string | undefined; value: Buffer | null; headers: Record<string, string> },
  receivedAt: Date,
  defaultGroup: string,
): DeadLetter {
  const h = r.headers;
  const d = parseDeadLetter(h);
  return {
    _id: deadLetterId(r.topic, r.partition, r.offset),
    node,
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: r.key ?? "",
    reason: d.reason,
    code: d.code,
    sourceTopic: d.sourceTopic ?? "",
    sourcePartition: d.sourcePartition ?? -1,
    sourceOffset: d.sourceOffset ?? "",
    group: d.group ?? defaultGroup,
    deadLetteredAt: d.at,
    receivedAt,
    headers: Object.entries(h)
      .filter(([name]) => !name.startsWith(DLQ_HEADER_PREFIX))
      .map(([name, value]) => ({ name, value })),
    event: envelopeMeta(r.value) ?? quarantineMeta(h),
    // A quarantine notice has no value; the size that matters is the quarantined entry's.
    size: r.value?.length || Number(h["x-quarantine-size"] ?? 0) || 0,
    replayId: d.replayId,
  };
}
