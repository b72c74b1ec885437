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
  /** Optimistic-concurrency revision, bumped by every write that changes the document. */
  rev: number;
  outbox: OutboxEntry[];
  /** Indexed flag so the relay finds pending documents without scanning. */
  outboxPending: boolean;
}

export type Publish = (records: { topic: string; key: string; value: Buffer; headers: Record<string, string> }[]) => Promise<void>;

export interface OutboxRelayOptions {
  /** How often to look for pending entries the fast path missed (e.g. after a crash). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Serialises the relay's write with other writers of the same document. */
  lock?: KeyedMutex;
}

/**
 * Moves outbox entries to Kafka, then removes them from their documents. At-least-once:
 * a crash between publish and removal republishes, and consumers dedupe on event id.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly lock: KeyedMutex;

  constructor(
    private readonly collection: Collection<Document>,
    private readonly publish: Publish,
    private readonly log: Logger,
    opts: OutboxRelayOptions = {},
  ) {
    this.pollIntervalMs = opts.pollIntervalMs ?? 1_000;
    this.batchSize = opts.batchSize ?? 200;
    this.lock = opts.lock ?? new KeyedMutex();
  }

  static async ensureIndexes(collection: Collection<Document>): Promise<void> {
    await collection.createIndex({ outboxPending: 1 }, { name: "outbox_pending" });
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.kick();
      if (!this.stopped) this.timer = setTimeout(tick, this.pollIntervalMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Asks for a relay pass now (called right after a write that added outbox entries). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => this.log.error({ err }, "outbox relay pass failed; will retry"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no relay pass is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const docs = (await this.collection
        .find({ outboxPending: true }, { projection: { _id: 1, rev: 1, outbox: 1 }, limit: this.batchSize })
        .toArray()) as unknown as Pick<WithOutbox, "_id" | "rev" | "outbox">[];
      if (docs.length === 0) return;
      await this.publish(
        docs.flatMap((d) => d.outbox.map((e) => ({ topic: e.topic, key: e.key, value: Buffer.from(e.value.buffer), headers: e.headers }))),
      );
      await Promise.all(docs.map((d) => this.lock.run(d._id, () => this.markSent(d))));
      if (docs.length < this.batchSize) return;
    }
  }

  /** Removes the sent entries; if the document changed meanwhile, keeps entries added since. */
  private async markSent(sent: Pick<WithOutbox, "_id" | "rev" | "outbox">): Promise<void> {
    const sentIds = new Set(sent.outbox.map((e) => e.eventId));
    let current = sent;
    for (let attempt = 0; attempt < 10; attempt++) {
      const rest = current.outbox.filter((e) => !sentIds.has(e.eventId));
      const r = await this.collection.updateOne(
        { _id: current._id as never, rev: current.rev },
        { $set: { outbox: rest, outboxPending: rest.length > 0 } },
      );
      if (r.matchedCount === 1) return;
      const fresh = (await this.collection.findOne(
        { _id: current._id as never },
        {
          projection: { _id: 1, rev: 1, outbox: 1 },
        },
      )) as unknown as Pick<WithOutbox, "_id" | "rev" | "outbox"> | null;
      if (!fresh) return;
      current = fresh;
    }
    this.log.warn({ caseId: sent._id }, "outbox entries not marked sent after retries; they will be republished");
  }
}
