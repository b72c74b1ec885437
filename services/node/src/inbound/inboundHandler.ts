import type { Logger } from "pino";
import { type InRecord, PoisonMessage } from "@tongban/bus";
import { type EventEnvelope, decodeEnvelope } from "@tongban/contracts";
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
    const outcome = await applyInbound(ctx, env, record.key);
    log.debug({ caseId: env.caseId, type: env.type, seq: env.caseSeq, from: env.sourceNode, outcome }, "inbound event");
    if (outcome === "applied") onApplied?.(env);
  };
}
