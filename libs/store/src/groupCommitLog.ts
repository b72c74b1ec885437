import type { Collection, Document } from "mongodb";
import type { Logger } from "pino";

/** A row of an append-only log: its id is deterministic, so writing it twice is a duplicate key. */
export interface LogRow {
  _id: string;
  /** Number of the batch the row was committed in (set by the log). */
  batch?: number;
}

/**
 * Written first in each batch's insert: which rows the batch holds. Batch numbers have no gaps,
 * so a reader finds every batch after a known one by reading markers by `_id` until one is
 * missing (FerretDB looks up nothing but `_id` without decoding the whole collection).
 */
export interface BatchMarker {
  _id: string;
  batch: number;
  rows: string[];
  at: Date;
}

export const markerId = (batch: number): string => `~batch:${String(batch).padStart(12, "0")}`;

/** A row's id was already taken by a row this log did not write: another writer wrote the same position. */
export class DuplicateRow extends Error {
  constructor(readonly rowId: string) {
    super(`row ${rowId} was written by another writer`);
    this.name = "DuplicateRow";
  }
}

export interface GroupCommitOptions<R extends LogRow> {
  /** How long the first row of an idle log waits for company before its batch is written. */
  lingerMs?: number;
  /** Most rows per insert. */
  maxRows?: number;
  /** Throws when this process may no longer write (writer lease lost): the log then refuses everything. */
  assertWriter?: () => void;
  /**
   * Runs after a batch's rows are durable and before their appenders are told (read models, the
   * outbox relay). Retried like the insert until it succeeds.
   */
  afterCommit?: (batch: number, rows: R[]) => Promise<void>;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/** What an appender holds: when its row is durable, and when to answer its caller. */
export interface Appended {
  /** Settles when the row is written (or can never be). */
  done: Promise<void>;
  /**
   * Like `done`, but fails as soon as an attempt to write the row fails: the caller hears of a
   * store outage at once (and may retry; the row is still written once the store is back).
   */
  reply: Promise<void>;
}

interface Waiting<R> extends Appended {
  row: R;
  settled: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
  replyReject: (err: Error) => void;
}

/**
 * The per-document errors of an insertMany that failed only because some documents were already
 * there; undefined for any other failure (a network error carries an empty list).
 */
export const duplicateKeyErrorsOf = (err: unknown): { index: number; code?: number; errmsg?: string }[] | undefined => {
  const we = (err as { writeErrors?: unknown }).writeErrors;
  if (we === undefined || we === null) return undefined;
  const list = (Array.isArray(we) ? we : [we]) as { index: number; code?: number; errmsg?: string }[];
  return list.length > 0 && list.every((e) => e.code === 11000) ? list : undefined;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One writer's append-only log with group commit: rows appended while a batch is being written
 * (or within `lingerMs` of an idle log) go together in the next `insertMany`, one store
 * transaction for many rows instead of one per row. An appender learns that its row is durable
 * when its promise resolves; `flush()` waits for every row appended so far.
 *
 * A batch that fails on an outage is written again, unchanged, until it succeeds: rows of a
 * failed attempt that did reach the store are recognised by their batch number. Batches are
 * written one at a time and numbered without gaps. When the writer's lease is lost, the log
 * refuses everything from then on (the process must stop; its successor recovers the batches).
 */
export class GroupCommitLog<R extends LogRow> {
  private queue: Waiting<R>[] = [];
  private inFlight: Waiting<R>[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private stopped = false;
  private readonly lingerMs: number;
  private readonly maxRows: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly collection: Collection<Document>,
    private readonly log: Logger,
    /** Number the next batch gets (one more than the last batch in the store). */
    private next: number,
    private readonly opts: GroupCommitOptions<R> = {},
  ) {
    this.lingerMs = opts.lingerMs ?? 2;
    this.maxRows = opts.maxRows ?? 500;
    this.retryInitialMs = opts.retryInitialMs ?? 100;
    this.retryMaxMs = opts.retryMaxMs ?? 5_000;
  }

  /** Number of the last batch written (0 before any). */
  get lastBatch(): number {
    return this.next - 1;
  }

  /** Queues a row for the next batch: `done` resolves once it is durable, rejects with DuplicateRow if its id was taken. */
  append(row: R): Appended {
    if (this.failure) {
      const failed = Promise.reject(this.failure);
      failed.catch(() => undefined);
      return { done: failed, reply: failed };
    }
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    let replyResolve!: () => void;
    let replyReject!: (err: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const reply = new Promise<void>((res, rej) => {
      replyResolve = res;
      replyReject = rej;
    });
    // Consumers need not wait for each row (they flush before committing offsets): never unhandled.
    done.catch(() => undefined);
    reply.catch(() => undefined);
    const w: Waiting<R> = {
      row,
      done,
      reply,
      settled: false,
      resolve: () => {
        resolve();
        replyResolve();
      },
      reject: (err) => {
        reject(err);
        replyReject(err);
      },
      replyReject,
    };
    this.queue.push(w);
    this.schedule();
    return { done, reply };
  }

  /** Resolves when every row appended before the call is durable; fails at once while the store fails. */
  async flush(): Promise<void> {
    const waiting = [...this.inFlight, ...this.queue].map((w) => w.reply);
    if (this.queue.length > 0) this.startNow();
    await Promise.all(waiting);
  }

  /** Rows queued or being written. */
  get pendingRows(): number {
    return this.queue.length + this.inFlight.length;
  }

  /** Writes what is queued, then refuses further rows. */
  async stop(): Promise<void> {
    // What is queued gets one attempt; an outage now fails it instead of holding shutdown.
    this.stopped = true;
    if (this.queue.length > 0) this.startNow();
    while (this.running) await this.running;
    this.failure ??= new Error("the case log is closed");
  }

  private schedule(): void {
    if (this.running) return;
    if (this.queue.length >= this.maxRows || this.lingerMs <= 0) this.startNow();
    else this.timer ??= setTimeout(() => this.startNow(), this.lingerMs);
  }

  private startNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0 && !this.failure) this.startNow();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      this.inFlight = this.queue.splice(0, this.maxRows);
      try {
        await this.commit(this.inFlight);
      } catch (err) {
        this.fail(err as Error);
      } finally {
        this.inFlight = [];
      }
    }
  }

