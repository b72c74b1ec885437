import { CompressionTypes, type Kafka, Partitioners, type Producer, type TopicMessages } from "kafkajs";
import type { Logger } from "pino";

/**
 * How a failed publish may heal:
 * - `permanent`: sending the same record again fails the same way (too large, invalid, not allowed);
 * - `transient`: the cluster is down, slow or moving leaders; the same send will succeed later;
 * - `permanentAfterWait`: a topic the broker does not know (yet): metadata of a just-created topic
 *   can take a moment, so it is permanent only if it persists.
 */
export type PublishFailureKind = "permanent" | "transient" | "permanentAfterWait";

export interface PublishFailure {
  /** The Kafka error type found in the error's cause chain (e.g. MESSAGE_TOO_LARGE), or the error's name. */
  code: string;
  kind: PublishFailureKind;
  /** The failure concerns the whole topic (missing, not authorised), not one record. */
  topicWide: boolean;
}

const PERMANENT = new Set([
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
  "INVALID_TOPIC_EXCEPTION",
  "TOPIC_AUTHORIZATION_FAILED",
  "SERIALIZATION_FAILED",
]);
const TOPIC_WIDE = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "TOPIC_AUTHORIZATION_FAILED", "INVALID_TOPIC_EXCEPTION"]);

/** Kafka error types (and names) found along an error's cause chain, outermost first. */
function errorTypesOf(err: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    if (typeof e !== "object" || e === null || seen.has(e)) return;
    seen.add(e);
    const x = e as { type?: unknown; name?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    if (typeof x.type === "string") out.push(x.type);
    // kafkajs throws these before any request, without a protocol error type.
    if (typeof x.message === "string" && /^Invalid topic/.test(x.message)) out.push("INVALID_TOPIC_EXCEPTION");
    if (x.name === "KafkaJSMetadataNotLoaded" || x.name === "KafkaJSTopicMetadataNotLoaded") out.push("UNKNOWN_TOPIC_OR_PARTITION");
    if (x.name === "SerializationError") out.push("SERIALIZATION_FAILED");
    visit(x.cause);
    visit(x.originalError);
    if (Array.isArray(x.errors)) for (const inner of x.errors) visit(inner);
  };
  visit(err);
  return out;
}

/**
 * Tells a publish failure that will not heal from one that will. Anything not known to be
 * permanent is transient: retrying a send is always safe (consumers dedupe on event id).
 */
export function classifyPublishError(err: unknown): PublishFailure {
  const types = errorTypesOf(err);
  const permanent = types.find((t) => PERMANENT.has(t));
  if (permanent) return { code: permanent, kind: "permanent", topicWide: TOPIC_WIDE.has(permanent) };
  if (types.includes("UNKNOWN_TOPIC_OR_PARTITION"))
    return { code: "UNKNOWN_TOPIC_OR_PARTITION", kind: "permanentAfterWait", topicWide: true };
  const name = typeof err === "object" && err !== null ? String((err as { name?: unknown }).name ?? "Error") : "Error";
  return { code: types[0] ?? name, kind: "transient", topicWide: false };
}

/** Errors that mean a producer's state with the broker (producer id, epoch, sequence numbers) is out of step: logged louder. */
const DESYNC = new Set(["OUT_OF_ORDER_SEQUENCE_NUMBER", "UNKNOWN_PRODUCER_ID", "INVALID_PRODUCER_EPOCH"]);

export interface ProducerSettings {
  /** Retries inside one send; bounded so a missing topic or an oversized record fails the send. */
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
}

/** Five retries, 200 ms doubling to 2 s (a few seconds per send): long enough for a leader election, short enough to hand control back to the caller. */
export const defaultProducerSettings: ProducerSettings = { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 };

/**
 * One producer that is replaced after any failed send, and a send retried whole.
 *
 * kafkajs must not retry a send itself: its retry keeps the answers of brokers that acknowledged
 * their part and sends only to brokers without one, taking leaders from refreshed metadata. When a
 * partition's leadership moved to a broker that had already answered for other partitions (a
 * broker of a cluster killed or restarted), that partition's records are sent to nobody and the
 * send still resolves: records lost while the caller was told they were written (seen on the
 * three-broker cluster: 3 of 1,069 cases). So kafkajs gets no retries — hence not its idempotent
 * mode, which demands them and whose sequence numbers went out of step after a failed send anyway
 * ("out of order sequence number" for ever) — and a failed send is sent again entirely, by a new
 * producer, up to `retries` times: partitions that had been written get their records twice,
 * which consumers drop by event id.
 *
 * Sends run one at a time, each after the one before has settled, with one request in flight:
 * per key, a failed send is retried before anything after it is sent, so order holds. Callers
 * batch records into one send.
 */
export class RecoveringProducer {
  private current: { producer: Producer; ready: Promise<void> } | undefined;
  /** Settles when the last send queued has settled; the next send starts after it. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly log: Logger,
    private readonly settings: ProducerSettings = defaultProducerSettings,
  ) {}

  /** Sends with acks from all in-sync replicas; resolves once the broker has every record. */
  send(topicMessages: TopicMessages[]): Promise<void> {
    const sent = this.tail.then(() => this.sendNow(topicMessages));
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  private async sendNow(topicMessages: TopicMessages[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const slot = this.slot();
      try {
        await slot.ready;
        await slot.producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages });
        return;
      } catch (err) {
        this.discard(slot, err);
        if (attempt >= this.settings.retries || classifyPublishError(err).kind === "permanent") throw err;
        const { initialRetryTime, maxRetryTime } = this.settings;
        await new Promise((r) => setTimeout(r, Math.min(maxRetryTime, initialRetryTime * 2 ** attempt)));
      }
    }
  }

  /** Disconnects the current producer (a later send would connect a new one). */
  async close(): Promise<void> {
    const slot = this.current;
    this.current = undefined;
    if (slot) await slot.producer.disconnect().catch((err: unknown) => this.log.debug({ err }, "producer disconnect failed"));
  }

  private slot(): { producer: Producer; ready: Promise<void> } {
    if (!this.current) {
      const producer = this.kafka.producer({
        // Not kafkajs's idempotent mode: it demands retries inside kafkajs. Duplicates a retry
        // makes are dropped by consumers (event ids); order holds with one request in flight.
        idempotent: false,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // No partial retries (see above); connecting still tries every seed broker once.
        retry: { retries: 0 },
      });
      const ready = producer.connect();
      // A failed connect is seen by the send awaiting it; avoid an unhandled rejection meanwhile.
      ready.catch(() => undefined);
      this.current = { producer, ready };
    }
    return this.current;
  }

  private discard(slot: { producer: Producer }, err: unknown): void {
    if (this.current !== slot) return;
    this.current = undefined;
    const types = errorTypesOf(err);
    const level = types.some((t) => DESYNC.has(t)) ? "warn" : "info";
    this.log[level]({ err: { message: (err as Error)?.message, types } }, "send failed; replacing the producer");
    void slot.producer.disconnect().catch((e: unknown) => this.log.debug({ err: e }, "disconnecting a failed producer failed"));
  }
}
