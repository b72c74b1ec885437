import { AppError } from "@tongban/rpc";
import type { CaseDoc } from "./caseDoc";
import { caseNotFound } from "./commandErrors";
import type { ExchangeContext } from "./exchangeContext";

export const DEFAULT_LEASE_SECONDS = 900;
export const MAX_LEASE_SECONDS = 8 * 3600;

/**
 * Takes (or renews) a clerk's lease on a home case (认领) so that two clerks don't work it at
 * once. Atomic: the filter only matches when the case is free, expired or already the clerk's.
 */
export function claimCase(ctx: ExchangeContext, caseId: string, clerk: string, leaseSeconds: number): Promise<CaseDoc> {
  return ctx.lock.run(caseId, () => claim(ctx, caseId, clerk, leaseSeconds));
}

async function claim(ctx: ExchangeContext, caseId: string, clerk: string, leaseSeconds: number): Promise<CaseDoc> {
  if (!clerk.trim()) throw AppError.invalid([{ field: "clerk", description: "办理人员不能为空 / clerk is required" }]);
  if (leaseSeconds > MAX_LEASE_SECONDS) {
    throw AppError.invalid([
      { field: "lease_seconds", description: `认领时长最多 ${MAX_LEASE_SECONDS} 秒 / lease is at most ${MAX_LEASE_SECONDS} s` },
    ]);
  }
  const now = ctx.now();
  const until = new Date(now.getTime() + (leaseSeconds || DEFAULT_LEASE_SECONDS) * 1000);
  const doc = await ctx.cases.findOneAndUpdate(
    {
      _id: caseId,
      role: "home",
      $or: [{ claimedBy: { $exists: false } }, { claimedBy: null as never }, { claimedBy: clerk }, { claimUntil: { $lte: now } }],
    },
    { $set: { claimedBy: clerk, claimUntil: until, updatedAt: now } },
    { returnDocument: "after" },
  );
  if (doc) {
    ctx.onChange?.(doc, "changed");
    return doc;
  }
  const current = await ctx.cases.findOne({ _id: caseId, role: "home" });
  if (!current) throw caseNotFound(caseId);
  throw AppError.failedPrecondition(
    `案件已由 ${current.claimedBy} 认领至 ${current.claimUntil?.toISOString()} / case is claimed by ${current.claimedBy} until ${current.claimUntil?.toISOString()}`,
    "CLAIMED_BY_OTHER",
  );
}

/** Gives a lease back; only its holder can. */
export function releaseCase(ctx: ExchangeContext, caseId: string, clerk: string): Promise<CaseDoc> {
  return ctx.lock.run(caseId, () => release(ctx, caseId, clerk));
}

async function release(ctx: ExchangeContext, caseId: string, clerk: string): Promise<CaseDoc> {
  const now = ctx.now();
  const doc = await ctx.cases.findOneAndUpdate(
    { _id: caseId, role: "home", claimedBy: clerk },
    { $set: { claimedBy: null as never, claimUntil: null as never, updatedAt: now } },
    { returnDocument: "after" },
  );
  if (doc) {
    ctx.onChange?.(doc, "changed");
    return doc;
  }
  const current = await ctx.cases.findOne({ _id: caseId, role: "home" });
  if (!current) throw caseNotFound(caseId);
  throw AppError.failedPrecondition(`该案件不在 ${clerk} 名下 / case is not claimed by ${clerk}`, "NOT_CLAIMANT");
}
