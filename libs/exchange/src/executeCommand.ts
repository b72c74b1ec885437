import { type CaseCommand, decide } from "@tongban/lifecycle";
import { type CaseDoc, isHomeSide } from "./caseDoc";
import { handleCase } from "./caseHandler";
import { CaseError, type HomeClerk, assertDepartment, caseNotFound } from "./caseErrors";
import { type ExchangeContext, decideContext } from "./exchangeContext";

export interface CommandOutcome {
  doc: CaseDoc;
  duplicate: boolean;
}

const leaseHeldByOther = (doc: CaseDoc, clerk: string, now: Date) =>
  Boolean(doc.claimedBy) && doc.claimedBy !== clerk && doc.claimUntil != null && doc.claimUntil > now;

/**
 * Home side: a clerk of the home authority runs a lifecycle command. The clerk must hold the
 * case's lease; a request id seen before returns the case unchanged (idempotent retry). The
 * resulting events are applied here and sent to the receiving node in the same row.
 */
export async function executeHomeCommand(
  ctx: ExchangeContext,
  caseId: string,
  requestId: string,
  by: HomeClerk,
  command: Extract<CaseCommand, { actor: "home" }> | CaseCommand,
): Promise<CommandOutcome> {
  return runHomeCommand(ctx, caseId, requestId, command, by);
}

/**
 * Home side: the node itself records a step no clerk issues (the check of the case's scans),
 * without a lease; idempotent on `requestId` like a clerk's command.
 */
export async function executeNodeCommand(
  ctx: ExchangeContext,
  caseId: string,
  requestId: string,
  command: CaseCommand,
): Promise<CommandOutcome> {
  return runHomeCommand(ctx, caseId, requestId, command, undefined);
}

/** A clerk (`by`) must be of the case's department and hold its lease; the node itself (no `by`) needs neither. */
async function runHomeCommand(
  ctx: ExchangeContext,
  caseId: string,
  requestId: string,
  command: CaseCommand,
  by: HomeClerk | undefined,
): Promise<CommandOutcome> {
  const done = await handleCase(ctx, caseId, (d) => {
    if (!isHomeSide(d)) throw caseNotFound(caseId);
    if (by) assertDepartment(d, by);
    if (d.requests.some((r) => r.id === requestId)) return "duplicate";
    const now = ctx.now();
    if (by && (d.claimedBy !== by.id || !d.claimUntil || d.claimUntil <= now)) {
      throw new CaseError(
        "FAILED_PRECONDITION",
        leaseHeldByOther(d, by.id, now)
          ? `案件已由 ${d.claimedBy} 认领至 ${d.claimUntil?.toISOString()} / case is claimed by ${d.claimedBy} until ${d.claimUntil?.toISOString()}`
          : `请先认领案件 / claim the case before working on it`,
        "LEASE_REQUIRED",
      );
    }
    const events = decide({ ...command, actor: "home" } as CaseCommand, d.state, decideContext(ctx, d.itemCode));
    return { decided: events, request: { id: requestId, outcome: "applied" } };
  });
  if (!done) throw caseNotFound(caseId);
  await done.durable;
  return { doc: done.doc, duplicate: done.duplicate };
}
