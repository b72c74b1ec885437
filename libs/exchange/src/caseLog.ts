import type { Collection, Db } from "mongodb";
import type { Logger } from "pino";
import { type BatchMarker, GroupCommitLog, type OutboxEntry, duplicateKeyErrorsOf, markerId } from "@tongban/store";
import type { Appended } from "@tongban/store";
import { CASES, type CaseDoc } from "./caseDoc";
import { CaseIndex } from "./caseIndex";
import type { CaseStore } from "./exchangeContext";
import { CHECKPOINTS, LogOutbox, type RelayCheckpoint } from "./logOutbox";

/**
 * One change of one case, as appended to the case log (案件日志). `_id` is `<caseId>:<rev>`: a
 * second write of the same position — a replay, or another writer — is a duplicate key. Rev 1
 * carries the whole new document; later rows the fields their change set. The row also carries
 * the events the change sends (outbox), so state and messages are stored in one write.
 */
export interface CaseRow {
  _id: string;
  caseId: string;
  rev: number;
  batch?: number;
  at: Date;
  set: Partial<CaseDoc>;
  outbox: OutboxEntry[];
}

export const CASE_LOG = "case_log";
/** Most update statements per request to the read model (see project). */
const BULK_UPDATES = 20;
export const rowId = (caseId: string, rev: number) => `${caseId}:${rev}`;

/** The document a case's rows fold into, starting from `base` (absent for a row of rev 1). */
export function foldRows(base: CaseDoc | undefined, rows: readonly CaseRow[]): CaseDoc | undefined {
  let doc = base;
  for (const r of rows) {
    if (doc && r.rev <= doc.rev) continue;
    if (!doc && r.rev !== 1) return undefined;
    doc = { ...(doc ?? ({} as CaseDoc)), ...r.set };
  }
  return doc;
}

export interface CaseLogOptions {
  db: Db;
  log: Logger;
  assertWriter?: () => void;
  /** Told about the cases whose entries wait for the relay (after they are durable). */
  onOutbox: (caseIds: string[]) => void;
  lingerMs?: number;
  /** Told about each case of the read model, read once at start (after recovery). */
  scanned?: (doc: Pick<CaseDoc, "_id" | "role" | "receiptKey">) => void;
}

/**
 * The node's single writer of cases: appends rows with group commit, then brings the `cases`
 * read model up to date and hands the rows' outbox entries to the relay, all before an appender
 * hears that its row is durable. While a row is on its way, the document it leads to is held
 * here so that later changes build on it.
 */
export class CaseLog implements CaseStore {
  readonly outbox: LogOutbox;
  private readonly writer: GroupCommitLog<CaseRow>;
  /** Every case this node has, with what its lookups need (loaded at start; kept by every append). */
  readonly index = new CaseIndex();
  private readonly ahead = new Map<string, { doc: CaseDoc; durable: Promise<void>; done: Promise<void> }>();
  private readonly rows: Collection<CaseRow>;
  private readonly cases: Collection<CaseDoc>;

  private constructor(
    private readonly o: CaseLogOptions,
    next: number,
    checkpoint: number,
  ) {
    this.rows = o.db.collection<CaseRow>(CASE_LOG);
    this.cases = o.db.collection<CaseDoc>(CASES);
    this.outbox = new LogOutbox(o.db.collection<RelayCheckpoint>(CHECKPOINTS), o.log.child({ component: "outbox" }), checkpoint);
    this.writer = new GroupCommitLog<CaseRow>(this.rows as never, o.log.child({ component: "case-log" }), next, {
      ...(o.lingerMs !== undefined ? { lingerMs: o.lingerMs } : {}),
      ...(o.assertWriter ? { assertWriter: o.assertWriter } : {}),
      afterCommit: async (batch, rows) => {
        await this.project(rows);
        this.o.onOutbox(this.outbox.add(batch, rows));
      },
    });
  }

  /**
   * Opens the log: batches after the relay's checkpoint are applied to the read model again and
   * their entries handed to the relay again (a crash may have come between any two of those steps).
   */
  static async open(o: CaseLogOptions): Promise<CaseLog> {
    const rows = o.db.collection<CaseRow>(CASE_LOG);
    const checkpoint = await LogOutbox.checkpointOf(o.db.collection<RelayCheckpoint>(CHECKPOINTS));
    const recovered: { batch: number; rows: CaseRow[] }[] = [];
    let n = checkpoint + 1;
    for (;;) {
      const marker = (await rows.findOne({ _id: markerId(n) })) as unknown as BatchMarker | null;
      if (!marker) break;
      const found = await Promise.all(marker.rows.map((id) => rows.findOne({ _id: id })));
      recovered.push({ batch: n, rows: found.filter((r): r is CaseRow => r !== null) });
      n += 1;
    }
    const log = new CaseLog(o, n, checkpoint);
    for (const b of recovered) {
      await log.project(b.rows, { recovering: true });
      o.onOutbox(log.outbox.add(b.batch, b.rows));
    }
    if (recovered.length > 0)
      o.log.info({ from: checkpoint + 1, batches: recovered.length }, "case log batches after the relay checkpoint recovered");
    // One scan at start; from then on every case passes through append.
    const projection = { _id: 1, role: 1, receiptKey: 1, certificateIds: 1, certificatesPending: 1 };
    for await (const d of log.cases.find({}, { projection })) {
      log.index.add(d);
      o.scanned?.(d);
    }
    return log;
  }

