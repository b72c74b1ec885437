import { randomBytes } from "node:crypto";
import type { Bus, InRecord } from "@tongban/bus";
import { eventually } from "./testNetwork";

/**
 * Reads `topic` from its beginning with a throwaway consumer group, until `enough` holds for what
 * was read — or, by default, until the group has caught up with the topic's end.
 */
export async function readTopic(bus: Bus, topic: string, enough?: (records: InRecord[]) => boolean): Promise<InRecord[]> {
  const group = `${topic}.reader.${randomBytes(4).toString("hex")}`;
  const records: InRecord[] = [];
  const sub = await bus.consume({
    groupId: group,
    topics: [topic],
    deadLetterTopic: `${topic}.unused`,
    handle: async (r) => void records.push(r),
  });
  try {
    await eventually(`records read from ${topic}`, async () => {
      if (enough) return enough(records) ? true : undefined;
      return (await bus.lag(group, topic)) === 0 ? true : undefined;
    });
  } finally {
    await sub.stop();
  }
  return records;
}
