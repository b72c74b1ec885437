import { PoisonMessage } from "@tongban/bus";
import { Applicant, type CaseSubmitted, type CommandRequested, type EventEnvelope } from "@tongban/contracts";
import {
  type CaseCommand,
  type CaseEvent,
  type CaseStatus,
  DomainError,
  decide,
  evolve,
  initialState,
  ratingLevels,
  transitions,
} from "@tongban/lifecycle";
import { applyCertificatesVerified } from "./certificateChecks";
import { type Decision, createCase, handleCase } from "./caseHandler";
import { EnvelopeTooLarge } from "./envelopeLimit";
import { type NonLifecycleCase, WireEventError, fromWire } from "./eventMapping";
import { type ExchangeContext, decideContext, loadCase } from "./exchangeContext";
import { checkInboundBounds } from "./inboundBounds";
import { checkOrigin, checkSide } from "./inboundTrust";
import { newCaseDoc } from "./newCaseDoc";
import { trackingEntry } from "./tracking";
import type { ReceivingCommand } from "./requestCommand";

/** Statuses from which each event type may be applied, derived from the transition table. */
const legalFrom = new Map<string, Set<CaseStatus>>();
for (const rule of Object.values(transitions)) {
  const set = legalFrom.get(rule.event) ?? new Set<CaseStatus>();
  for (const s of rule.from) set.add(s);
  legalFrom.set(rule.event, set);
}

type Outcome = "applied" | "duplicate";

function commandFromWire(c: CommandRequested["command"]): ReceivingCommand {
  switch (c?.$case) {
    case "submitCorrection":
      return { type: "SubmitCorrection", actor: "receiving", data: { items: c.value.items } };
    case "withdraw":
      return { type: "Withdraw", actor: "receiving", data: c.value.reason ? { reason: c.value.reason } : {} };
    case "recordDelivery":
      return { type: "RecordDelivery", actor: "receiving", data: {} };
    case "recordRating": {
      const level = c.value.level;
      if (!(ratingLevels as readonly string[]).includes(level)) throw new PoisonMessage(`bad rating level '${level}'`, "UNDECODABLE");
      return {
        type: "RecordRating",
        actor: "receiving",
        data: { level: level as (typeof ratingLevels)[number], ...(c.value.comment ? { comment: c.value.comment } : {}) },
      };
    }
    case "recordComplaint":
      return { type: "RecordComplaint", actor: "receiving", data: { ticketNo: c.value.ticketNo, description: c.value.description } };
    case undefined:
      throw new PoisonMessage("command request without a command", "UNKNOWN_TYPE");
    default: {
      const never: never = c;
      throw new PoisonMessage(`unknown command ${JSON.stringify(never)}`, "UNKNOWN_TYPE");
    }
  }
}

/**
 * Applies one message from the peer node to this node's replica of the case. Exactly once: the
 * event id is recorded in the inbox after the write, history events carry their position
 * (`caseSeq`) so a replay is recognised even before the inbox entry exists, and requests carry
 * their id. Whatever can never apply is a PoisonMessage for the dead-letter topic — first of all
 * an envelope its source did not sign, and then anything its source may not say (see inboundTrust).
 */
export async function applyInbound(ctx: ExchangeContext, env: EventEnvelope, recordKey: string | undefined): Promise<Outcome> {
  checkOrigin(ctx, env, recordKey);
  // The target is any string the sender chose: only its first 64 characters go into the reason.
  if (env.targetNode !== ctx.nodeId)
    throw new PoisonMessage(`event for node '${String(env.targetNode).slice(0, 64)}' arrived at '${ctx.nodeId}'`, "MISROUTED");
  // Held to the same input bounds as a request at intake or the queue API, before anything is read or written.
  checkInboundBounds(env);
  // History events are deduplicated by their position; only messages outside the history need the inbox.
  if (env.caseSeq === 0 && (await ctx.inbox.seen(env.eventId))) return "duplicate";
  const w = env.payload?.event;
  if (!w) throw new PoisonMessage(`unknown event type '${env.type}'`, "UNKNOWN_TYPE");

  let outcome: Outcome;
  try {
    outcome = await applyPayload(ctx, env, w);
  } catch (err) {
    // Deterministic: the same record would build the same oversized event again.
    if (err instanceof EnvelopeTooLarge) throw new PoisonMessage(err.message, "ENVELOPE_TOO_LARGE");
    throw err;
  }
  ctx.inbox.add({ _id: env.eventId, caseId: env.caseId, type: env.type, sourceNode: env.sourceNode, appliedAt: ctx.now() });
  return outcome;
}

