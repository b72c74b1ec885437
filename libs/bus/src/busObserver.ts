import type { ProducerSettings } from "./producer";

/** How a consumed record ended: applied, sent to the dead-letter topic, or failed (the batch is retried). */
export type ConsumeOutcome = "ok" | "dead_lettered" | "error";

/**
 * Optional hooks a Bus calls after the fact (metrics). `type` is the record's `event-type`
 * header ("unknown" without one). A hook that throws is ignored: observing never changes delivery.
 */
export interface BusObserver {
  /** `count` records of `type` were acknowledged by the brokers on `topic`. */
  published(topic: string, type: string, count: number): void;
  /** The handler finished one record of `type` from `topic` after `seconds`. */
  consumed(topic: string, type: string, outcome: ConsumeOutcome, seconds: number): void;
  /** A record consumed from `topic` went to the dead-letter topic with `code`. */
  deadLettered(topic: string, code: string): void;
}

export interface BusOptions {
  observer?: BusObserver;
  /** Retry bounds of the producer (defaults: defaultProducerSettings). */
  producer?: ProducerSettings;
}

/** The `event-type` header a record is counted under. */
export const eventTypeOf = (headers: Record<string, string> | undefined): string => headers?.["event-type"] ?? "unknown";
