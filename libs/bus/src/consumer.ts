import type { Consumer, EachBatchPayload, IHeaders, Kafka, RetryOptions } from "kafkajs";
import type { Logger } from "pino";
import type { BusObserver, ConsumeOutcome } from "./busObserver";
import { DLQ_HEADERS, deadLetterHeaders } from "./deadLetters";
import { eventTypeOf } from "./busObserver";
import { classifyPublishError } from "./producer";
import { describeError, isTransientError } from "./transientError";
import { settleWithin } from "./withTimeout";

/** A consumed record as handed to a handler. */
export interface InRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/** Thrown by a handler for a record that can never be processed: it goes to the dead-letter topic. */
export class PoisonMessage extends Error {
  constructor(
    readonly reason: string,
    readonly code: string = "UNPROCESSABLE",
  ) {
    super(reason);
    this.name = "PoisonMessage";
  }
}

/** Dead-letter code of a record whose handler failed the same way `maxHandlerAttempts` times in a row. */
export const HANDLER_ERROR = "HANDLER_ERROR";

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  /** Topic that receives poison messages with their reason. */
  deadLetterTopic: string;
  /**
   * Processes records of one partition in order. Must be durable when it resolves: offsets are
   * committed only afterwards. Throw PoisonMessage for a record that can never succeed. Any other
   * error pauses the partition and the record is tried again after a backoff: an outage of the
   * store or broker (see isTransientError) is retried for as long as it lasts, never skipped;
   * any other error that repeats `maxHandlerAttempts` times in a row dead-letters the record
   * with code HANDLER_ERROR and the error's class and message.
   */
  handle: (record: InRecord) => Promise<void>;
  /** Runs after a batch's records were handled and before its offset is committed (e.g. to flush buffered writes). */
  beforeCommit?: () => Promise<void>;
  fromBeginning?: boolean;
  /** Attempts of one record that failed with a non-transient error before it is dead-lettered; default 5. */
  maxHandlerAttempts?: number;
  /** Pause of a partition after a failed record: doubles from `initialMs` up to `maxMs` (default 200 ms … 5 s). */
  retryBackoff?: { initialMs: number; maxMs: number };
  /** Wait before re-creating a crashed consumer: doubles from `initialMs` up to `maxMs` (default 1 s … 30 s). */
  restartBackoff?: { initialMs: number; maxMs: number };
  /** How long the broker keeps a silent member before handing its partitions to another; default 30 s. */
  sessionTimeoutMs?: number;
  /**
   * Dead-letter records without their value, this reason in the value-dropped header: for topics
   * whose values carry personal data in clear (the intake channel's submissions), which a
   * dead-letter topic must never hold.
   */
  deadLetterWithoutValue?: string;
  /** A consumer silent this long (no fetch, join or record) is re-created; default 3 × the session timeout, at least 30 s. */
  stallMs?: number;
  /** kafkajs's own retries inside one consumer run before it counts as crashed. */
  kafkaRetry?: Pick<RetryOptions, "retries" | "initialRetryTime" | "maxRetryTime">;
}

/** Where a consumer is: consuming, crashed (waiting to be re-created), being re-created, or stopped. */
export type ConsumerState = "starting" | "running" | "crashed" | "restarting" | "stopped";

export interface ConsumerStatus {
  groupId: string;
  state: ConsumerState;
  /** Class and message of the last crash or restart failure. */
  lastError?: string;
  /** How many times the consumer was re-created after a crash. */
  restarts: number;
}

export interface Subscription {
  stop(): Promise<void>;
  /** The consumer's state for health checks. */
  status(): ConsumerStatus;
}

/** What a consumer needs from its bus: publishing (dead letters) and the observer. */
export interface ConsumerPorts {
  kafka: Kafka;
  log: Logger;
  publishDeadLetter(record: { topic: string; key: string; value: Buffer; headers: Record<string, string> }): Promise<void>;
  notify(fn: (o: BusObserver) => void): void;
}

interface Failure {
  offset: string;
  attempts: number;
  deterministic: number;
}

type RecordOutcome = { kind: "done" } | { kind: "retry"; delayMs: number };

/** Longest dead-letter reason kept, in characters: a reason may echo a field of the record. */
export const MAX_DLQ_REASON_CHARS = 1_000;
/** Longest value kept of each header copied into a dead letter, in characters. */
export const MAX_DLQ_HEADER_CHARS = 1_000;
/** Headers of the original record a value-less dead letter keeps (besides its own x-dlq-* headers). */
const KEPT_WITHOUT_VALUE = ["event-type", "event-id"];

