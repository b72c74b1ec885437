import { status } from "@grpc/grpc-js";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import type { Logger } from "pino";
import { INTAKE_MAX_RECEIVE_BYTES } from "@tongban/bounds";
import { type InRecord, type OutRecord, PoisonMessage, isTransientError } from "@tongban/bus";
import { IntakeResult, SpanKind, SubmitCaseRequest, type SubmitCaseResponse, contextFrom, inSpan, topics } from "@tongban/contracts";
import { AppError, type FieldViolation, toAppStatus } from "@tongban/rpc";
import { toAppError } from "../grpcErrors";
import { isReceiptNo } from "./domain/validateSubmission";

/** The event-type header of a result record (metrics count published records by it). */
export const INTAKE_RESULT_TYPE = "intake.result";

/** Dead-letter codes of intake records that can never be taken in as they are. */
export const INTAKE_POISON = {
  tooLarge: "RECORD_TOO_LARGE",
  undecodable: "UNDECODABLE",
  missingKey: "MISSING_KEY",
  keyMismatch: "KEY_MISMATCH",
} as const;

export interface IntakeChannelDeps {
  nodeId: string;
  topicPrefix: string;
  /** SubmitCase as the gRPC API answers it (answerSubmitCase): the same check, verification and case log. */
  submit: (req: SubmitCaseRequest) => Promise<SubmitCaseResponse>;
  /** Publishes with acks from all in-sync replicas; resolves once the broker has the records. */
  publish: (records: OutRecord[]) => Promise<void>;
  now: () => Date;
  log: Logger;
  /** Largest record value taken in; default the intake API's gRPC limit (INTAKE_MAX_RECEIVE_BYTES). */
  maxRecordBytes?: number;
}

type Outcome = NonNullable<IntakeResult["outcome"]>;

/** What one intake record comes to: an answer under a receipt number (if one is known), and whether it is poison. */
interface Verdict {
  receiptNo: string | undefined;
  outcome: Outcome;
  poison?: PoisonMessage;
}

const refusedWith = (e: AppError): Outcome => ({
  $case: "refused",
  value: { code: e.code, status: status[e.code] ?? "UNKNOWN", message: e.message, fieldViolations: e.violations, reason: e.reason ?? "" },
});

const invalid = (violation: FieldViolation): Outcome => refusedWith(AppError.invalid([violation]));

/** The consumer's two hooks: each record, and the flush before an offset is committed. */
export interface IntakeChannel {
  handle(record: InRecord): Promise<void>;
  /** Publishes the answers of the records handled so far; the consumer commits their offsets only after it resolved. */
  flush(): Promise<void>;
}

/**
 * The Kafka intake channel (Kafka 收件通道): the consumer of the city's intake topic. Each record is a
 * SubmitCaseRequest keyed by its receipt number; it is taken in through the gRPC API's own code
 * path and answered on the intake-results topic with what SubmitCase would have answered — the
 * response, or the status code, message and field violations. Answers are published (acks from
 * all in-sync replicas) together, once per consumed batch, before the consumer commits the
 * batch's offsets: a node that dies between registering a case and answering takes the record in
 * again, finds the receipt number registered and answers with the same case. A store or broker
 * outage is thrown, so the consumer retries the record until it is over (SubmitCase would have
 * answered UNAVAILABLE). Records that can never be taken in (too large, undecodable, without a key
 * or keyed by another receipt number) are answered when a receipt number is known and then
 * dead-lettered, and the partition moves on.
 */
