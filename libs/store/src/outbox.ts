import type { Binary, Collection, Document } from "mongodb";
import type { Logger } from "pino";
import { KeyedMutex } from "./keyedMutex";
import { BEHIND_QUARANTINED, type OutboxQuarantine, type QuarantinedEntry, envelopeBytes } from "./outboxQuarantine";

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

/**
 * How a failed publish may heal (see the bus's classifyPublishError): `permanent` failures are
 * quarantined at once, `permanentAfterWait` ones only if they persist, `transient` ones retried.
 * `topicWide` failures concern every entry for the topic alike (missing, not authorised).
 */
export interface PublishFailure {
  code: string;
  kind: "permanent" | "transient" | "permanentAfterWait";
  topicWide: boolean;
}

/** Hooks the relay calls after the fact (metrics); a hook that throws is ignored. */
export interface OutboxRelayObserver {
  /** An entry was moved to the quarantine with this reason. */
  quarantined(reason: string): void;
}

/** Header code of the metadata-only notice a quarantine publishes to the node's dead-letter topic. */
export const OUTBOX_QUARANTINED = "OUTBOX_QUARANTINED";

export interface OutboxRelayOptions {
  /** Throws when this process may no longer write the node's documents (its writer lease is gone). */
  assertWriter?: () => void;
  /** How often to sweep the collection for pending entries nobody announced (e.g. after a crash). */
  sweepIntervalMs?: number;
  /**
   * How long sent entries may stay in their document before the relay removes them with a write
   * of its own. A writer that changes the document meanwhile removes them in its own write
   * (`takeSent`), which saves the store one write per change.
   */
  clearDelayMs?: number;
  batchSize?: number;
  /** Largest sum of envelope sizes sent to one topic in one request (the broker limits a record batch). */
  maxBatchBytes?: number;
  /** Serialises the relay's write with other writers of the same document. */
  lock?: KeyedMutex;
  /** Reads a document the writer may hold in memory (defaults to the store). */
  load?: (id: string) => Promise<Pending | null | undefined>;
  /** Tells the writer what the relay wrote, so an in-memory copy stays exact. */
  onMarked?: (id: string, outbox: OutboxEntry[]) => void;
  /**
   * Removes published entries where the entries are kept, instead of rewriting the document's
   * outbox (an outbox kept elsewhere, e.g. rows of an append-only log held in memory until sent).
   */
  clear?: (id: string, sentIds: Set<string>) => Promise<void>;
  /** Whether to sweep the collection for documents with pending entries (default true). */
  sweep?: boolean;
  /** Tells a failure that will not heal from one that will; by default every failure is transient. */
  classify?: (err: unknown) => PublishFailure;
  /** Where entries that will not publish are moved; without it they are retried for ever. */
  quarantine?: OutboxQuarantine;
  /** Topic for the metadata-only notice of each quarantined entry (the node's dead-letter topic). */
  noticeTopic?: string;
  /** The node id put on notices. */
  nodeId?: string;
  /** How long a `permanentAfterWait` failure (unknown topic) may persist before its entries are quarantined. */
  permanentAfterMs?: number;
  /** First delay before retrying after a transient failure; doubles up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** How often operators' resend requests and unsent quarantine notices are looked at. */
  resendIntervalMs?: number;
  observer?: OutboxRelayObserver;
  now?: () => Date;
}

export type Pending = Pick<WithOutbox, "_id" | "outbox">;

/** One document's unsent entries for one topic, in outbox order (per-key order must hold). */
interface Chain {
  id: string;
  entries: OutboxEntry[];
}

const chainKey = (docId: string, topic: string) => `${docId}\u0000${topic}`;
const recordOf = (e: OutboxEntry) => ({ topic: e.topic, key: e.key, value: Buffer.from(e.value.buffer), headers: e.headers });
const messageOf = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 500);
const transient: PublishFailure = { code: "ERROR", kind: "transient", topicWide: false };

/** Reason of an entry whose key, value or headers cannot be encoded as a Kafka record. */
export const SERIALIZATION_FAILED = "SERIALIZATION_FAILED";
const UNENCODABLE = "the entry's topic, key, value or headers cannot be encoded as a Kafka record";

const safeSize = (e: OutboxEntry) => {
  try {
    return envelopeBytes(e);
  } catch {
    return -1;
  }
};