  /** Fails the batch in flight and everything queued; the log refuses rows from now on. */
  private fail(err: Error): void {
    this.failure = err;
    this.log.error({ err }, "case log stopped: rows can no longer be written by this process");
    for (const w of [...this.inFlight, ...this.queue]) w.reject(err);
    this.queue = [];
  }

  private async commit(batch: Waiting<R>[]): Promise<void> {
    const n = this.next;
    const rows = batch.map((w) => ({ ...w.row, batch: n }));
    const marker: BatchMarker = { _id: markerId(n), batch: n, rows: rows.map((r) => r._id), at: new Date() };
    const taken = await this.retrying(
      "writing a batch of the case log",
      () => this.insert(n, marker, rows),
      (err) => {
        for (const w of batch) w.replyReject(err);
      },
    );
    this.next = n + 1;
    const written = rows.filter((r) => !taken.has(r._id));
    if (this.opts.afterCommit) await this.retrying("applying a written batch", () => this.opts.afterCommit!(n, written));
    for (const [i, w] of batch.entries()) {
      if (taken.has(rows[i]!._id)) w.reject(new DuplicateRow(rows[i]!._id));
      else w.resolve();
    }
  }

  /** Inserts a batch; returns the ids of rows another writer had already taken. */
  private async insert(n: number, marker: BatchMarker, rows: R[]): Promise<Set<string>> {
    const taken = new Set<string>();
    this.opts.assertWriter?.();
    try {
      await this.collection.insertMany([marker, ...rows] as Document[], { ordered: false });
      return taken;
    } catch (err) {
      const errors = duplicateKeyErrorsOf(err);
      if (!errors) throw err;
      for (const e of errors) {
        if (e.index === 0) continue;
        const row = rows[e.index - 1]!;
        // Ours if an earlier attempt of this very batch wrote it.
        const stored = await this.collection.findOne({ _id: row._id as never }, { projection: { batch: 1 } });
        if (stored?.batch !== n) taken.add(row._id);
      }
      if (errors.some((e) => e.index === 0)) {
        const stored = await this.collection.findOne({ _id: marker._id as never }, { projection: { rows: 1 } });
        const ours =
          Array.isArray(stored?.rows) && stored.rows.length === marker.rows.length && stored.rows.every((id, i) => id === marker.rows[i]);
        if (!ours) throw new Error(`batch ${n} of the case log was written by another writer`);
      }
      return taken;
    }
  }

  /** Runs `fn` until it succeeds, backing off; gives up only when the writer lease is lost or the log stopped. */
  private async retrying<T>(what: string, fn: () => Promise<T>, onFailure?: (err: Error) => void): Promise<T> {
    let delay = this.retryInitialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (this.stopped || (err as Error).name === "WriterLeaseLostError" || (err as Error).message.includes("another writer")) throw err;
        onFailure?.(err as Error);
        this.log.warn({ err, attempt, retryInMs: delay }, `${what} failed; retrying`);
        await sleep(delay);
        delay = Math.min(this.retryMaxMs, delay * 2);
      }
    }
  }
}
