import type { CommandRequested } from "@tongban/contracts";
import { type CaseCommand, decide } from "@tongban/lifecycle";
import { isReceivingSide } from "./caseDoc";
import { handleCase } from "./caseHandler";
import { caseNotFound } from "./caseErrors";
import type { CommandOutcome } from "./executeCommand";
import { type ExchangeContext, decideContext } from "./exchangeContext";

/** The receiving-side commands and how each travels on the wire. */
export type ReceivingCommand = Extract<
  CaseCommand,
  { type: "SubmitCorrection" | "Withdraw" | "RecordDelivery" | "RecordRating" | "RecordComplaint" }
>;

export function commandToWire(cmd: ReceivingCommand): CommandRequested["command"] {
  switch (cmd.type) {
    case "SubmitCorrection":
      return { $case: "submitCorrection", value: { items: [...cmd.data.items] } };
    case "Withdraw":
      return { $case: "withdraw", value: { reason: cmd.data.reason ?? "" } };
    case "RecordDelivery":
      return { $case: "recordDelivery", value: {} };
    case "RecordRating":
      return { $case: "recordRating", value: { level: cmd.data.level, comment: cmd.data.comment ?? "" } };
    case "RecordComplaint":
      return { $case: "recordComplaint", value: { ticketNo: cmd.data.ticketNo, description: cmd.data.description } };
    default: {
      const never: never = cmd;
      throw new Error(`unmapped command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Receiving side: the window asks the home node to apply a command (the home node orders the
 * case's history). It is checked against this node's replica first, so an obviously illegal
 * command fails at once with FAILED_PRECONDITION; the home node's answer comes back as events
 * (or a rejection if the case moved on meanwhile).
 */
export async function requestCommand(
  ctx: ExchangeContext,
  caseId: string,
  requestId: string,
  clerk: string,
  command: ReceivingCommand,
): Promise<CommandOutcome> {
  const done = await handleCase(ctx, caseId, (d) => {
    if (!isReceivingSide(d)) throw caseNotFound(caseId);
    if (d.requests.some((r) => r.id === requestId)) return "duplicate";
    const events = decide(command, d.state, decideContext(ctx, d.itemCode));
    // Homed here too (a local leg of a joint application): decided at once, nothing travels.
    if (d.role === "local") return { decided: events, request: { id: requestId, outcome: "applied" } };
    return {
      messages: [{ event: { $case: "commandRequested", value: { requestId, requestedBy: clerk, command: commandToWire(command) } } }],
      request: { id: requestId, outcome: "sent" },
    };
  });
  if (!done) throw caseNotFound(caseId);
  await done.durable;
  return { doc: done.doc, duplicate: done.duplicate };
}
