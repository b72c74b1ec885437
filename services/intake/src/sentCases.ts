import { createHash } from "node:crypto";
import { Binary, type Collection, type Db } from "mongodb";
import { type CaseSubmitted, type EventEnvelope, encodeEnvelope } from "@tongban/contracts";
import { type OutboxEntry, OutboxRelay, isDuplicateKey } from "@tongban/store";

/** The receiving side's record of a case it registered and forwarded (收件地视图). */
export interface SentCase {
  _id: string;
  receiptNo: string;
  /** Fingerprint of the submission, to tell a retry from a different case reusing a receipt number. */
  requestHash: string;
  itemCode: string;
  homeNode: string;
  homeDepartment: string;
  state: string;
  /** Last case event seq this node wrote or applied. */
  seq: number;
  submitted: CaseSubmitted;
  createdAt: Date;
  updatedAt: Date;
  rev: number;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

export const SENT_CASES = "sent_cases";

export async function ensureSentCaseIndexes(db: Db): Promise<void> {
  const c = db.collection(SENT_CASES);
  await c.createIndex({ receiptNo: 1 }, { unique: true, name: "receipt_no_unique" });
  await OutboxRelay.ensureIndexes(c);
}

export const fingerprint = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("base64url");

/** Outbox entry for an envelope bound for another node's inbound topic. */
export function outboxEntry(topic: string, env: EventEnvelope): OutboxEntry {
  return {
    eventId: env.eventId,
    topic,
    key: env.caseId,
    value: new Binary(encodeEnvelope(env)),
    headers: { "event-type": env.type, "event-id": env.eventId, "source-node": env.sourceNode, "schema-version": String(env.schemaVersion) },
  };
}

export type RegisterResult = { created: true; doc: SentCase } | { created: false; existing: SentCase };

/**
 * Records a new case together with its forwarding event in one single-document insert.
 * The unique receipt number makes a retried submission return the existing case.
 */
export async function registerCase(collection: Collection<SentCase>, doc: SentCase): Promise<RegisterResult> {
  try {
    await collection.insertOne(doc);
    return { created: true, doc };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await collection.findOne({ receiptNo: doc.receiptNo });
    if (!existing) throw err;
    return { created: false, existing };
  }
}
