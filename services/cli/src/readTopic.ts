import { randomUUID } from "node:crypto";
import type { Bus, InRecord } from "@tongban/bus";

/** A consumer group name for one read, recognisable as the CLI's: `<prefix>.cli.<purpose>.<random>`. */
export const throwawayGroup = (prefix: string, purpose: string) => `${prefix}.cli.${purpose}.${randomUUID().slice(0, 8)}`;

/**
 * Reads `topic` from the beginning until the throwaway group has committed everything on it,
 * handing each record to `handle`. Records published while reading may or may not be included.
 */
export async function readTopic(
  bus: Bus,
  topic: string,
  groupId: string,
  handle: (record: InRecord) => void,
  timeoutMs = 60_000,
): Promise<void> {
  const sub = await bus.consume({
    groupId,
    topics: [topic],
    // The handler never throws PoisonMessage, so nothing is ever sent here.
    deadLetterTopic: `${groupId}.unused`,
    fromBeginning: true,
    handle: async (r) => handle(r),
  });
  try {
    const deadline = Date.now() + timeoutMs;
    while ((await bus.lag(groupId, topic)) > 0) {
      if (Date.now() > deadline) throw new Error(`读取超时 / reading ${topic} timed out after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await sub.stop();
  }
}
