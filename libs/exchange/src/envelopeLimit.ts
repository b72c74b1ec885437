import { type OutboxEntry, envelopeBytes } from "@tongban/store";

/**
 * Largest envelope (key, value and headers) an outbox entry may have. The broker refuses a
 * record batch over its `message.max.bytes` (1 MiB by default, `max.message.bytes` per topic);
 * 900 KiB leaves room for the batch and record overhead. A deployment whose brokers allow less
 * must configure less (`OUTBOX_MAX_ENVELOPE_BYTES`).
 */
export const MAX_ENVELOPE_BYTES = 900 * 1024;

/**
 * An event would be too large to publish. Checked where outbox entries are built, before anything
 * is written: at intake it becomes INVALID_ARGUMENT, in a consumer a dead letter.
 */
export class EnvelopeTooLarge extends Error {
  constructor(
    readonly eventType: string,
    readonly bytes: number,
    readonly max: number,
  ) {
    super(`envelope of ${eventType} is ${bytes} bytes, more than the limit of ${max}`);
    this.name = "EnvelopeTooLarge";
  }
}

/** Returns the entry, or throws EnvelopeTooLarge if it exceeds `max` bytes. */
export function checkEnvelopeSize(entry: OutboxEntry, max: number = MAX_ENVELOPE_BYTES): OutboxEntry {
  const bytes = envelopeBytes(entry);
  if (bytes > max) throw new EnvelopeTooLarge(entry.headers["event-type"] ?? "unknown", bytes, max);
  return entry;
}