  /**
   * Appends a row; `doc` is the document it leads to. `done` resolves once the row is durable and
   * applied to the read model; `reply` also fails at once while the store fails (see Appended).
   */
  append(row: CaseRow, doc: CaseDoc): Appended {
    const appended = this.writer.append(row);
    this.index.add(doc);
    const held = { doc, durable: appended.reply, done: appended.done };
    this.ahead.set(row.caseId, held);
    const settle = () => {
      if (this.ahead.get(row.caseId) === held) this.ahead.delete(row.caseId);
    };
    appended.done.then(settle, settle);
    return appended;
  }

  /** The document a case's rows on their way lead to. */
  aheadOf(caseId: string): { doc: CaseDoc; durable: Promise<void>; done: Promise<void> } | undefined {
    return this.ahead.get(caseId);
  }

  /** Resolves when every row appended so far is durable (a consumer calls it before committing offsets). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  get pendingRows(): number {
    return this.writer.pendingRows;
  }

  /** Reads a case from the store: its read-model document, then any rows beyond it. */
  async read(caseId: string): Promise<CaseDoc | undefined> {
    if (!this.index.has(caseId)) return undefined;
    let doc = (await this.cases.findOne({ _id: caseId })) ?? undefined;
    for (let rev = (doc?.rev ?? 0) + 1; ; rev++) {
      const row = await this.rows.findOne({ _id: rowId(caseId, rev) });
      if (!row) break;
      doc = foldRows(doc, [row]);
      if (!doc) break;
    }
    return doc;
  }

  async stop(): Promise<void> {
    await this.writer.stop();
    await this.outbox.stop();
  }

  /**
   * Brings the read model up to the rows: a new case is inserted with the rest of its batch's new
   * cases in one insert, a changed one updated once with all its batch's changes.
   */
  private async project(rows: readonly CaseRow[], opts: { recovering?: boolean } = {}): Promise<void> {
    const byCase = new Map<string, CaseRow[]>();
    for (const r of rows) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
    if (opts.recovering) {
      // Some of these may already be in the read model.
      for (const [id, rs] of byCase) {
        const current = await this.cases.findOne({ _id: id }, { projection: { rev: 1 } });
        const newer = rs.filter((r) => !current || r.rev > current.rev);
        if (newer.length > 0) byCase.set(id, newer);
        else byCase.delete(id);
      }
    }
    const inserts: CaseDoc[] = [];
    const updates: { id: string; set: Partial<CaseDoc> }[] = [];
    for (const [id, rs] of byCase) {
      if (rs[0]!.rev === 1) inserts.push(foldRows(undefined, rs)!);
      else updates.push({ id, set: Object.assign({}, ...rs.map((r) => r.set)) as Partial<CaseDoc> });
    }
    this.o.assertWriter?.();
    if (inserts.length > 0) {
      try {
        await this.cases.insertMany(inserts, { ordered: false });
      } catch (err) {
        const errors = duplicateKeyErrorsOf(err);
        if (!errors) throw err;
        for (const e of errors) {
          const doc = inserts[e.index]!;
          const current = await this.cases.findOne({ _id: doc._id }, { projection: { rev: 1 } });
          if (current) {
            if (current.rev < doc.rev) await this.cases.replaceOne({ _id: doc._id }, doc);
          } else
            this.o.log.error(
              { caseId: doc._id, receiptKey: doc.receiptKey, err: e.errmsg },
              "case not added to the read model: its receipt number is taken",
            );
        }
      }
    }
    // Bulk requests: FerretDB still applies each update on its own, but a batch of them costs
    // about half of the same updates sent one by one (measured: 0.67 against 1.16 ms each). At
    // most BULK_UPDATES per request: FerretDB v1 keeps a query open for every statement of an
    // update command until the command ends, and a command with 100 of them took its database's
    // whole connection pool and waited for ever for one more (every later request to that
    // database, and to new databases, hung behind it).
    for (let i = 0; i < updates.length; i += BULK_UPDATES) {
      await this.cases.bulkWrite(
        updates.slice(i, i + BULK_UPDATES).map((u) => ({ updateOne: { filter: { _id: u.id }, update: { $set: u.set } } })),
        { ordered: false },
      );
    }
  }
}
