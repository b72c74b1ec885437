import { type CaseDoc, isHomeSide } from "./caseDoc";
import { handleCase } from "./caseHandler";
import { CaseError, type HomeClerk, assertDepartment, caseNotFound } from "./caseErrors";
import type { ExchangeContext } from "./exchangeContext";

export const DEFAULT_LEASE_SECONDS = 900;
export const MAX_LEASE_SECONDS = 8 * 3600;

const heldByOther = (d: CaseDoc, clerk: string, now: Date) =>
  Boolean(d.claimedBy) && d.claimedBy !== clerk && d.claimUntil != null && d.claimUntil > now;

/**
 * Takes (or renews) a clerk's lease on a home case (认领) so that two clerks don't work it at
 * once: granted when the case is free, its lease expired, or it is already the clerk's.
 */
export async function claimCase(ctx: ExchangeContext, caseId: string, by: HomeClerk, leaseSeconds: number): Promise<CaseDoc> {
  const clerk = by.id;
  if (!clerk.trim()) throw CaseError.invalid("clerk", "办理人员不能为空 / clerk is required");
  if (leaseSeconds > MAX_LEASE_SECONDS) {
    throw CaseError.invalid("lease_seconds", `认领时长最多 ${MAX_LEASE_SECONDS} 秒 / lease is at most ${MAX_LEASE_SECONDS} s`);
  }
  const done = await handleCase(ctx, caseId, (d) => {
    if (!isHomeSide(d)) throw caseNotFound(caseId);
    assertDepartment(d, by);
    const now = ctx.now();
    if (heldByOther(d, clerk, now)) {
      throw new CaseError(
        "FAILED_PRECONDITION",
        `案件已由 ${d.claimedBy} 认领至 ${d.claimUntil?.toISOString()} / case is claimed by ${d.claimedBy} until ${d.claimUntil?.toISOString()}`,
        "CLAIMED_BY_OTHER",
      );
    }
    return { set: { claimedBy: clerk, claimUntil: new Date(now.getTime() + (leaseSeconds || DEFAULT_LEASE_SECONDS) * 1000) } };
  });
  if (!done) throw caseNotFound(caseId);
  await done.durable;
  return done.doc;
}

/** Gives a lease back; only its holder can. */
export async function releaseCase(ctx: ExchangeContext, caseId: string, by: HomeClerk): Promise<CaseDoc> {
  const clerk = by.id;
  const done = await handleCase(ctx, caseId, (d) => {
    if (!isHomeSide(d)) throw caseNotFound(caseId);
    assertDepartment(d, by);
    if (d.claimedBy !== clerk)
      throw new CaseError("FAILED_PRECONDITION", `该案件不在 ${clerk} 名下 / case is not claimed by ${clerk}`, "NOT_CLAIMANT");
    return { set: { claimedBy: null, claimUntil: null } };
  });
  if (!done) throw caseNotFound(caseId);
  await done.durable;
  return done.doc;
}
