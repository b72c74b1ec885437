/**
 * Error names of the MongoDB driver and kafkajs that mean "the store or the broker could not be
 * reached in time": retrying later can succeed. Matched by name so that callers need not import
 * either driver.
 */
const TRANSIENT_NAMES = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongoPoolClearedError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  "MongoServerClosedError",
  "MongoWaitQueueTimeoutError",
  "MongoOperationTimeoutError",
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSNumberOfRetriesExceeded",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSLockTimeout",
  "TimeoutError",
  // This process's writer lease lapsed: the write was refused, the city's current writer can take it.
  "WriterLeaseLostError",
]);

const TRANSIENT_LABELS = ["RetryableWriteError", "ResetPool", "TransientTransactionError", "RetryableError"];

const TRANSIENT_SYSCALL_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  hasErrorLabel?: (label: string) => boolean;
}

/**
 * True when `err` (or an error in its `cause` chain) says the store or the broker is unreachable
 * or too slow — an outage that heals — rather than something about the request or record itself.
 */
export function isTransientError(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === "object" && e !== null && depth < 5; e = (e as ErrorLike).cause, depth++) {
    const x = e as ErrorLike;
    if (typeof x.name === "string" && TRANSIENT_NAMES.has(x.name)) return true;
    if (typeof x.code === "string" && TRANSIENT_SYSCALL_CODES.has(x.code)) return true;
    if (typeof x.hasErrorLabel === "function" && TRANSIENT_LABELS.some((l) => x.hasErrorLabel!(l))) return true;
  }
  return false;
}

/** An error's class and message, nothing else (no payload, no stack): safe for dead-letter headers. */
export function describeError(err: unknown, maxLength = 500): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}