async function applyPayload(
  ctx: ExchangeContext,
  env: EventEnvelope,
  w: NonNullable<NonNullable<EventEnvelope["payload"]>["event"]>,
): Promise<Outcome> {
  if (w.$case !== "submitted") {
    // A case's role and peer never change: checked once here, before its handler runs.
    const doc = await loadCase(ctx, env.caseId);
    if (doc) checkSide(doc, env, w.$case);
  }
  let outcome: Outcome;
  switch (w.$case) {
    case "submitted":
      outcome = await createHomeCase(ctx, env);
      break;
    case "commandRequested":
      outcome = await decideRequest(ctx, env, w.value);
      break;
    case "commandRejected": {
      const r = w.value;
      const done = await handleCase(ctx, env.caseId, (d) => {
        if (d.role !== "receiving") throw new PoisonMessage(`rejection for case ${env.caseId} which this node did not send`, "MISROUTED");
        return { set: { lastRejection: `${r.message}` }, request: { id: r.requestId, outcome: "rejected", message: r.message } };
      });
      if (!done) throw new PoisonMessage(`rejection for unknown case ${env.caseId}`, "UNKNOWN_CASE");
      outcome = "applied";
      break;
    }
    case "certificatesVerified":
      outcome = await applyCertificatesVerified(ctx, env.caseId, w.value.checks);
      break;
    case "jointStatusReported": {
      const r = w.value;
      if (!r.joint) throw new PoisonMessage("joint status without the application", "UNDECODABLE");
      const joint = r.joint;
      const done = await handleCase(ctx, env.caseId, (d) => {
        if (d.role !== "home" || !d.submission.joint || d.submission.joint.jointId !== joint.jointId)
          throw new PoisonMessage(
            `joint status for case ${env.caseId}, which is not a leg of ${joint.jointId.slice(0, 64)} homed here`,
            "MISROUTED",
          );
        // Reports may be replayed or overtaken: the newest wins.
        if (d.jointReport && d.jointReport.version >= r.version) return "duplicate";
        return { set: { jointReport: { version: r.version, joint } } };
      });
      if (!done) throw new PoisonMessage(`joint status for unknown case ${env.caseId}`, "UNKNOWN_CASE");
      outcome = done.duplicate ? "duplicate" : "applied";
      break;
    }
    default:
      outcome = await applyHistoryEvent(ctx, env, w);
  }
  return outcome;
}

/**
 * The submission with its applicant opened: personal data travels only sealed for the home node,
 * so a block in clear, one sealed for another key, or one altered (or moved from another case)
 * is refused. The opened block is held to the same input bounds as the rest.
 */
function openSubmission(ctx: ExchangeContext, env: EventEnvelope, s: CaseSubmitted): CaseSubmitted {
  if (s.applicant || !s.sealedApplicant) {
    throw new PoisonMessage("applicant not sealed for the home node: personal data travels only sealed", "NOT_SEALED");
  }
  const plain = ctx.sealing.open(s.sealedApplicant, env.caseId);
  if (!plain)
    throw new PoisonMessage(
      `applicant block cannot be opened with this node's key '${s.sealedApplicant.keyId.slice(0, 64)}'`,
      "UNSEALABLE",
    );
  let applicant: Applicant;
  try {
    applicant = Applicant.decode(plain);
  } catch (err) {
    throw new PoisonMessage(`sealed applicant block undecodable: ${(err as Error).message}`, "UNDECODABLE");
  }
  const opened = { ...s, applicant, sealedApplicant: undefined };
  checkInboundBounds({ ...env, payload: { event: { $case: "submitted", value: opened } } });
  return opened;
}