export function intakeChannel(deps: IntakeChannelDeps): IntakeChannel {
  const resultsTopic = topics.intakeResults(deps.topicPrefix, deps.nodeId);
  const maxBytes = deps.maxRecordBytes ?? INTAKE_MAX_RECEIVE_BYTES;
  const log = deps.log;

  const take = async (record: InRecord): Promise<Verdict> => {
    const key = record.key !== undefined && isReceiptNo(record.key) ? record.key : undefined;
    const size = record.value?.length ?? 0;
    if (size > maxBytes) {
      // Refused unread, as grpc-js refuses a request over the intake API's receive limit.
      const message = `收件记录过大 / intake record too large: ${size} bytes, max ${maxBytes}`;
      return {
        receiptNo: key,
        outcome: refusedWith(new AppError(status.RESOURCE_EXHAUSTED, message, [], "RECORD_TOO_LARGE")),
        poison: new PoisonMessage(message, INTAKE_POISON.tooLarge),
      };
    }
    let req: SubmitCaseRequest;
    try {
      if (!record.value) throw new Error("no value");
      req = SubmitCaseRequest.decode(record.value);
    } catch (err) {
      const why = (err as Error).message.slice(0, 200);
      return {
        receiptNo: key,
        outcome: invalid({
          field: "submission",
          description: "收件记录无法解码为 SubmitCaseRequest / the record is not a SubmitCaseRequest",
        }),
        poison: new PoisonMessage(`undecodable SubmitCaseRequest: ${why}`, INTAKE_POISON.undecodable),
      };
    }
    if (record.key === undefined || record.key !== req.receiptNo) {
      // The key orders a receipt number's records on one partition and names the answer.
      const missing = record.key === undefined;
      const description = missing
        ? "收件记录须以收件编号为键 / the record's key must be its receipt number"
        : "收件记录的键与收件编号不一致 / the record's key is not its receipt number";
      return {
        receiptNo: key ?? (isReceiptNo(req.receiptNo) ? req.receiptNo : undefined),
        outcome: invalid({ field: "key", description }),
        poison: new PoisonMessage(
          missing ? "intake record without a key" : "intake record keyed by another receipt number",
          missing ? INTAKE_POISON.missingKey : INTAKE_POISON.keyMismatch,
        ),
      };
    }
    try {
      return { receiptNo: key, outcome: { $case: "accepted", value: await deps.submit(req) } };
    } catch (err) {
      const mapped = toAppError(err);
      // Nothing was decided while the store or the broker is unreachable: the record is taken in again.
      if (!(mapped instanceof AppError) && isTransientError(mapped)) throw err;
      return { receiptNo: key, outcome: refusedWith(toAppStatus(mapped, log, "intake-channel")) };
    }
  };

  /** Answers not yet published, oldest first. */
  let pending: OutRecord[] = [];

  const handle = async (record: InRecord): Promise<void> => {
    const traceparent = record.headers.traceparent;
    const parent = contextFrom(traceparent ? { traceparent, tracestate: "" } : undefined, ROOT_CONTEXT);
    const verdict = await inSpan(
      "kafka.consume intake.submission",
      { kind: SpanKind.CONSUMER, parent, attributes: { "messaging.source": record.topic, node: deps.nodeId } },
      () => take(record),
    );
    if (verdict.receiptNo !== undefined) {
      const result: IntakeResult = {
        receiptNo: verdict.receiptNo,
        outcome: verdict.outcome,
        processedAt: deps.now(),
        record: { topic: record.topic, partition: record.partition, offset: Number(record.offset) },
      };
      pending.push({
        topic: resultsTopic,
        key: verdict.receiptNo,
        value: Buffer.from(IntakeResult.encode(result).finish()),
        headers: { "event-type": INTAKE_RESULT_TYPE },
      });
    }
    const { outcome } = verdict;
    log.info(
      outcome.$case === "accepted"
        ? { receiptNo: verdict.receiptNo, caseId: outcome.value.caseId, duplicate: outcome.value.duplicate }
        : { receiptNo: verdict.receiptNo, code: outcome.value.status, answered: verdict.receiptNo !== undefined },
      outcome.$case === "accepted" ? "intake record accepted" : "intake record refused",
    );
    if (verdict.poison) throw verdict.poison;
  };

  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    try {
      await deps.publish(batch);
    } catch (err) {
      // Kept for the next flush: another partition's commit may come first and must not skip them.
      pending = [...batch, ...pending];
      throw err;
    }
  };

  return { handle, flush };
}
