import type { Collection, Db } from "mongodb";
import type { OutboxEntry } from "./outbox";

/** Reason of an entry that waits behind a quarantined entry of the same document and topic (per-key order). */
export const BEHIND_QUARANTINED = "BEHIND_QUARANTINED";

/**
 * An outbox entry that could not be published in a way that will not heal (too large, unknown
 * topic, not authorised), moved out of its document so it blocks nothing else. It holds the
 * entry itself (which may carry personal data), so it stays in the node's own database.
 */
export interface QuarantinedEntry {
  /** The entry's event id. */
  _id: string;
  /** The document (case) whose outbox held it. */
  docId: string;
  topic: string;
  entry: OutboxEntry;
  /** Failure code (e.g. MESSAGE_TOO_LARGE, UNKNOWN_TOPIC_OR_PARTITION, BEHIND_QUARANTINED). */
  reason: string;
  /** The error text, without the record's content. */
  detail: string;
  /** Envelope size in bytes (key, value and headers). */
  size: number;
  /** Set when this entry waits behind the quarantined entry with this event id (same document and topic). */
  behind?: string;
  /** Position among the document's quarantined entries for the topic: resent in this order. */
  order: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  attempts: number;
  state: "quarantined" | "resent";
  resentAt?: Date;
  /** The metadata-only notice was published to the node's dead-letter topic. */
  noticeSent: boolean;
}

/** An operator's request to publish a quarantined entry again (after fixing the cause). */
export interface ResendRequest {
  /** The quarantined entry's event id. */
  _id: string;
  requestedAt: Date;
  requestedBy: string;
}

export const OUTBOX_QUARANTINE = "outbox_quarantine";
export const OUTBOX_RESEND_REQUESTS = "outbox_resend_requests";

/** Bytes an entry takes on the wire, as the broker counts them against its message size limit (key, value, headers). */
export function envelopeBytes(e: Pick<OutboxEntry, "key" | "value" | "headers">): number {
  let n = Buffer.byteLength(e.key, "utf8") + e.value.length();
  for (const [k, v] of Object.entries(e.headers)) n += Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8");
  return n;
}

/**
 * A node's quarantined outbox entries and the operators' resend requests. The relay is the only
 * writer of quarantine documents; operators only insert resend requests (a separate collection),
 * so no document has two writers (FerretDB v1 updates are read-modify-write).
 */
export class OutboxQuarantine {
  constructor(
    readonly entries: Collection<QuarantinedEntry>,
    readonly requests: Collection<ResendRequest>,
  ) {}

  static of(db: Db): OutboxQuarantine {
    return new OutboxQuarantine(db.collection<QuarantinedEntry>(OUTBOX_QUARANTINE), db.collection<ResendRequest>(OUTBOX_RESEND_REQUESTS));
  }

  /** Entries still quarantined, oldest first (small by nature: one per failure that will not heal). */
  async open(): Promise<QuarantinedEntry[]> {
    const all = await this.entries.find({ state: "quarantined" }).toArray();
    return all.sort((a, b) => a.order - b.order);
  }

  /** Every quarantine document, newest failure first. */
  async list(limit = 500): Promise<QuarantinedEntry[]> {
    const all = await this.entries.find({}).toArray();
    return all.sort((a, b) => b.lastFailedAt.getTime() - a.lastFailedAt.getTime()).slice(0, limit);
  }

  get(eventId: string): Promise<QuarantinedEntry | null> {
    return this.entries.findOne({ _id: eventId });
  }

  countOpen(): Promise<number> {
    return this.entries.countDocuments({ state: "quarantined" });
  }

  /**
   * Asks the relay to publish a quarantined entry again (and the entries waiting behind it).
   * An entry waiting behind another is resent with that one: the request names the head.
   */
  async requestResend(eventId: string, requestedBy: string, now = new Date()): Promise<RequestResendOutcome> {
    const q = await this.get(eventId);
    if (!q) return { outcome: "unknown" };
    if (q.state === "resent") return { outcome: "already_resent", entry: q };
    const head = q.behind ? await this.get(q.behind) : q;
    const target = head && head.state === "quarantined" ? head : q;
    await this.requests.updateOne({ _id: target._id }, { $set: { requestedAt: now, requestedBy } }, { upsert: true });
    return { outcome: "requested", entry: target };
  }
}

export type RequestResendOutcome =
  { outcome: "unknown" } | { outcome: "already_resent"; entry: QuarantinedEntry } | { outcome: "requested"; entry: QuarantinedEntry };
