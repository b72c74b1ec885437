import "./quietTimeoutWarning";
import { type Admin, Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import type { Logger } from "pino";
import { type BusObserver, type BusOptions, eventTypeOf } from "./busObserver";
import { type ConsumeOptions, ManagedConsumer, type Subscription } from "./consumer";
import { type BusConnection, kafkaConfig } from "./kafkaOptions";
import { RecoveringProducer } from "./producer";
import { settleWithin } from "./withTimeout";
import { waitForLeaders } from "./waitForLeaders";

/** A record to publish: key orders it (case id), headers carry type and trace. */
export interface OutRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

export {
  type ConsumeOptions,
  type ConsumerState,
  type ConsumerStatus,
  HANDLER_ERROR,
  type InRecord,
  PoisonMessage,
  type Subscription,
} from "./consumer";

const toKafkaLevel = (level: string) =>
  level === "debug" || level === "trace" ? kafkaLogLevel.INFO : level === "silent" ? kafkaLogLevel.NOTHING : kafkaLogLevel.WARN;

/**
 * The Kafka bus behind one interface so the client library can be swapped.
 * One idempotent producer per bus; consumers commit only what their handler made durable.
 */
export class Bus {
  private readonly kafka: Kafka;
  private readonly producer: RecoveringProducer;
  private readonly consumers = new Set<ManagedConsumer>();
  private probeAdmin: Admin | undefined;
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
        // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION; ensureTopics waits for leaders itself.
        waitForLeaders: false,
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

  /**
   * Consumes topics with manual commits: each partition's records are handled in order, poison
   * records go to the dead-letter topic (never blocking the partition), a failing record pauses
   * only its partition, the offset is committed only after the handler resolved for every record
   * before it, and a crashed consumer is re-created (see ManagedConsumer).
   */
  async consume(opts: ConsumeOptions): Promise<Subscription> {
    const consumer = new ManagedConsumer(
      { kafka: this.kafka, log: this.log, publishDeadLetter: (r) => this.publish([r]), notify: (fn) => this.notify(fn) },
      opts,
    );
    this.consumers.add(consumer);
    try {
      await consumer.start();
    } catch (err) {
      this.consumers.delete(consumer);
      throw err;
    }
    return {
      stop: async () => {
        await consumer.stop();
        this.consumers.delete(consumer);
      },
      status: () => consumer.status(),
    };
  }

  /**
   * Whether a broker answers a metadata request within `timeoutMs` (for health checks). Keeps one
   * admin client between calls and drops it after a failure so the next probe reconnects.
   */
  async brokerReachable(timeoutMs = 1_500): Promise<boolean> {
    const probe = async () => {
      if (!this.probeAdmin) {
        const admin = this.kafka.admin({ retry: { retries: 0 } });
        this.probeAdmin = admin;
        await admin.connect();
      }
      await this.probeAdmin.describeCluster();
      return true;
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = probe();
      answer.catch(() => undefined); // a late failure after the timeout is not news
      return await Promise.race([
        answer,
        new Promise<boolean>((_, reject) => {
          timer = setTimeout(() => reject(new Error("broker probe timed out")), timeoutMs);
        }),
      ]);
    } catch {
      const admin = this.probeAdmin;
      this.probeAdmin = undefined;
      if (admin) void settleWithin(admin.disconnect(), timeoutMs);
      return false;
    } finally {
      clearTimeout(timer);
    }
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
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    const admin = this.probeAdmin;
    this.probeAdmin = undefined;
    if (admin) await settleWithin(admin.disconnect(), 2_000);
    await this.producer.close();
  }
}