async function createHomeCase(ctx: ExchangeContext, env: EventEnvelope): Promise<Outcome> {
  const w = env.payload?.event;
  if (w?.$case !== "submitted") throw new Error("unreachable");
  if (w.value.homeNode !== ctx.nodeId)
    throw new PoisonMessage(`case for home '${String(w.value.homeNode).slice(0, 64)}' arrived at '${ctx.nodeId}'`, "MISROUTED");
  if (env.caseSeq !== 1) throw new PoisonMessage(`submission with position ${env.caseSeq}`, "OUT_OF_ORDER");
  if (w.value.receivingNode !== env.sourceNode || !ctx.nodes.has(w.value.receivingNode) || env.sourceNode === ctx.nodeId) {
    throw new PoisonMessage(
      `case received at '${String(w.value.receivingNode).slice(0, 64)}' sent by ${env.sourceNode}: only the receiving node, a node of the network, submits it`,
      "NOT_CASE_PEER",
    );
  }
  const s = openSubmission(ctx, env, w.value);
  const submitted: CaseEvent = {
    type: "case.submitted",
    data: {
      caseId: env.caseId,
      receiptNo: s.receiptNo,
      itemCode: s.itemCode,
      receivingNode: s.receivingNode,
      homeNode: s.homeNode,
      homeDepartment: s.homeDepartment,
      submittedAt: s.receivedAt ?? env.occurredAt ?? ctx.now(),
    },
  };
  const state = evolve(initialState, submitted);
  const doc = newCaseDoc(env.caseId, "home", s, state, 1, ctx.now());
  // Under the case's lock: a replayed submission finds the case (in memory or in the store).
  return ctx.lock.run(env.caseId, async (): Promise<Outcome> => {
    if (await loadCase(ctx, env.caseId)) return "duplicate";
    // Not awaited: the consumer flushes the case log before it commits the record's offset.
    void createCase(ctx, doc, [trackingEntry(ctx, doc, submitted, state, 1)]);
    return "applied";
  });
}

async function applyHistoryEvent(
  ctx: ExchangeContext,
  env: EventEnvelope,
  w: Exclude<NonNullable<NonNullable<EventEnvelope["payload"]>["event"]>, { $case: NonLifecycleCase }>,
): Promise<Outcome> {
  let event: Exclude<CaseEvent, { type: "case.submitted" }>;
  try {
    event = fromWire(w);
  } catch (err) {
    if (err instanceof WireEventError) throw new PoisonMessage(`malformed ${env.type}: ${err.message}`, "UNDECODABLE");
    throw err;
  }
  const done = await handleCase(ctx, env.caseId, (d): Decision => {
    if (env.caseSeq <= d.seq) return "duplicate";
    if (env.caseSeq !== d.seq + 1) {
      throw new PoisonMessage(`event ${env.caseSeq} of case ${env.caseId} arrived after ${d.seq}`, "OUT_OF_ORDER");
    }
    if (!legalFrom.get(event.type)?.has(d.state.status)) {
      throw new PoisonMessage(`${event.type} cannot apply to case ${env.caseId} in state ${d.state.status}`, "ILLEGAL_TRANSITION");
    }
    // The home authority's system receives a forwarded case as soon as it is stored (已接收),
    // which starts its 5-working-day clock.
    const after = evolve(d.state, event);
    if (d.role === "home" && after.status === "FORWARDED") {
      const received = decide({ type: "ReceiveCase", actor: "home", data: {} }, after, decideContext(ctx, d.itemCode));
      return { applied: [event], decided: received };
    }
    return { applied: [event] };
  });
  if (!done) throw new PoisonMessage(`${env.type} for unknown case ${env.caseId}`, "UNKNOWN_CASE");
  return done.duplicate ? "duplicate" : "applied";
}

async function decideRequest(ctx: ExchangeContext, env: EventEnvelope, req: CommandRequested): Promise<Outcome> {
  const command: CaseCommand = commandFromWire(req.command);
  const done = await handleCase(ctx, env.caseId, (d): Decision => {
    if (d.role !== "home") throw new PoisonMessage(`command request for case ${env.caseId} which is not homed here`, "MISROUTED");
    if (d.requests.some((r) => r.id === req.requestId)) return "duplicate";
    try {
      const events = decide(command, d.state, decideContext(ctx, d.itemCode));
      return { decided: events, request: { id: req.requestId, outcome: "applied" } };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      ctx.log.info({ caseId: env.caseId, command: command.type, code: err.code }, "requested command rejected");
      return {
        messages: [
          {
            event: {
              $case: "commandRejected",
              value: { requestId: req.requestId, commandType: command.type, code: err.code, message: err.message, state: d.state.status },
            },
          },
        ],
        request: { id: req.requestId, outcome: "rejected", message: err.message },
      };
    }
  });
  if (!done) throw new PoisonMessage(`command request for unknown case ${env.caseId}`, "UNKNOWN_CASE");
  return done.duplicate ? "duplicate" : "applied";
}
