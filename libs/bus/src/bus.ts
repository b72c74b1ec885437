import "./quietTimeoutWarning";
import { Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import type { Logger } from "pino";
import { type BusObserver, type BusOptions, eventTypeOf } from "./busObserver";
import { type ConsumeOptions, ManagedConsumer, type Subscription } from "./consumer";
import { type BusConnection, kafkaConfig } from "./kafkaOptions";
import { type AclEntry, BusAdmin, type TopicSpec } from "./admin";
import { RecoveringProducer } from "./producer";

/** A record to publish: key orders it (case id), headers carry type and trace. */
export interface OutRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

export type { TopicSpec } from "./admin";

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
 * The Kafka bus behind one interface so the client library can be swapped: it wires the producer
 * (producer.ts), the consumers (consumer.ts) and the admin operations (admin.ts) to one client.
 * One producer per bus (acks from all in-sync replicas, whole-send retries); consumers commit only what their handler made durable.
 */
export class Bus {
  private readonly kafka: Kafka;
  private readonly producer: RecoveringProducer;
  private readonly consumers = new Set<ManagedConsumer>();
  private readonly admin: BusAdmin;
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
    this.admin = new BusAdmin(this.kafka);
  }

  /** Creates missing topics and waits until every partition has a leader (see BusAdmin). */
  ensureTopics(specs: TopicSpec[], readyTimeoutMs = 30_000): Promise<void> {
    return this.admin.ensureTopics(specs, readyTimeoutMs);
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

  /** Waits until the topics exist (see BusAdmin.requireTopics). */
  requireTopics(topics: readonly string[], timeoutMs = 30_000): Promise<void> {
    return this.admin.requireTopics(topics, timeoutMs);
  }

  /** Creates ACL entries (the provisioner's bus only). */
  createAcls(entries: readonly AclEntry[]): Promise<void> {
    return this.admin.createAcls(entries);
  }

  countAcls(entries: readonly AclEntry[]): Promise<number> {
    return this.admin.countAcls(entries);
  }

  /** Whether a broker answers within `timeoutMs` (health checks). */
  brokerReachable(timeoutMs = 1_500): Promise<boolean> {
    return this.admin.brokerReachable(timeoutMs);
  }

  /** Records not yet committed by `groupId` on `topic`, summed over its partitions. */
  lag(groupId: string, topic: string): Promise<number> {
    return this.admin.lag(groupId, topic);
  }

  /** Rewinds a consumer group to the earliest records of `topic`, so its next consumer reads the topic again. */
  rewind(groupId: string, topic: string): Promise<void> {
    return this.admin.rewind(groupId, topic);
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await this.admin.close();
    await this.producer.close();
  }
}
