import type { Binary, Collection, Document } from "mongodb";
import type { Logger } from "pino";
import { KeyedMutex } from "./keyedMutex";

/**
 * An event waiting to leave the node, stored inside the document whose state change produced it
 * (same single-document write: no multi-document transactions are needed, or available on FerretDB v1).
 */
export interface OutboxEntry {
  eventId: string;
  topic: string;
  key: string;
  value: Binary;
  headers: Record<string, string>;
}

/** Fields a document carries to take part in the outbox. */
export interface WithOutbox {
  _id: string;
  /** Revision, bumped by every write that changes the document. */
  rev: number;
  outbox: OutboxEntry[];
  /** Indexed flag so a sweep finds pending documents after a restart. */
  outboxPending: boolean;
}

export type Publish = (records: { topic: string; key: string; value: Buffer; headers: Record<string, string> }[]) => Promise<void>;

export interface OutboxRelayOptions {
  /** How often to sweep the collection for pending entries nobody announced (e.g. after a crash). */
  sweepIntervalMs?: number;
  /**
   * How long sent entries may stay in their document before the relay removes them with a write
   * of its own. A writer that changes the document meanwhile removes them in its own write
   * (`takeSent`), which saves the store one write per change.
   */
  clearDelayMs?: number;
  batchSize?: number;
  /** Serialises the relay's write with other writers of the same document. */
  lock?: KeyedMutex;
  /** Reads a document the writer may hold in memory (defaults to the store). */
  load?: (id: string) => Promise<Pending | null | undefined>;
  /** Tells the writer what the relay wrote, so an in-memory copy stays exact. */
  onMarked?: (id: string, outbox: OutboxEntry[]) => void;
}

export type Pending = Pick<WithOutbox, "_id" | "outbox">;

/**
 * Moves outbox entries to Kafka, then removes them from their documents. At-least-once: a crash
 * between publish and removal republishes, and consumers dedupe on event id.
 *
 * Writers announce the documents they gave entries (`kick(id)`), so a relay pass reads those
 * documents by _id instead of querying the collection; a sweep at start and at intervals finds
 * whatever was written but not announced (a crash between the write and the relay).
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private clearTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly announced = new Set<string>();
  /** Published entries still stored in their documents, by document. */
  private readonly sent = new Map<string, Set<string>>();
  private readonly sweepIntervalMs: number;
  private readonly clearDelayMs: number;
  private readonly batchSize: number;
  private readonly lock: KeyedMutex;
  private readonly load: (id: string) => Promise<Pending | null | undefined>;
  private readonly onMarked: (id: string, outbox: OutboxEntry[]) => void;

  constructor(
    private readonly collection: Collection<Document>,
    private readonly publish: Publish,
    private readonly log: Logger,
    opts: OutboxRelayOptions = {},
  ) {
    this.sweepIntervalMs = opts.sweepIntervalMs ?? 300_000;
    this.clearDelayMs = opts.clearDelayMs ?? 250;
    this.batchSize = opts.batchSize ?? 500;
    this.lock = opts.lock ?? new KeyedMutex();
    this.load =
      opts.load ??
      ((id) => this.collection.findOne({ _id: id as never }, { projection: { _id: 1, outbox: 1 } }) as Promise<Pending | null>);
    this.onMarked = opts.onMarked ?? (() => undefined);
  }

  static async ensureIndexes(collection: Collection<Document>): Promise<void> {
    await collection.createIndex({ outboxPending: 1 }, { name: "outbox_pending" });
  }

  start(): void {
    this.stopped = false;
    const sweep = () => {
      this.sweep()
        .catch((err) => this.log.error({ err }, "outbox sweep failed; will retry"))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(sweep, this.sweepIntervalMs);
        });
    };
    this.timer = setTimeout(sweep, 0);
  }

  /** Announces that document `id` has new outbox entries, and asks for a relay pass now. */
  kick(id?: string): void {
    if (id !== undefined) this.announced.add(id);
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => this.log.error({ err }, "outbox relay pass failed; will retry"))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * For a writer about to change document `id` (holding its lock): the ids of entries already
   * published, which the writer drops from the outbox it writes. The relay then leaves that
   * document alone.
   */
  takeSent(id: string): Set<string> | undefined {
    const ids = this.sent.get(id);
    this.sent.delete(id);
    return ids;
  }

  /** Resolves when no relay pass is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
    if (this.clearTimer) clearTimeout(this.clearTimer);
    await this.clearSent();
  }

  /** Announces every document with pending entries (a collection query: rare on purpose). */
  private async sweep(): Promise<void> {
    const docs = await this.collection.find({ outboxPending: true }, { projection: { _id: 1 } }).toArray();
    for (const d of docs) this.announced.add(String(d._id));
    if (docs.length > 0) this.kick();
  }

  private async drain(): Promise<void> {
    while (this.announced.size > 0) {
      const ids = [...this.announced].slice(0, this.batchSize);
      for (const id of ids) this.announced.delete(id);
      try {
        const found = await Promise.all(ids.map((id) => this.load(id)));
        const batch = found.flatMap((d) => {
          if (!d) return [];
          const already = this.sent.get(d._id);
          const fresh = d.outbox.filter((e) => !already?.has(e.eventId));
          return fresh.length > 0 ? [{ id: d._id, entries: fresh }] : [];
        });
        if (batch.length === 0) continue;
        await this.publish(
          batch.flatMap((b) =>
            b.entries.map((e) => ({ topic: e.topic, key: e.key, value: Buffer.from(e.value.buffer), headers: e.headers })),
          ),
        );
        for (const b of batch) {
          const set = this.sent.get(b.id) ?? new Set<string>();
          for (const e of b.entries) set.add(e.eventId);
          this.sent.set(b.id, set);
        }
        this.clearTimer ??= setTimeout(() => {
          this.clearTimer = undefined;
          this.clearSent().catch((err) => this.log.error({ err }, "clearing sent outbox entries failed; will retry"));
        }, this.clearDelayMs);
      } catch (err) {
        // Not published: announce again so the next pass retries them.
        for (const id of ids) this.announced.add(id);
        throw err;
      }
    }
  }

  /** Removes published entries from documents no writer has touched since. */
  private async clearSent(): Promise<void> {
    const ids = [...this.sent.keys()];
    await Promise.all(
      ids.map((id) =>
        this.lock.run(id, async () => {
          const sentIds = this.takeSent(id);
          if (!sentIds) return;
          const current = await this.load(id);
          if (!current) return;
          const rest = current.outbox.filter((e) => !sentIds.has(e.eventId));
          try {
            await this.collection.updateOne({ _id: id as never }, { $set: { outbox: rest, outboxPending: rest.length > 0 } });
          } catch (err) {
            this.sent.set(id, sentIds);
            throw err;
          }
          this.onMarked(id, rest);
          if (rest.length > 0) this.kick(id);
        }),
      ),
    );
  }
}
