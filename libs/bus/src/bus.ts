import "./quietTimeoutWarning";
import { type Admin, type Consumer, type IHeaders, Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import type { Logger } from "pino";
import { type BusObserver, type BusOptions, type ConsumeOutcome, eventTypeOf } from "./busObserver";
import { type BusConnection, kafkaConfig } from "./kafkaOptions";
import { RecoveringProducer } from "./producer";
import { waitForLeaders } from "./waitForLeaders";

/** A record to publish: key orders it (case id), headers carry type and trace. */
export interface OutRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

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

export interface TopicSpec {
  topic: string;
  partitions?: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  /** Topic that receives poison messages with their reason. */
  deadLetterTopic: string;
  /**
   * Processes records of one partition in order. Must be durable when it resolves: offsets are
   * committed only afterwards. Throw PoisonMessage for a record that can never succeed; any
   * other error is treated as transient and the batch is retried from the last commit.
   */
  handle: (record: InRecord) => Promise<void>;
  /** Runs after a batch's records were handled and before its offset is committed (e.g. to flush buffered writes). */
  beforeCommit?: () => Promise<void>;
  fromBeginning?: boolean;
}

export interface Subscription {
  stop(): Promise<void>;
}

function headersOf(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
  }
  return out;
}

const toKafkaLevel = (level: string) =>
  level === "debug" || level === "trace" ? kafkaLogLevel.INFO : level === "silent" ? kafkaLogLevel.NOTHING : kafkaLogLevel.WARN;

/**
 * The Kafka bus behind one interface so the client library can be swapped.
 * One idempotent producer per bus; consumers commit only what their handler made durable.
 */
export class Bus {
  private readonly kafka: Kafka;
  private readonly producer: RecoveringProducer;
  private readonly consumers = new Set<Consumer>();
  private readonly observer: BusObserver | undefined;

  constructor(
    conn: BusConnection,
    private readonly log: Logger,
    options: BusOptions = {},
  ) {
    this.observer = options.observer;
    const child = log.child({ component: "kafkajs" });
    this.kafka = new Kafka({
      ...kafkaConfig(conn),
      logLevel: toKafkaLevel(log.level),
      logCreator: () => (entry) => {
        const { message, ...rest } = entry.log;
        const fn = entry.level <= kafkaLogLevel.ERROR ? "error" : entry.level === kafkaLogLevel.WARN ? "warn" : "info";
        child[fn]({ ns: entry.namespace, ...rest }, message);
      },
    });
    this.producer = new RecoveringProducer(this.kafka, log.child({ component: "producer" }), options.producer);
  }

  /**
   * Creates missing topics (existing ones are left as they are), then waits until every
   * partition of every given topic has a leader in the broker's metadata: a topic the controller
   * just created can still answer UNKNOWN_TOPIC_OR_PARTITION to a producer for a moment.
   */
  async ensureTopics(specs: TopicSpec[], readyTimeoutMs = 30_000): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      await this.createMissing(admin, specs);
      await waitForLeaders(
        admin,
        specs.map((s) => s.topic),
        readyTimeoutMs,
      );
    } finally {
      await admin.disconnect();
    }
  }

  private async createMissing(admin: Admin, specs: TopicSpec[]): Promise<void> {
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.topic));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions ?? 3,
          replicationFactor: s.replicationFactor ?? -1,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (err) {
      // A concurrent creator (another node starting) is not an error.
      if ((err as { type?: string }).type !== "TOPIC_ALREADY_EXISTS") throw err;
    }
  }

  /** Publishes records with acks from all in-sync replicas; resolves once the broker has them. */
  async publish(records: OutRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, OutRecord[]>();
    for (const r of records) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    await this.producer.send(
      [...byTopic].map(([topic, rs]) => ({
        topic,
        messages: rs.map((r) => ({ key: r.key, value: r.value, headers: r.headers ?? {} })),
      })),
    );
    this.notify((o) => {
      const counts = new Map<string, { topic: string; type: string; n: number }>();
      for (const r of records) {
        const type = eventTypeOf(r.headers);
        const c = counts.get(`${r.topic}\n${type}`) ?? { topic: r.topic, type, n: 0 };
        c.n += 1;
        counts.set(`${r.topic}\n${type}`, c);
      }
      for (const c of counts.values()) o.published(c.topic, c.type, c.n);
    });
  }

  /** Calls the observer, if any; its failures never reach delivery. */
  private notify(fn: (o: BusObserver) => void): void {
    if (!this.observer) return;
    try {
      fn(this.observer);
    } catch (err) {
      this.log.debug({ err }, "bus observer failed");
    }
  }

  private observeConsumed(record: InRecord, outcome: ConsumeOutcome, startedMs: number): void {
    const seconds = (performance.now() - startedMs) / 1000;
    this.notify((o) => o.consumed(record.topic, eventTypeOf(record.headers), outcome, seconds));
  }

  /**
   * Consumes topics with manual commits: each partition's batch is processed in order, poison
   * records go to the dead-letter topic (never blocking the partition), and the offset is
   * committed only after the handler resolved for every record before it.
   */
  async consume(opts: ConsumeOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true });
    const log = this.log.child({ component: "consumer", group: opts.groupId });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        let done: string | undefined;
        // autoCommit is off, so kafkajs's commitOffsetsIfNecessary would be a no-op: commit explicitly
        // the offset after the last record made durable, and only that.
        const commit = async () => {
          if (done === undefined) return;
          await opts.beforeCommit?.();
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(done) + 1n).toString() }]);
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
          const started = performance.now();
          try {
            await opts.handle(record);
            this.observeConsumed(record, "ok", started);
          } catch (err) {
            this.observeConsumed(record, err instanceof PoisonMessage ? "dead_lettered" : "error", started);
            if (!(err instanceof PoisonMessage)) throw err;
            log.warn({ topic: record.topic, partition: record.partition, offset: record.offset, reason: err.reason }, "dead-lettered");
            await this.publish([
              {
                topic: opts.deadLetterTopic,
                key: record.key ?? "",
                value: record.value ?? Buffer.alloc(0),
                headers: {
                  ...record.headers,
                  "x-dlq-reason": err.reason,
                  "x-dlq-code": err.code,
                  "x-dlq-source-topic": record.topic,
                  "x-dlq-source-partition": String(record.partition),
                  "x-dlq-source-offset": record.offset,
                  "x-dlq-group": opts.groupId,
                  "x-dlq-at": new Date().toISOString(),
                },
              },
            ]);
            this.notify((o) => o.deadLettered(record.topic, err.code));
          }
          resolveOffset(m.offset);
          done = m.offset;
          await heartbeat();
        }
        await commit();
      },
    });
    return {
      stop: async () => {
        await consumer.disconnect();
        this.consumers.delete(consumer);
      },
    };
  }

  /** Records not yet committed by `groupId` on `topic`, summed over its partitions. */
  async lag(groupId: string, topic: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      let lag = 0n;
      for (const p of ends) {
        const end = BigInt(p.high);
        const at = done.get(p.partition) ?? -1n;
        lag += at < 0n ? end - BigInt(p.low) : end - at;
      }
      return Number(lag);
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await this.producer.close();
  }
}
