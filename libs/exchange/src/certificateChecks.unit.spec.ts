import { describe, expect, it } from "vitest";
import { type CertificateCheck, VerificationOutcome } from "@tongban/contracts";
import { mergeChecks } from "./certificateChecks";

const check = (id: string, outcome: VerificationOutcome, at?: string): CertificateCheck => ({
  certificateId: id,
  number: `N-${id}`,
  outcome,
  typeName: "",
  issuerName: "",
  issuerCode: "",
  validFrom: undefined,
  validTo: undefined,
  verifiedBy: at ? "quanzhou" : "",
  verifiedAt: at ? new Date(at) : undefined,
  auditSeq: 0,
  requestedBy: "xiamen",
  operator: "clerk-1",
  registryNode: "quanzhou",
  detail: "",
});
const {
  VERIFICATION_OUTCOME_UNVERIFIED: UNVERIFIED,
  VERIFICATION_OUTCOME_VALID: VALID,
  VERIFICATION_OUTCOME_REVOKED: REVOKED,
} = VerificationOutcome;

describe("mergeChecks", () => {
  it("when an UNVERIFIED check gets its registry's answer, then the answer replaces it", () => {
    const merged = mergeChecks([check("A", UNVERIFIED), check("B", VALID, "2025-01-01")], [check("A", VALID, "2025-01-02")]);
    expect(merged?.map((c) => c.outcome)).toEqual([VALID, VALID]);
  });

  it("when a fresh check is UNVERIFIED, then it never replaces an answer", () => {
    expect(mergeChecks([check("A", VALID, "2025-01-01")], [check("A", UNVERIFIED)])).toBe(undefined);
  });

  it("when the same answer arrives again (redelivery), then nothing changes", () => {
    const a = check("A", VALID, "2025-01-02");
    expect(mergeChecks([a], [a])).toBe(undefined);
  });

  it("when a newer answer differs, then it wins; an older one is ignored", () => {
    const current = [check("A", VALID, "2025-01-02")];
    expect(mergeChecks(current, [check("A", REVOKED, "2025-01-03")])?.[0]?.outcome).toBe(REVOKED);
    expect(mergeChecks(current, [check("A", REVOKED, "2025-01-01")])).toBe(undefined);
  });
});
