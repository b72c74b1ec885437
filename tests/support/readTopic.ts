import { type Bus, type InRecord, readTopic as read } from "@tongban/bus";

/** The bus's topic reader with the tests' shorthand: read until `enough` holds, or to the topic's end. */
export const readTopic = (bus: Bus, topic: string, enough?: (records: readonly InRecord[]) => boolean): Promise<InRecord[]> =>
  read(bus, topic, enough ? { enough } : {});
