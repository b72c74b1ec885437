/**
 * Dead letters in one place: the headers a dead-lettered record carries (x-dlq-*, written by the
 * consumer and by the outbox quarantine's notices), how they read back, and how a replay is marked.
 * The monitor and the CLI both read and replay with these.
 */
export const DLQ_HEADER_PREFIX = "x-dlq-";

export const DLQ_HEADERS = {
  reason: "x-dlq-reason",
  code: "x-dlq-code",
  sourceTopic: "x-dlq-source-topic",
  sourcePartition: "x-dlq-source-partition",
  sourceOffset: "x-dlq-source-offset",
  group: "x-dlq-group",
  at: "x-dlq-at",
  valueDropped: "x-dlq-value-dropped",
} as const;

/** Marks of a replayed record: its own id, and the dead letter (`<topic>:<partition>:<offset>`) it replays. */
export const REPLAY_ID_HEADER = "x-replay-id";
export const REPLAY_OF_HEADER = "x-replay-of";

/** What the x-dlq-* headers of a dead letter say, and its replay id when it is a replay that failed again. */
export interface DeadLetterInfo {
  reason: string;
  code: string;
  sourceTopic: string | undefined;
  sourcePartition: number | undefined;
  sourceOffset: string | undefined;
  group: string | undefined;
  at: Date | undefined;
  replayId: string | undefined;
}

/** The id of a record on a dead-letter topic. */
export const deadLetterId = (topic: string, partition: number, offset: string) => `${topic}:${partition}:${offset}`;

/** The x-dlq-* headers of a new dead letter. */
export function deadLetterHeaders(d: {
  reason: string;
  code: string;
  sourceTopic: string;
  sourcePartition?: number;
  sourceOffset?: string;
  group: string;
  at: Date;
}): Record<string, string> {
  return {
    [DLQ_HEADERS.reason]: d.reason,
    [DLQ_HEADERS.code]: d.code,
    [DLQ_HEADERS.sourceTopic]: d.sourceTopic,
    ...(d.sourcePartition !== undefined ? { [DLQ_HEADERS.sourcePartition]: String(d.sourcePartition) } : {}),
    ...(d.sourceOffset !== undefined ? { [DLQ_HEADERS.sourceOffset]: d.sourceOffset } : {}),
    [DLQ_HEADERS.group]: d.group,
    [DLQ_HEADERS.at]: d.at.toISOString(),
  };
}

export function parseDeadLetter(h: Readonly<Record<string, string>>): DeadLetterInfo {
  const partition = h[DLQ_HEADERS.sourcePartition];
  const at = h[DLQ_HEADERS.at] ? new Date(h[DLQ_HEADERS.at]!) : undefined;
  return {
    reason: h[DLQ_HEADERS.reason] ?? "",
    code: h[DLQ_HEADERS.code] ?? "",
    sourceTopic: h[DLQ_HEADERS.sourceTopic],
    sourcePartition: partition !== undefined && /^\d+$/.test(partition) ? Number(partition) : undefined,
    sourceOffset: h[DLQ_HEADERS.sourceOffset],
    group: h[DLQ_HEADERS.group],
    at: at && !Number.isNaN(at.getTime()) ? at : undefined,
    replayId: h[REPLAY_ID_HEADER],
  };
}

/** Headers of a replayed record: the original ones without the dead-letter and earlier replay headers, plus this replay's marks. */
export function replayHeaders(original: Readonly<Record<string, string>>, replayId: string, ofDeadLetter: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(original)) {
    if (k.startsWith(DLQ_HEADER_PREFIX) || k === REPLAY_ID_HEADER || k === REPLAY_OF_HEADER) continue;
    out[k] = v;
  }
  out[REPLAY_ID_HEADER] = replayId;
  out[REPLAY_OF_HEADER] = ofDeadLetter;
  return out;
}
