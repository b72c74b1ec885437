import type { Db } from "mongodb";
import type { CaseSubmitted, CertificateAlert, CertificateCheck, JointCaseView, TraceContext } from "@tongban/contracts";
import type { CaseState, CaseStatus } from "@tongban/lifecycle";

/**
 * Which side of a case this node is: the receiving window's city, the home authority's, or both
 * ("local": a leg of a joint application homed in the city whose window received it, 多地联办).
 */
export type Role = "receiving" | "home" | "local";

/** This node decides the case (home authority's side). */
export const isHomeSide = (doc: Pick<CaseDoc, "role">): boolean => doc.role === "home" || doc.role === "local";
/** This node's windows received the case. */
export const isReceivingSide = (doc: Pick<CaseDoc, "role">): boolean => doc.role === "receiving" || doc.role === "local";

/** A client request already handled on this case (idempotent retries). */
export interface HandledRequest {
  id: string;
  outcome: "applied" | "sent" | "rejected";
  message?: string;
}

/**
 * One case as this node keeps it: the node's replica of the lifecycle state plus the application
 * (personal data: present only on the receiving and home nodes of the case). This is the read
 * model: each change is first a row of the case log (CaseRow, with the events it sends), then
 * applied here; `rev` is the number of rows it reflects.
 */
export interface CaseDoc {
  _id: string;
  role: Role;
  /** The node on the other side of the case. */
  peerNode: string;
  /** `<receiving node>:<receipt no>`, unique: one case per window receipt. */
  receiptKey: string;
  receiptNo: string;
  itemCode: string;
  receivingNode: string;
  homeNode: string;
  homeDepartment: string;
  status: CaseStatus;
  state: CaseState;
  /** Number of lifecycle events of the case's history applied here. */
  seq: number;
  /** Due date of the current stage, if a clock runs (for the overdue filter). */
  dueAt: Date | null;
  submission: CaseSubmitted;
  /** Receiving side: fingerprint of the submission, to tell a retry from a reused receipt number. */
  requestHash?: string;
  requests: HandledRequest[];
  lastRejection?: string;
  claimedBy?: string | null;
  claimUntil?: Date | null;
  /** Identifiers of the certificates the application references, normalized (revocation lookup). */
  certificateIds?: string[];
  /** Latest verification of each referenced certificate (starts as the submission's checks). */
  certificateChecks?: CertificateCheck[];
  /** Receiving side: some certificates are still UNVERIFIED and wait for their registry. */
  certificatesPending?: boolean;
  /** Certificates the case relies on that were revoked after intake. */
  certificateAlerts?: CertificateAlert[];
  /**
   * A leg of a joint application: the latest report of the whole application (every leg's
   * state), made by the receiving node and, for a remote home, sent to it.
   */
  jointReport?: { version: number; joint: JointCaseView };
  /** The case's trace (W3C context of the span that registered it here): every later change continues it. */
  trace?: TraceContext;
  createdAt: Date;
  updatedAt: Date;
  rev: number;
}

export const CASES = "cases";
export const INBOX = "inbox";
/** Requests remembered per case for idempotent retries. */
export const MAX_REMEMBERED_REQUESTS = 100;

/** Secondary indexes that serve queries (queue lists, due dates, trace); MongoDB reads them. */
const DROPPED = [
  // The outbox moved from the case documents to the case log.
  { collection: CASES, name: "outbox_pending" },
  // Revocations and re-verification look cases up in the node's in-memory case index.
  { collection: CASES, name: "certificate_ids" },
  { collection: CASES, name: "certificates_pending" },
] as const;
const QUERY_INDEXES = [
  { collection: CASES, key: { role: 1, homeDepartment: 1, status: 1 }, name: "role_dept_status" },
  { collection: CASES, key: { role: 1, dueAt: 1 }, name: "role_due" },
  { collection: INBOX, key: { caseId: 1 }, name: "case" },
] as const;

/**
 * The case store's indexes. The unique receipt index guards one case per receipt everywhere. The
 * query indexes are created on MongoDB only: FerretDB v1 never reads a secondary index (it scans
 * for any filter but `_id`) while each one costs every insert (measured: a 4.5 KB insert 0.75 ms
 * without them, 1.0–1.2 ms with them), so there they are dropped if an earlier version made them.
 */
export async function ensureCaseIndexes(db: Db, opts: { ferretDb: boolean }): Promise<void> {
  // Created here, one after the other, before anything writes: FerretDB v1 would otherwise create
  // each on its first insert, taking its global metadata lock in the middle of the write path.
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of [CASES, INBOX, "case_log", "checkpoints"]) {
    if (!existing.has(name))
      await db.createCollection(name).catch((err: { code?: number }) => (err.code === 48 ? undefined : Promise.reject(err)));
  }
  await db.collection(CASES).createIndex({ receiptKey: 1 }, { unique: true, name: "receipt_key_unique" });
  for (const ix of QUERY_INDEXES) {
    const c = db.collection(ix.collection);
    if (!opts.ferretDb) await c.createIndex(ix.key, { name: ix.name });
    else if ((await c.indexExists(ix.name).catch(() => false)) === true) await c.dropIndex(ix.name);
  }
  for (const ix of DROPPED) {
    const c = db.collection(ix.collection);
    if ((await c.indexExists(ix.name).catch(() => false)) === true) await c.dropIndex(ix.name);
  }
}

/** Event ids already applied here (收件箱): the unique _id makes replays no-ops. */
export interface InboxEntry {
  _id: string;
  caseId: string;
  type: string;
  sourceNode: string;
  appliedAt: Date;
}
