import { createHash } from "node:crypto";

/** Why a lookup was made (用证事由); required for every lookup. */
export interface Purpose {
  caseId: string;
  itemCode: string;
  requestingNode: string;
  operator: string;
}

export type AuditAction = "verify" | "refuse" | "revoke";

/** What is audited about one registry action; no holder data is kept, only the certificate and the answer. */
export interface AuditEntry {
  at: Date;
  action: AuditAction;
  certificateId: string;
  /** The answer (VALID, …), REFUSED, or REVOKED for a revocation. */
  outcome: string;
  purpose: Purpose;
  /**
   * The caller's identity URI from its certificate (`spiffe://tongban/<city>/<role>/<name>`); the
   * caller's city is also the purpose's requesting node. Absent only in records written before
   * callers were identified.
   */
  caller?: string;
}

/** One link of the append-only audit chain; `_id` is its 1-based sequence number. */
export interface AuditRecord extends AuditEntry {
  _id: number;
  prevHash: string;
  hash: string;
}

/** The previous hash of the first record. */
export const GENESIS_HASH = "0".repeat(64);

/** SHA-256 over every field of the record but its own hash, in a fixed order. */
export function auditHash(seq: number, prevHash: string, e: AuditEntry): string {
  const fields = [
    seq,
    prevHash,
    e.at.toISOString(),
    e.action,
    e.certificateId,
    e.outcome,
    e.purpose.caseId,
    e.purpose.itemCode,
    e.purpose.requestingNode,
    e.purpose.operator,
    // Appended only when present, so records written before callers were identified still verify.
    ...(e.caller ? [e.caller] : []),
  ];
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

/** The next link after `prev` (sequence and hash), or the first one. */
export function chainLink(prev: { seq: number; hash: string } | undefined, e: AuditEntry): AuditRecord {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return { _id: seq, ...e, prevHash, hash: auditHash(seq, prevHash, e) };
}

export type ChainReport = (
  { ok: true; checked: number; headHash: string } | { ok: false; checked: number; brokenSeq: number; reason: string }
) & { anchorsChecked: number };

/** A chain head the registry signed and published: record `seq` had hash `hash` at `at`. */
export interface Anchor {
  seq: number;
  hash: string;
  at: Date;
}

/**
 * Checks a chain record by record, in sequence order, so a long log can be streamed. The first
 * broken link is a missing sequence number, a record whose content no longer matches its hash,
 * or one that does not point at its predecessor's hash.
 */
export class AuditChainVerifier {
  private expected = 1;
  private prevHash = GENESIS_HASH;
  private broken: ChainReport | undefined;
  private readonly anchors: Map<number, Anchor>;
  private anchorsChecked = 0;

  /**
   * `anchors` are published chain heads: a record at an anchored sequence must still have the
   * anchored hash, and the chain must reach the last anchored sequence — so a rewrite of the whole
   * tail with recomputed hashes, or a cut-off tail, is caught, not only an edited record.
   */
  constructor(anchors: readonly Anchor[] = []) {
    this.anchors = new Map(anchors.map((a) => [a.seq, a]));
  }

  /** Feeds the next record; returns false once the chain is broken (further records are ignored). */
  next(r: AuditRecord): boolean {
    if (this.broken) return false;
    const fail = (brokenSeq: number, reason: string) => {
      this.broken = { ok: false, checked: this.expected, brokenSeq, reason, anchorsChecked: this.anchorsChecked };
      return false;
    };
    if (r._id !== this.expected) {
      return fail(this.expected, `第 ${this.expected} 条审计记录缺失 / audit record ${this.expected} is missing (next found: ${r._id})`);
    }
    if (r.prevHash !== this.prevHash) {
      return fail(r._id, `第 ${r._id} 条审计记录未链接到前一条 / audit record ${r._id} does not link to record ${r._id - 1}`);
    }
    const at = r.at instanceof Date ? r.at : new Date(Number.NaN);
    if (Number.isNaN(at.getTime()) || auditHash(r._id, r.prevHash, { ...r, at }) !== r.hash) {
      return fail(r._id, `第 ${r._id} 条审计记录内容被改动 / audit record ${r._id} was altered (hash mismatch)`);
    }
    const anchor = this.anchors.get(r._id);
    if (anchor) {
      if (anchor.hash !== r.hash) {
        return fail(
          r._id,
          `第 ${r._id} 条审计记录与 ${anchor.at.toISOString()} 发布的链头锚点不符（链尾被重写）/ audit record ${r._id} does not match the chain head anchored at ${anchor.at.toISOString()} (the tail was rewritten)`,
        );
      }
      this.anchorsChecked++;
    }
    this.prevHash = r.hash;
    this.expected++;
    return true;
  }

  report(): ChainReport {
    if (this.broken) return this.broken;
    const last = Math.max(0, ...this.anchors.keys());
    if (last >= this.expected) {
      return {
        ok: false,
        checked: this.expected - 1,
        brokenSeq: this.expected,
        reason: `审计记录 ${this.expected}–${last} 缺失，但已发布锚点 / audit records ${this.expected}–${last} are missing although their head was anchored (the tail was cut off)`,
        anchorsChecked: this.anchorsChecked,
      };
    }
    return { ok: true, checked: this.expected - 1, headHash: this.prevHash, anchorsChecked: this.anchorsChecked };
  }
}

/** Verifies a whole chain held in memory. */
export function verifyAuditChain(records: Iterable<AuditRecord>, anchors: readonly Anchor[] = []): ChainReport {
  const v = new AuditChainVerifier(anchors);
  for (const r of records) if (!v.next(r)) break;
  return v.report();
}
