import type { Admin } from "kafkajs";

/**
 * Resolves once the broker's metadata shows every partition of `topics` with a leader; throws
 * naming the topics still without one after `timeoutMs`.
 */
export async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...new Set(topics)];
  let delay = 50;
  for (;;) {
    try {
      // Metadata of all topics: asking for a topic the broker does not know yet makes kafkajs log
      // an error for what is only the controller being a moment ahead.
      const { topics: meta } = await admin.fetchTopicMetadata();
      const ready = new Set(meta.filter((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)).map((t) => t.name));
      pending = pending.filter((t) => !ready.has(t));
    } catch (err) {
      // The metadata has not caught up with the controller yet: ask again.
      const type = (err as { type?: string }).type;
      if (type !== "UNKNOWN_TOPIC_OR_PARTITION" && type !== "LEADER_NOT_AVAILABLE") throw err;
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`topics without a partition leader after ${timeoutMs} ms: ${pending.join(", ")}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1_000);
  }
}