const truncate = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max)}…[${s.length - max} more chars]`);

/** How long closing a kafkajs consumer may take before shutdown goes on without it. */
const DISCONNECT_TIMEOUT_MS = 5_000;

function headersOf(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
  }
  return out;
}

const backoff = (b: { initialMs: number; maxMs: number }, attempt: number) =>
  Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, attempt - 1));

const REBALANCE_TYPES = new Set(["REBALANCE_IN_PROGRESS", "ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID", "NOT_COORDINATOR_FOR_GROUP"]);

/**
 * The group error inside `err` (kafkajs wraps a commit's last error in "number of retries
 * exceeded"), if any. Thrown bare from eachBatch, kafkajs re-joins the group: it looks the
 * coordinator up again and keeps its member id. Wrapped, it would not: a commit refused with
 * NOT_COORDINATOR (the group moved to another broker, e.g. while one restarted) would go to the
 * same broker for ever, since kafkajs keeps the coordinator it joined with.
 */
function groupErrorIn(err: unknown): Error | undefined {
  for (let e = err, depth = 0; typeof e === "object" && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === "string" && REBALANCE_TYPES.has(type)) return e as Error;
  }
  return undefined;
}

/**
 * One consumer group member with manual commits that never dies silently: each partition's
 * records are handled in order, a failing record pauses only its partition and is retried, and
 * when kafkajs crashes the consumer it is re-created here with a bounded backoff while its
 * status says so (health reports NOT_SERVING meanwhile).
 */
export class ManagedConsumer {
  private consumer: Consumer | undefined;
  private state: ConsumerState = "starting";
  private lastError: string | undefined;
  private restarts = 0;
  private crashesInARow = 0;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failures = new Map<string, Failure>();
  private readonly log: Logger;
  private readonly maxAttempts: number;
  private readonly retryBackoff: { initialMs: number; maxMs: number };
  private readonly restartBackoff: { initialMs: number; maxMs: number };
  /** When the current consumer last fetched, joined its group or handled a record. */
  private lastActivity = Date.now();
  /** Batches being handled now: a slow handler (e.g. a store that hangs) is not a stuck consumer. */
  private handling = 0;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly ports: ConsumerPorts,
    private readonly opts: ConsumeOptions,
  ) {
    this.log = ports.log.child({ component: "consumer", group: opts.groupId });
    this.maxAttempts = opts.maxHandlerAttempts ?? 5;
    this.retryBackoff = opts.retryBackoff ?? { initialMs: 200, maxMs: 5_000 };
    this.restartBackoff = opts.restartBackoff ?? { initialMs: 1_000, maxMs: 30_000 };
  }

  status(): ConsumerStatus {
    return {
      groupId: this.opts.groupId,
      state: this.state,
      restarts: this.restarts,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Connects, joins the group and starts consuming; a failure here fails the caller's start-up. */
  async start(): Promise<void> {
    this.watch();
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = "stopped";
    clearInterval(this.watchdog);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const c = this.consumer;
    this.consumer = undefined;
    if (c) await settleWithin(c.disconnect(), DISCONNECT_TIMEOUT_MS, () => this.log.warn("consumer disconnect timed out"));
  }

  /**
   * Re-creates a consumer that has stopped fetching without crashing. kafkajs fetches at least
   * every maxWaitTimeInMs while it runs (paused partitions included), so a long silence means it
   * is stuck — seen after a broker of a cluster died: a re-join answered UNKNOWN_MEMBER_ID that
   * never resumed. A join of the group legitimately waits up to the session timeout.
   */
  private watch(): void {
    const stallMs = this.opts.stallMs ?? Math.max(30_000, 3 * (this.opts.sessionTimeoutMs ?? 30_000));
    this.watchdog = setInterval(
      () => {
        const c = this.consumer;
        if (!c || this.stopped || this.handling > 0 || (this.state !== "running" && this.state !== "starting")) return;
        const silentMs = Date.now() - this.lastActivity;
        if (silentMs < stallMs) return;
        this.log.warn({ silentMs }, "consumer stopped fetching; re-creating it");
        this.onCrash(c, new Error(`no fetch for ${Math.round(silentMs / 1_000)} s`));
      },
      Math.min(5_000, stallMs / 2),
    );
    this.watchdog.unref();
  }

  private touch(): void {
    this.lastActivity = Date.now();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async open(): Promise<void> {
    const { kafka } = this.ports;
    const c = kafka.consumer({
      groupId: this.opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.opts.sessionTimeoutMs ?? 30_000) / 3)),
      // Batches large under load and small when idle, without a linger of our own: the broker
      // answers a fetch as soon as one byte is there (an idle node sees each record at once),
      // and under load a fetch takes everything that piled up while the last batch was handled,
      // up to 1 MB per partition (one envelope at most 900 KB fits) and 4 MB per fetch, which
      // bounds what a city node buffers from its three inbound partitions.
      minBytes: 1,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 4 * 1024 * 1024,
      // kafkajs would restart a crashed consumer only for some errors and stay dead for the
      // rest; restarting is done here for every crash, with its state visible to health.
      retry: { ...(this.opts.kafkaRetry ?? {}), restartOnFailure: async () => false },
    });
    c.on(c.events.CRASH, (e) => this.onCrash(c, e.payload.error));
    c.on(c.events.FETCH, () => this.touch());
    c.on(c.events.GROUP_JOIN, () => {
      this.touch();
      if (this.consumer === c && !this.stopped) this.state = "running";
    });
    this.consumer = c;
    this.touch();
    // stop() during connect or run has already taken (or missed) this consumer: close it here.
    const closeIfStopped = async () => {
      if (!this.stopped) return false;
      if (this.consumer === c) this.consumer = undefined;
      await settleWithin(c.disconnect(), DISCONNECT_TIMEOUT_MS);
      return true;
    };
    try {
      await c.connect();
      if (await closeIfStopped()) return;
      await c.subscribe({ topics: this.opts.topics, fromBeginning: this.opts.fromBeginning ?? true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 3,
        eachBatch: async (payload) => {
          this.handling++;
          try {
            await this.eachBatch(c, payload);
          } finally {
            this.handling--;
            this.touch();
          }
        },
      });
      if (await closeIfStopped()) return;
    } catch (err) {
      await settleWithin(c.disconnect(), DISCONNECT_TIMEOUT_MS);
      throw err;
    }
    if (this.consumer === c && !this.stopped && this.state !== "crashed") this.state = "running";
  }

  private onCrash(c: Consumer, error: Error): void {
    if (this.stopped || this.consumer !== c) return;
    this.state = "crashed";
    this.lastError = describeError(error);
    this.crashesInARow += 1;
    const delay = backoff(this.restartBackoff, this.crashesInARow);
    this.log.error({ err: error, restartInMs: delay }, "consumer crashed; re-creating it");
    this.later(delay, () => void this.restart(c));
  }

  private async restart(crashed: Consumer): Promise<void> {
    if (this.stopped) return;
    this.state = "restarting";
    await settleWithin(crashed.disconnect(), DISCONNECT_TIMEOUT_MS);
    // stop() may have run while the crashed consumer was closing: create nothing it would not close.
    if (this.stopped) return;
    try {
      await this.open();
      if (this.stopped) return;
      this.restarts += 1;
      this.crashesInARow = 0;
      this.log.info({ restarts: this.restarts }, "consumer re-created after a crash");
    } catch (err) {
      if (this.stopped) return;
      this.onCrash(this.consumer!, err as Error);
    }
  }

  private async eachBatch(c: Consumer, { batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    let done: string | undefined;
    // autoCommit is off: commit the offset after the last record made durable, and only that.
    // The fetch position moves (resolveOffset) only after the commit, so whatever was not
    // committed is fetched and handled again (handlers are idempotent), never skipped.
    const commit = async () => {
      if (done === undefined) return;
      await this.opts.beforeCommit?.();
      await c.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(done) + 1n).toString() }]);
      resolveOffset(done);
      done = undefined;
    };
    const pauseFor = (ms: number) => {
      const resume = pause();
      this.later(ms, resume);
    };
    for (const m of batch.messages) {
      if (!isRunning() || isStale()) break;
      const record: InRecord = {
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key?.toString("utf8"),
        value: m.value,
        headers: headersOf(m.headers),
        timestamp: m.timestamp,
      };
      this.touch();
      const outcome = await this.handleRecord(record);
      if (outcome.kind === "retry") {
        try {
          await commit();
        } catch (err) {
          const groupError = groupErrorIn(err);
          if (groupError) throw groupError;
          this.log.warn({ err, topic: batch.topic, partition: batch.partition }, "commit before pausing failed");
        }
        pauseFor(outcome.delayMs);
        return;
      }
      done = m.offset;
      await heartbeat();
    }
    try {
      await commit();
    } catch (err) {
      const groupError = groupErrorIn(err);
      if (groupError) throw groupError;
      if (!isTransientError(err)) throw err;
      const delay = backoff(this.retryBackoff, 1);
      this.log.warn(
        { err, topic: batch.topic, partition: batch.partition, retryInMs: delay },
        "commit failed on an outage; partition paused",
      );
      pauseFor(delay);
    }
  }

  private async handleRecord(record: InRecord): Promise<RecordOutcome> {
    const key = `${record.topic}/${record.partition}`;
    const started = performance.now();
    try {
      await this.opts.handle(record);
      this.failures.delete(key);
      this.observe(record, "ok", started);
      return { kind: "done" };
    } catch (err) {
      if (err instanceof PoisonMessage) {
        this.observe(record, "dead_lettered", started);
        return this.deadLetter(record, err.code, err.reason);
      }
      this.observe(record, "error", started);
      const prev = this.failures.get(key);
      const f: Failure = prev?.offset === record.offset ? prev : { offset: record.offset, attempts: 0, deterministic: 0 };
      const transient = isTransientError(err);
      f.attempts += 1;
      if (!transient) f.deterministic += 1;
      const at = { topic: record.topic, partition: record.partition, offset: record.offset, attempt: f.attempts, transient };
      this.failures.set(key, f);
      if (!transient && f.deterministic >= this.maxAttempts) {
        this.log.error({ ...at, error: describeError(err) }, "record failed every attempt; dead-lettering it");
        return this.deadLetter(record, HANDLER_ERROR, describeError(err));
      }
      const delay = backoff(this.retryBackoff, f.attempts);
      this.log.warn({ ...at, error: describeError(err), retryInMs: delay }, "record failed; partition paused before retrying it");
      return { kind: "retry", delayMs: delay };
    }
  }

  /**
   * Publishes a record to the dead-letter topic with its reason. The reason and every copied
   * header are capped; if the broker still refuses the dead letter for good (e.g. a record near
   * the size limit plus the dead-letter headers is too large), it is published without the value,
   * marked `x-dlq-value-dropped`, so that no record can stall its partition. Any other failure
   * leaves the record in place to be tried again.
   */
  private async deadLetter(record: InRecord, code: string, reason: string): Promise<RecordOutcome> {
    const key = `${record.topic}/${record.partition}`;
    const dlqHeaders = deadLetterHeaders({
      reason: truncate(reason, MAX_DLQ_REASON_CHARS),
      code: truncate(code, MAX_DLQ_HEADER_CHARS),
      sourceTopic: record.topic,
      sourcePartition: record.partition,
      sourceOffset: record.offset,
      group: this.opts.groupId,
      at: new Date(),
    });
    const copied: Record<string, string> = {};
    for (const [k, v] of Object.entries(record.headers)) copied[truncate(k, MAX_DLQ_HEADER_CHARS)] = truncate(v, MAX_DLQ_HEADER_CHARS);
    let valueDropped: string | undefined;
    // What is known about the record, without its value.
    const withoutValue = (why: string) => {
      valueDropped = why;
      const kept: Record<string, string> = {};
      for (const h of KEPT_WITHOUT_VALUE) if (copied[h] !== undefined) kept[h] = copied[h];
      return this.ports.publishDeadLetter({
        topic: this.opts.deadLetterTopic,
        // A key near the size limit would fail again: only its start is kept here.
        key: truncate(record.key ?? "", MAX_DLQ_HEADER_CHARS),
        value: Buffer.alloc(0),
        headers: { ...kept, ...dlqHeaders, [DLQ_HEADERS.valueDropped]: why },
      });
    };
    try {
      if (this.opts.deadLetterWithoutValue) await withoutValue(this.opts.deadLetterWithoutValue);
      else
        try {
          await this.ports.publishDeadLetter({
            topic: this.opts.deadLetterTopic,
            key: record.key ?? "",
            value: record.value ?? Buffer.alloc(0),
            headers: { ...copied, ...dlqHeaders },
          });
        } catch (err) {
          const failure = classifyPublishError(err);
          if (failure.kind !== "permanent" || failure.topicWide) throw err;
          // The record itself cannot be dead-lettered: publish what is known about it.
          await withoutValue(failure.code);
        }
    } catch (err) {
      // Not dead-lettered yet: the record stays where it is and is tried again.
      const delay = backoff(this.retryBackoff, (this.failures.get(key)?.attempts ?? 0) + 1);
      this.log.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, err, retryInMs: delay },
        "dead-lettering failed",
      );
      return { kind: "retry", delayMs: delay };
    }
    this.failures.delete(key);
    this.log.warn(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        code,
        reason: dlqHeaders[DLQ_HEADERS.reason],
        valueDropped,
      },
      valueDropped ? "dead-lettered without its value" : "dead-lettered",
    );
    this.ports.notify((o) => o.deadLettered(record.topic, code));
    return { kind: "done" };
  }

  private observe(record: InRecord, outcome: ConsumeOutcome, startedMs: number): void {
    const seconds = (performance.now() - startedMs) / 1000;
    this.ports.notify((o) => o.consumed(record.topic, eventTypeOf(record.headers), outcome, seconds));
  }
}