/** Whether an entry as stored can be turned into a Kafka record at all. */
function isPublishable(e: OutboxEntry): boolean {
  try {
    if (typeof e.eventId !== "string" || typeof e.topic !== "string" || e.topic === "" || typeof e.key !== "string") return false;
    if (typeof e.headers !== "object" || e.headers === null || Object.values(e.headers).some((v) => typeof v !== "string")) return false;
    recordOf(e);
    envelopeBytes(e);
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves outbox entries to Kafka, then removes them from their documents. At-least-once: a crash
 * between publish and removal republishes, and consumers dedupe on event id.
 *
 * Writers announce the documents they gave entries (`kick(id)`), so a relay pass reads those
 * documents by _id instead of querying the collection; a sweep at start and at intervals finds
 * whatever was written but not announced (a crash between the write and the relay).
 *
 * No entry blocks another: entries are sent per topic in batches of bounded size; a batch that
 * fails for good is sent again entry by entry, and an entry that will not publish (too large,
 * unknown topic after a wait, not authorised) is moved to the quarantine with its reason, with
 * the entries of the same document and topic behind it (their order must hold), and removed from
 * its document. Transient failures are retried on a timer with exponential backoff.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private clearTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly announced = new Set<string>();
  /** Documents taken from `announced` by the pass now running. */
  private inFlight = new Set<string>();
  /** Documents whose entries failed transiently, announced again when the retry timer fires. */
  private readonly retrying = new Set<string>();
  private retryDelayMs: number;
  /** Published (or quarantined) entries still stored in their documents, by document. */
  private readonly sent = new Map<string, Set<string>>();
  /** Open quarantines: the head entry's event id per document and topic. */
  private blocked: Map<string, string> | undefined;
  /** When failures that may be permanent were first seen, by topic or event id. */
  private readonly failingSince = new Map<string, { since: number; attempts: number }>();
  private resendDue = false;
  private noticeRetryAt = 0;
  private noticeBackoffMs = 0;
  private order = Date.now() * 1_000;
  private readonly sweepIntervalMs: number;
  private readonly clearDelayMs: number;
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly lock: KeyedMutex;
  private readonly load: (id: string) => Promise<Pending | null | undefined>;
  private readonly onMarked: (id: string, outbox: OutboxEntry[]) => void;
  private readonly classify: (err: unknown) => PublishFailure;
  private readonly quarantine: OutboxQuarantine | undefined;
  private readonly permanentAfterMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly resendIntervalMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly collection: Collection<Document>,
    private readonly publish: Publish,
    private readonly log: Logger,
    private readonly opts: OutboxRelayOptions = {},
  ) {
    this.sweepIntervalMs = opts.sweepIntervalMs ?? 300_000;
    this.clearDelayMs = opts.clearDelayMs ?? 250;
    this.batchSize = opts.batchSize ?? 500;
    this.maxBatchBytes = opts.maxBatchBytes ?? 512 * 1024;
    this.lock = opts.lock ?? new KeyedMutex();
    this.load =
      opts.load ??
      ((id) => this.collection.findOne({ _id: id as never }, { projection: { _id: 1, outbox: 1 } }) as Promise<Pending | null>);
    this.onMarked = opts.onMarked ?? (() => undefined);
    this.classify = opts.classify ?? (() => transient);
    this.quarantine = opts.quarantine;
    this.permanentAfterMs = opts.permanentAfterMs ?? 30_000;
    this.retryInitialMs = opts.retryInitialMs ?? 200;
    this.retryMaxMs = opts.retryMaxMs ?? 10_000;
    this.retryDelayMs = this.retryInitialMs;
    this.resendIntervalMs = opts.resendIntervalMs ?? 2_000;
    this.now = opts.now ?? (() => new Date());
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
    if (this.opts.sweep !== false) this.timer = setTimeout(sweep, 0);
    if (this.quarantine) {
      const resend = () => {
        this.resendDue = true;
        this.kick();
        if (!this.stopped) this.resendTimer = setTimeout(resend, this.resendIntervalMs);
      };
      this.resendTimer = setTimeout(resend, this.resendIntervalMs);
    }
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
        this.inFlight.clear();
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * For a writer about to change document `id` (holding its lock): the ids of entries already
   * published (or quarantined), which the writer drops from the outbox it writes. The relay then
   * leaves that document alone.
   */
  takeSent(id: string): Set<string> | undefined {
    const ids = this.sent.get(id);
    this.sent.delete(id);
    return ids;
  }

  /**
   * Documents known to hold entries not yet published: announced and waiting for a pass, in the
   * pass now running, or waiting for a retry (the relay's own view, so a metrics scrape costs no collection query).
   */
  pendingDocuments(): number {
    return new Set([...this.announced, ...this.inFlight, ...this.retrying]).size;
  }

  /** Resolves when no relay pass is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.timer, this.retryTimer, this.resendTimer]) if (t) clearTimeout(t);
    this.retryTimer = undefined;
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

  /** The open quarantines, read once from the store. */
  private async openQuarantines(): Promise<Map<string, string>> {
    if (!this.blocked) {
      const blocked = new Map<string, string>();
      for (const q of (await this.quarantine?.open()) ?? []) {
        if (!q.behind) blocked.set(chainKey(q.docId, q.topic), q._id);
        // `order` sorts a resend chain: it must grow past what an earlier process (perhaps with a
        // clock that has since stepped back) already gave out.
        if (q.order >= this.order) this.order = q.order + 1;
      }
      this.blocked = blocked;
    }
    return this.blocked;
  }

  private async drain(): Promise<void> {
    const blocked = await this.openQuarantines();
    if (this.resendDue) {
      this.resendDue = false;
      await this.resendRequested().catch((err) => this.log.warn({ err }, "resending quarantined outbox entries failed; will retry"));
    }
    while (this.announced.size > 0) {
      const ids = [...this.announced].slice(0, this.batchSize);
      for (const id of ids) this.announced.delete(id);
      this.inFlight = new Set(ids);
      let found: (Pending | null | undefined)[];
      try {
        found = await Promise.all(ids.map((id) => this.load(id)));
      } catch (err) {
        // The store is unreachable: everything announced waits for the retry timer.
        this.retryLater([...ids, ...this.announced]);
        this.announced.clear();
        throw err;
      }
      const byTopic = new Map<string, Chain[]>();
      for (const d of found) {
        if (!d) continue;
        if (!Array.isArray(d.outbox)) {
          this.log.error({ id: d._id }, "document's outbox is not a list; skipped");
          continue;
        }
        const already = this.sent.get(d._id);
        const perTopic = new Map<string, OutboxEntry[]>();
        for (const e of d.outbox) {
          if (already?.has(e.eventId)) continue;
          perTopic.set(e.topic, [...(perTopic.get(e.topic) ?? []), e]);
        }
        for (const [topic, entries] of perTopic) {
          const head = blocked.get(chainKey(d._id, topic));
          if (head) {
            await this.toQuarantine(d._id, topic, entries, { code: BEHIND_QUARANTINED, detail: `waits behind ${head}` });
            continue;
          }
          // An entry that cannot even be made a record would fail the same way for ever.
          const bad = entries.findIndex((e) => !isPublishable(e));
          const good = bad < 0 ? entries : entries.slice(0, bad);
          if (good.length > 0) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { id: d._id, entries: good }]);
          if (bad >= 0) await this.toQuarantine(d._id, topic, entries.slice(bad), { code: SERIALIZATION_FAILED, detail: UNENCODABLE });
        }
      }
      let failed = false;
      if (!(await this.publishAllAtOnce(byTopic))) {
        // Topics that failed lately go last, so a slow failure delays nobody else.
        const topics = [...byTopic.keys()].sort((a, b) => Number(this.failingSince.has(a)) - Number(this.failingSince.has(b)));
        for (const topic of topics) {
          if (!(await this.publishTopic(topic, byTopic.get(topic)!))) failed = true;
        }
      }
      if (!failed) this.retryDelayMs = this.retryInitialMs;
      if (this.sent.size > 0) {
        this.clearTimer ??= setTimeout(() => {
          this.clearTimer = undefined;
          this.clearSent().catch((err) => this.log.error({ err }, "clearing sent outbox entries failed; will retry"));
        }, this.clearDelayMs);
      }
    }
  }

  /**
   * The common case in one request: every topic at once, when none failed lately and all fits in
   * one batch. False when that was not tried or did not succeed (then each topic goes on its own).
   */
  private async publishAllAtOnce(byTopic: Map<string, Chain[]>): Promise<boolean> {
    if (byTopic.size < 2 || [...byTopic.keys()].some((t) => this.failingSince.has(t))) return false;
    const chains = [...byTopic.values()].flat();
    if (chains.reduce((n, c) => n + c.entries.reduce((m, e) => m + envelopeBytes(e), 0), 0) > this.maxBatchBytes) return false;
    try {
      await this.publish(chains.flatMap((c) => c.entries.map(recordOf)));
    } catch (err) {
      this.log.debug({ err: messageOf(err) }, "outbox publish failed; sending per topic");
      return false;
    }
    for (const c of chains) this.markSent(c.id, c.entries);
    return true;
  }

  /** Publishes the chains of one topic in batches of bounded size; false if some wait for a retry. */
  private async publishTopic(topic: string, chains: Chain[]): Promise<boolean> {
    const batches: Chain[][] = [];
    let batch: Chain[] = [];
    let bytes = 0;
    for (const c of chains) {
      const size = c.entries.reduce((n, e) => n + envelopeBytes(e), 0);
      if (batch.length > 0 && bytes + size > this.maxBatchBytes) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(c);
      bytes += size;
    }
    if (batch.length > 0) batches.push(batch);

    for (const [i, b] of batches.entries()) {
      const ok = await this.publishBatch(topic, b);
      if (!ok) {
        this.retryLater(batches.slice(i + 1).flatMap((rest) => rest.map((c) => c.id)));
        return false;
      }
    }
    this.failingSince.delete(topic);
    return true;
  }

  /** One batch of chains; on a failure that is not transient, entry by entry. False if some wait for a retry. */
  private async publishBatch(topic: string, chains: Chain[]): Promise<boolean> {
    try {
      await this.publish(chains.flatMap((c) => c.entries.map(recordOf)));
      for (const c of chains) this.markSent(c.id, c.entries);
      return true;
    } catch (err) {
      const f = this.failureOf(err, topic);
      if (f.kind === "transient") {
        this.log.warn({ topic, code: f.code, err: messageOf(err) }, "outbox publish failed; will retry");
        this.retryLater(chains.map((c) => c.id));
        return false;
      }
      if (f.topicWide) {
        for (const c of chains) await this.toQuarantine(c.id, topic, c.entries, { code: f.code, detail: messageOf(err) });
        return true;
      }
    }
    // A record-level failure: find the entries that cause it.
    for (const [i, c] of chains.entries()) {
      for (const [j, e] of c.entries.entries()) {
        try {
          await this.publish([recordOf(e)]);
          this.markSent(c.id, [e]);
        } catch (err) {
          const f = this.failureOf(err, topic, e.eventId);
          if (f.kind === "transient") {
            this.log.warn({ topic, code: f.code, err: messageOf(err) }, "outbox publish failed; will retry");
            this.retryLater(chains.slice(i).map((x) => x.id));
            return false;
          }
          if (f.topicWide) {
            await this.toQuarantine(c.id, topic, c.entries.slice(j), { code: f.code, detail: messageOf(err) });
            for (const rest of chains.slice(i + 1))
              await this.toQuarantine(rest.id, topic, rest.entries, { code: f.code, detail: messageOf(err) });
            return true;
          }
          await this.toQuarantine(c.id, topic, c.entries.slice(j), { code: f.code, detail: messageOf(err) });
          break;
        }
      }
    }
    return true;
  }

  /** The failure's classification, with `permanentAfterWait` turned transient until it has persisted long enough. */
  private failureOf(err: unknown, topic: string, eventId?: string): PublishFailure {
    let f: PublishFailure;
    try {
      f = this.classify(err);
    } catch {
      f = transient;
    }
    if (!this.quarantine && f.kind !== "transient") {
      this.log.error({ topic, code: f.code, err: messageOf(err) }, "outbox entry cannot be published and there is no quarantine; retrying");
      return { ...f, kind: "transient" };
    }
    const key = f.topicWide ? topic : (eventId ?? topic);
    const seen = this.failingSince.get(key) ?? { since: Date.now(), attempts: 0 };
    seen.attempts += 1;
    this.failingSince.set(key, seen);
    if (f.kind === "permanentAfterWait") {
      return Date.now() - seen.since >= this.permanentAfterMs ? { ...f, kind: "permanent" } : { ...f, kind: "transient" };
    }
    return f;
  }

  private retryLater(ids: readonly string[]): void {
    for (const id of ids) this.retrying.add(id);
    if (this.retryTimer || this.stopped || this.retrying.size === 0) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryMaxMs, delay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      for (const id of this.retrying) this.announced.add(id);
      this.retrying.clear();
      this.kick();
    }, delay);
  }

  private markSent(id: string, entries: readonly OutboxEntry[]): void {
    const set = this.sent.get(id) ?? new Set<string>();
    for (const e of entries) {
      set.add(e.eventId);
      if (this.failingSince.size > 0) this.failingSince.delete(e.eventId);
    }
    this.sent.set(id, set);
  }

  /**
   * Moves entries of one document and topic to the quarantine (the first with `cause`, the rest
   * waiting behind it), then lets them be removed from the document like sent ones.
   */
  private async toQuarantine(docId: string, topic: string, entries: OutboxEntry[], cause: { code: string; detail: string }): Promise<void> {
    if (!this.quarantine || entries.length === 0) return;
    const blocked = await this.openQuarantines();
    const key = chainKey(docId, topic);
    const existingHead = blocked.get(key);
    const head = existingHead ?? entries[0]!.eventId;
    const at = this.now();
    const docs: QuarantinedEntry[] = entries.map((e) => {
      const isHead = e.eventId === head;
      const failing = this.failingSince.get(e.eventId) ?? this.failingSince.get(topic);
      return {
        // A corrupt entry may lack its id; it still needs one of its own here.
        _id: typeof e.eventId === "string" && e.eventId !== "" ? e.eventId : `${docId}:unidentified:${this.order}`,
        docId,
        topic,
        entry: e,
        reason: isHead ? cause.code : BEHIND_QUARANTINED,
        detail: isHead ? cause.detail : `waits behind ${head}`,
        size: safeSize(e),
        ...(isHead ? {} : { behind: head }),
        order: this.order++,
        firstFailedAt: isHead && failing ? new Date(failing.since) : at,
        lastFailedAt: at,
        attempts: isHead ? (failing?.attempts ?? 1) : 0,
        state: "quarantined",
        // Only the head is announced; the entries behind it travel with its resend.
        noticeSent: !isHead,
      };
    });
    try {
      // Stored before the entries leave their document, so nothing is lost in between.
      this.opts.assertWriter?.();
      for (const d of docs) await this.quarantine.entries.replaceOne({ _id: d._id }, d, { upsert: true });
    } catch (err) {
      this.log.warn({ caseId: docId, topic, err: messageOf(err) }, "quarantining outbox entries failed; will retry");
      this.retryLater([docId]);
      return;
    }
    blocked.set(key, head);
    this.markSent(docId, entries);
    for (const d of docs) {
      this.failingSince.delete(d._id);
      try {
        this.opts.observer?.quarantined(d.reason);
      } catch (err) {
        this.log.debug({ err }, "outbox observer failed");
      }
    }
    this.log.error(
      { caseId: docId, topic, eventId: head, reason: cause.code, detail: cause.detail, entries: docs.length },
      "outbox entry quarantined; it blocks nothing else and can be resent after a fix",
    );
    const heads = docs.filter((d) => !d.behind);
    if (heads.length > 0) await this.sendNotices(heads);
  }

  /** Metadata-only notices (no payload) on the node's dead-letter topic, beside its dead letters. */
  private async sendNotices(entries: QuarantinedEntry[]): Promise<void> {
    const topic = this.opts.noticeTopic;
    // While notices fail (e.g. the dead-letter topic is missing), they wait instead of slowing every pass.
    if (!topic || !this.quarantine || Date.now() < this.noticeRetryAt) return;
    for (const q of entries) {
      try {
        await this.publish([
          {
            topic,
            key: q.docId,
            value: Buffer.alloc(0),
            headers: {
              "event-type": String(q.entry.headers?.["event-type"] ?? "unknown"),
              "event-id": q._id,
              ...(this.opts.nodeId ? { "source-node": this.opts.nodeId } : {}),
              "x-dlq-code": OUTBOX_QUARANTINED,
              "x-dlq-reason": `${q.reason}: ${q.detail}`.slice(0, 1_000),
              "x-dlq-source-topic": q.topic,
              "x-dlq-group": "outbox",
              "x-dlq-at": q.lastFailedAt.toISOString(),
              "x-quarantine-case": q.docId,
              "x-quarantine-event": q._id,
              "x-quarantine-size": String(q.size),
            },
          },
        ]);
        await this.quarantine.entries.updateOne({ _id: q._id }, { $set: { noticeSent: true } });
        this.noticeBackoffMs = 0;
      } catch (err) {
        this.noticeBackoffMs = Math.min(60_000, Math.max(this.resendIntervalMs, this.noticeBackoffMs * 2));
        this.noticeRetryAt = Date.now() + this.noticeBackoffMs;
        this.log.warn(
          { eventId: q._id, err: messageOf(err), retryInMs: this.noticeBackoffMs },
          "quarantine notice not published; will retry",
        );
        return;
      }
    }
  }

  /** Publishes the quarantined entries operators asked to resend, each with the entries waiting behind it, in order. */
  private async resendRequested(): Promise<void> {
    const quarantine = this.quarantine;
    if (!quarantine) return;
    const blocked = await this.openQuarantines();
    const unsent = await quarantine.entries.find({ state: "quarantined", noticeSent: false }).toArray();
    if (unsent.length > 0) await this.sendNotices(unsent.filter((q) => !q.behind));
    for (const req of await quarantine.requests.find({}).toArray()) {
      const head = await quarantine.get(req._id);
      if (!head || head.state !== "quarantined") {
        await quarantine.requests.deleteOne({ _id: req._id });
        continue;
      }
      const behind = await quarantine.entries.find({ behind: head._id, state: "quarantined" }).toArray();
      const chain = [head, ...behind.sort((a, b) => a.order - b.order)];
      let done = 0;
      let failure: { f: PublishFailure; err: unknown } | undefined;
      for (const q of chain) {
        try {
          await this.publish([recordOf(q.entry)]);
          done += 1;
        } catch (err) {
          failure = { f: this.failureOf(err, q.topic, q._id), err };
          break;
        }
      }
      const at = this.now();
      for (const q of chain.slice(0, done)) {
        await quarantine.entries.updateOne({ _id: q._id }, { $set: { state: "resent", resentAt: at } });
      }
      const key = chainKey(head.docId, head.topic);
      if (!failure) {
        blocked.delete(key);
        await quarantine.requests.deleteOne({ _id: req._id });
        this.log.info({ caseId: head.docId, eventId: head._id, entries: chain.length }, "quarantined outbox entries resent");
        continue;
      }
      const rest = chain.slice(done);
      const newHead = rest[0]!;
      const permanent = failure.f.kind !== "transient";
      await quarantine.entries.updateOne(
        { _id: newHead._id },
        {
          $set: {
            reason: permanent ? failure.f.code : newHead.behind ? head.reason : newHead.reason,
            detail: permanent ? messageOf(failure.err) : newHead.detail,
            lastFailedAt: at,
            attempts: newHead.attempts + 1,
            noticeSent: !permanent && newHead.noticeSent,
          },
          $unset: { behind: "" },
        },
      );
      for (const q of rest.slice(1)) await quarantine.entries.updateOne({ _id: q._id }, { $set: { behind: newHead._id } });
      blocked.set(key, newHead._id);
      await quarantine.requests.deleteOne({ _id: req._id });
      // A transient failure keeps the request (now for the new head); a permanent one needs the operator again.
      if (!permanent)
        await quarantine.requests.updateOne(
          { _id: newHead._id },
          { $set: { requestedAt: req.requestedAt, requestedBy: req.requestedBy } },
          { upsert: true },
        );
      else {
        this.log.error(
          { caseId: head.docId, eventId: newHead._id, reason: failure.f.code },
          "resent outbox entry failed again; still quarantined",
        );
        const updated = await quarantine.get(newHead._id);
        if (updated) await this.sendNotices([updated]);
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
          if (this.opts.clear) {
            await this.opts.clear(id, sentIds).catch((err) => {
              this.sent.set(id, sentIds);
              throw err;
            });
            return;
          }
          const current = await this.load(id);
          if (!current) return;
          const rest = current.outbox.filter((e) => !sentIds.has(e.eventId));
          try {
            this.opts.assertWriter?.();
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
