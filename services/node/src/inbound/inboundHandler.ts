import type { Logger } from "pino";
import { type InRecord, PoisonMessage } from "@tongban/bus";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { type EventEnvelope, SpanKind, contextFrom, decodeEnvelope, inSpan } from "@tongban/contracts";
import { type ExchangeContext, applyInbound } from "@tongban/exchange";

/** Turns an inbound Kafka record into an envelope and applies it; poison goes to the dead-letter topic. */
export function inboundHandler(
  ctx: ExchangeContext,
  log: Logger,
  onApplied?: (env: EventEnvelope) => void,
): (record: InRecord) => Promise<void> {
  return async (record) => {
    if (!record.value || record.value.length === 0) throw new PoisonMessage("empty message value", "UNDECODABLE");
    let env: EventEnvelope;
    try {
      env = decodeEnvelope(record.value);
    } catch (err) {
      throw new PoisonMessage(`undecodable envelope: ${(err as Error).message}`, "UNDECODABLE");
    }
    // The consume span continues the sender's produce span: one trace per case across cities.
    const outcome = await inSpan(
      `kafka.consume ${String(env.type).slice(0, 64)}`,
      {
        kind: SpanKind.CONSUMER,
        parent: contextFrom(env.trace, ROOT_CONTEXT),
        attributes: { "case.id": String(env.caseId).slice(0, 64), node: ctx.nodeId },
      },
      () => applyInbound(ctx, env, record.key),
    );
    log.debug({ caseId: env.caseId, type: env.type, seq: env.caseSeq, from: env.sourceNode, outcome }, "inbound event");
    if (outcome === "applied") onApplied?.(env);
  };
}
