import type { CertificateRecord } from "@tongban/certs-client";
import type { Outcome } from "./verificationOutcome";

/** What the caller already knows and asks to be confirmed (minimum necessary: number and holder). */
export interface LookupFacts {
  number: string;
  holderName: string;
  holderId: string;
}

const norm = (s: string) => s.normalize("NFKC").replace(/\s+/g, "").toUpperCase();

/**
 * The registry's answer to one lookup. A certificate is found only together with its number;
 * the holder the caller names must be the certificate's holder before anything about its state
 * is said. Revocation wins over expiry: a revoked certificate is REVOKED whatever its dates.
 */
export function decideOutcome(record: CertificateRecord | undefined, facts: LookupFacts, now: Date): Outcome {
  if (!record || norm(record.number) !== norm(facts.number)) return "NOT_FOUND";
  if (norm(record.holderName) !== norm(facts.holderName) || norm(record.holderId) !== norm(facts.holderId)) return "HOLDER_MISMATCH";
  if (record.status === "revoked") return "REVOKED";
  if (record.status === "expired" || (record.validTo !== undefined && record.validTo.getTime() < now.getTime())) return "EXPIRED";
  return "VALID";
}

/** Whether the answer may carry the certificate's issuer and validity: only once the caller proved it knows number and holder. */
export const disclosesDetails = (o: Outcome): boolean => o === "VALID" || o === "EXPIRED" || o === "REVOKED";
