import type { Admin, Kafka } from "kafkajs";
import { waitForLeaders } from "./waitForLeaders";
import { settleWithin } from "./withTimeout";

export interface TopicSpec {
  topic: string;
  partitions?: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

/** The bus's admin operations: topic provisioning, the broker probe for health checks, consumer lag. */
export class BusAdmin {
  private probeAdmin: Admin | undefined;

  constructor(private readonly kafka: Kafka) {}

  /**
   * Creates missing topics (existing ones are left as they are), then waits until every
   * partition of every given topic has a leader in the broker's metadata: a topic the controller
   * just created can still answer UNKNOWN_TOPIC_OR_PARTITION to a producer for a moment.
   */
  async ensureTopics(specs: TopicSpec[], readyTimeoutMs = 30_000): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      await createMissing(admin, specs);
      await waitForLeaders(
        admin,
        specs.map((s) => s.topic),
        readyTimeoutMs,
      );
    } finally {
      await admin.disconnect();
    }
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
      await this.close(timeoutMs);
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

  /** Drops the probe's admin client. */
  async close(timeoutMs = 2_000): Promise<void> {
    const admin = this.probeAdmin;
    this.probeAdmin = undefined;
    if (admin) await settleWithin(admin.disconnect(), timeoutMs);
  }
}

async function createMissing(admin: Admin, specs: TopicSpec[]): Promise<void> {
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
