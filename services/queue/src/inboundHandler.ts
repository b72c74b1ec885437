import type { Collection } from "mongodb";
import type { Logger } from "pino";
import { type InRecord, PoisonMessage } from "@tongban/bus";
import { type EventEnvelope, decodeEnvelope } from "@tongban/contracts";
import { type InboxEntry, type QueueItem, insertQueueItem, recordApplied } from "./queueItems";

export interface InboundDeps {
  nodeId: string;
  queue: Collection<QueueItem>;
  inbox: Collection<InboxEntry>;
  now: () => Date;
  log: Logger;
  /** Observes every applied event (metrics, streams). */
  onApplied?: (env: EventEnvelope) => void;
}

/**
 * Applies one inbound event. Idempotent: an event id already in the inbox is skipped, and
 * applying is itself keyed (the queue item's _id is the case id), so a crash between the two
 * writes cannot apply twice. Anything that can never succeed is a PoisonMessage (→ dead letter).
 */
export function inboundHandler(deps: InboundDeps): (record: InRecord) => Promise<void> {
  return async (record) => {
    if (!record.value || record.value.length === 0) throw new PoisonMessage("empty message value", "UNDECODABLE");
    let env: EventEnvelope;
    try {
      env = decodeEnvelope(record.value);
    } catch (err) {
      throw new PoisonMessage(`undecodable envelope: ${(err as Error).message}`, "UNDECODABLE");
    }
    if (env.targetNode !== deps.nodeId) {
      throw new PoisonMessage(`event for node '${env.targetNode}' arrived at '${deps.nodeId}'`, "MISROUTED");
    }
    if (await deps.inbox.findOne({ _id: env.eventId }, { projection: { _id: 1 } })) {
      deps.log.debug({ eventId: env.eventId }, "duplicate event skipped");
      return;
    }
    const now = deps.now();
    const event = env.payload?.event;
    if (!event) throw new PoisonMessage(`unknown event type '${env.type}'`, "UNKNOWN_TYPE");
    switch (event.$case) {
      case "submitted": {
        const s = event.value;
        const inserted = await insertQueueItem(deps.queue, {
          _id: env.caseId,
          receiptNo: s.receiptNo,
          itemCode: s.itemCode,
          receivingNode: s.receivingNode,
          homeDepartment: s.homeDepartment,
          state: "RECEIVED",
          seq: env.caseSeq,
          submitted: s,
          receivedAt: s.receivedAt ?? env.occurredAt ?? now,
          queuedAt: now,
          updatedAt: now,
          rev: 1,
        });
        deps.log.info({ caseId: env.caseId, from: env.sourceNode, inserted }, "case queued");
        break;
      }
      default: {
        const never: never = event.$case;
        throw new PoisonMessage(`unhandled event ${String(never)}`, "UNKNOWN_TYPE");
      }
    }
    await recordApplied(deps.inbox, { _id: env.eventId, caseId: env.caseId, type: env.type, sourceNode: env.sourceNode, appliedAt: now });
    deps.onApplied?.(env);
  };
}
