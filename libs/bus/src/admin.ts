import kafkajs, { type Admin, type Kafka } from "kafkajs";

// Node's ESM loader does not find these among kafkajs's CommonJS exports by name: taken from the default export.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
import { waitForLeaders } from "./waitForLeaders";
import { settleWithin } from "./withTimeout";

/** An ACL entry to create (see libs/runtime networkAcls). */
export interface AclEntry {
  principal: string;
  resource: "topic" | "group";
  name: string;
  pattern: "literal" | "prefixed";
  operation: "read" | "write" | "describe" | "delete";
}

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

  /**
   * Waits until every given topic exists with a leader for each partition; fails naming the
   * missing ones. Services call this instead of creating topics: the provisioner creates them
   * (a service needs no create rights on the broker).
   */
  async requireTopics(topics: readonly string[], timeoutMs = 30_000): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      await waitForLeaders(admin, [...topics], timeoutMs).catch((err: Error) => {
        throw new Error(
          `主题未就绪 / ${err.message}: topics are created by the provisioner (npm start, npm run infra), not by the services`,
        );
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** Creates ACL entries (creating an existing one again is a no-op at the broker). Needs the provisioner's rights. */
  async createAcls(entries: readonly AclEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.withAdmin((admin) => admin.createAcls({ acl: entries.map(aclOf) }));
  }

  /** How many of `entries` the broker applies now (it applies created ACLs asynchronously). */
  async countAcls(entries: readonly AclEntry[]): Promise<number> {
    const { resources } = await this.withAdmin((admin) =>
      admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ALLOW,
      }),
    );
    const present = new Set<string>();
    for (const r of resources)
      for (const a of r.acls) present.add([a.principal, r.resourceType, r.resourceName, r.resourcePatternType, a.operation].join("\u0000"));
    return entries.filter((e) => {
      const a = aclOf(e);
      return present.has([a.principal, a.resourceType, a.resourceName, a.resourcePatternType, a.operation].join("\u0000"));
    }).length;
  }

  private async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
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

  /** Moves `groupId`'s committed offsets on `topic` back to the earliest records (the group must have no live member). */
  async rewind(groupId: string, topic: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.resetOffsets({ groupId, topic, earliest: true });
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

function aclOf(e: AclEntry) {
  return {
    principal: e.principal,
    host: "*",
    resourceType: e.resource === "topic" ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: e.name,
    resourcePatternType: e.pattern === "literal" ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    operation: {
      read: AclOperationTypes.READ,
      write: AclOperationTypes.WRITE,
      describe: AclOperationTypes.DESCRIBE,
      delete: AclOperationTypes.DELETE,
    }[e.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}
