import { PoisonMessage } from "@tongban/bus";
import { type CaseSubmitted, type CertificateCheck, type CertificateRevoked, VerificationOutcome } from "@tongban/contracts";
import { isTerminal } from "@tongban/lifecycle";
import { type CaseDoc, isReceivingSide } from "./caseDoc";
import { handleCase } from "./caseHandler";
import type { ExchangeContext } from "./exchangeContext";

/** A check still waiting for its registry: re-verified automatically when the registry is back. */
export const isPendingCheck = (c: CertificateCheck): boolean => c.outcome === VerificationOutcome.VERIFICATION_OUTCOME_UNVERIFIED;

/** Certificate identifiers a submission references, trimmed and upper-cased like the registries key them. */
export const certificateIdsOf = (s: CaseSubmitted): string[] => [
  ...new Set(s.certificates.map((c) => c.certificateId.trim().toUpperCase())),
];

/** The case's latest checks (cases stored before checks existed have none). */
export const checksOf = (doc: CaseDoc): CertificateCheck[] => doc.certificateChecks ?? doc.submission.certificateChecks ?? [];

const keyOf = (c: CertificateCheck) => `${c.certificateId.trim().toUpperCase()}\u0000${c.number}`;
const time = (d: Date | undefined) => d?.getTime() ?? 0;

/**
 * Folds fresh checks into the current ones: a fresh answer replaces the check of the same
 * certificate unless it is older, and a registry's answer is never replaced by UNVERIFIED.
 * Returns undefined when nothing changes.
 */
export function mergeChecks(current: readonly CertificateCheck[], fresh: readonly CertificateCheck[]): CertificateCheck[] | undefined {
  const merged = [...current];
  let changed = false;
  for (const f of fresh) {
    const i = merged.findIndex((c) => keyOf(c) === keyOf(f));
    const old = i >= 0 ? merged[i] : undefined;
    if (old && (isPendingCheck(f) || (!isPendingCheck(old) && time(f.verifiedAt) <= time(old.verifiedAt)))) continue;
    if (i >= 0) merged[i] = f;
    else merged.push(f);
    changed = true;
  }
  return changed ? merged : undefined;
}

/**
 * Receiving side: certificates that were UNVERIFIED at intake got their registry's answer. The
 * case records them and tells the home authority in the same write (CertificatesVerified, outside
 * the history: case_seq 0, deduped on its event id).
 */
export async function recordReverification(ctx: ExchangeContext, caseId: string, fresh: CertificateCheck[]): Promise<CaseDoc | undefined> {
  const answered = fresh.filter((c) => !isPendingCheck(c));
  if (answered.length === 0) return undefined;
  const done = await handleCase(ctx, caseId, (d) => {
    if (!isReceivingSide(d)) return "unchanged";
    const merged = mergeChecks(checksOf(d), answered);
    if (!merged) return "unchanged";
    return {
      set: { certificateChecks: merged, certificatesPending: merged.some(isPendingCheck) },
      messages: [{ event: { $case: "certificatesVerified", value: { checks: answered } } }],
    };
  });
  await done?.durable;
  return done?.doc;
}

/** Home side: the receiving node re-verified certificates of a case homed here. */
export async function applyCertificatesVerified(
  ctx: ExchangeContext,
  caseId: string,
  checks: CertificateCheck[],
): Promise<"applied" | "duplicate"> {
  const done = await handleCase(ctx, caseId, (d) => {
    if (d.role !== "home") throw new PoisonMessage(`certificate checks for case ${caseId} which is not homed here`, "MISROUTED");
    const merged = mergeChecks(checksOf(d), checks);
    return merged ? { set: { certificateChecks: merged } } : "duplicate";
  });
  if (!done) throw new PoisonMessage(`certificate checks for unknown case ${caseId}`, "UNKNOWN_CASE");
  return done.duplicate ? "duplicate" : "applied";
}

/**
 * A registry revoked a certificate: every open case here that relies on it gets an alert for its
 * authority (home side) or window (receiving side). Idempotent on the revocation's event id.
 * Returns the number of cases flagged.
 */
export async function flagRevokedCertificate(ctx: ExchangeContext, revoked: CertificateRevoked): Promise<number> {
  const certificateId = revoked.certificateId.trim().toUpperCase();
  let flagged = 0;
  for (const _id of ctx.caseLog.index.withCertificate(certificateId)) {
    const done = await handleCase(ctx, _id, (d) => {
      if (isTerminal(d.state) || d.certificateAlerts?.some((a) => a.eventId === revoked.eventId)) return "unchanged";
      return {
        set: {
          certificateAlerts: [
            ...(d.certificateAlerts ?? []),
            {
              certificateId,
              kind: "REVOKED",
              reason: revoked.reason,
              registryNode: revoked.registryNode,
              revokedAt: revoked.revokedAt,
              flaggedAt: ctx.now(),
              eventId: revoked.eventId,
            },
          ],
        },
      };
    });
    if (done?.changed) {
      flagged++;
      ctx.log.info({ caseId: _id, certificateId, role: done.doc.role }, "case flagged: certificate revoked");
    }
  }
  return flagged;
}
