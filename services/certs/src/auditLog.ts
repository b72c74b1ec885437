import type { Collection, Db } from "mongodb";
import { isDuplicateKey } from "@tongban/store";
import { type Anchor, type AuditEntry, type AuditRecord, AuditChainVerifier, type ChainReport, chainLink } from "./domain/auditChain";

export const CERT_AUDIT = "cert_audit";

interface Waiter {
  entry: AuditEntry;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 256;

/**
 * The registry's append-only, hash-chained audit log. Each record's `_id` is its sequence number,
 * so appending is a plain insert whose unique `_id` makes it atomic on MongoDB and FerretDB v1
 * alike (no conditional update, which FerretDB v1 does not make atomic). Appends from this
 * process are group-committed in order with one ordered insertMany; if another writer took a
 * sequence number (duplicate key), the tail is re-read and the rest re-chained on top of it.
 */
export class AuditLog {
  private tail: { seq: number; hash: string } | undefined;
  private queue: Waiter[] = [];
  private flushing: Promise<void> | undefined;

  constructor(readonly records: Collection<AuditRecord>) {}

  static open(db: Db): AuditLog {
    return new AuditLog(db.collection<AuditRecord>(CERT_AUDIT));
  }

  /** Appends one entry; resolves with its sequence number once it is stored. */
  append(entry: AuditEntry): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    });
  }

  /** Resolves when every append made so far is stored (or failed). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.write(batch);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  }

  private async write(batch: Waiter[]): Promise<void> {
    let rest = batch;
    for (let attempt = 0; attempt < 50 && rest.length > 0; attempt++) {
      this.tail ??= await this.readTail();
      const links: AuditRecord[] = [];
      let prev = this.tail;
      for (const w of rest) {
        const link = chainLink(prev, w.entry);
        links.push(link);
        prev = { seq: link._id, hash: link.hash };
      }
      try {
        await this.records.insertMany(links, { ordered: true });
        this.tail = prev;
        rest.forEach((w, i) => w.resolve(links[i]!._id));
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Another writer got there first: keep what of ours was stored, re-chain the rest.
        const stored = await this.records.find({ _id: { $in: links.map((l) => l._id) } }, { projection: { _id: 1, hash: 1 } }).toArray();
        const ours = new Set(stored.filter((s) => links.find((l) => l._id === s._id)?.hash === s.hash).map((s) => s._id));
        rest = rest.filter((w, i) => {
          const mine = ours.has(links[i]!._id);
          if (mine) w.resolve(links[i]!._id);
          return !mine;
        });
        this.tail = undefined;
      }
    }
    if (rest.length > 0) throw new Error("审计日志追加冲突过多 / audit log append kept conflicting");
  }

  private async readTail(): Promise<{ seq: number; hash: string } | undefined> {
    const last = await this.records.find({}, { sort: { _id: -1 }, limit: 1, projection: { _id: 1, hash: 1 } }).next();
    return last ? { seq: last._id, hash: last.hash } : undefined;
  }

  /** The chain head: the last record's sequence and hash (none for an empty chain). */
  async head(): Promise<{ seq: number; hash: string } | undefined> {
    await this.idle();
    return this.tail ?? (await this.readTail());
  }

  /** Walks the chain in sequence order (streamed) and reports the first broken link, also against published `anchors`. */
  async verify(anchors: readonly Anchor[] = []): Promise<ChainReport> {
    const v = new AuditChainVerifier(anchors);
    const cursor = this.records.find({}, { sort: { _id: 1 }, batchSize: 1_000 });
    try {
      for await (const r of cursor) if (!v.next(r)) break;
    } finally {
      await cursor.close();
    }
    return v.report();
  }
}
