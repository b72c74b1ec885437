import type { Logger } from "pino";
import {
  type CertificateRegistryServiceServer,
  type CertificateQuery,
  type LookupPurpose,
  type RevokeRequest,
  type RevokeResponse,
  type VerifyAuditChainRequest,
  type VerifyAuditChainResponse,
  type VerifyBatchRequest,
  type VerifyBatchResponse,
  VerificationOutcome,
  type VerifyRequest,
  type VerifyResponse,
} from "@tongban/contracts";
import { AppError, unary } from "@tongban/rpc";
import type { Purpose } from "./domain/auditChain";
import type { Outcome } from "./domain/verificationOutcome";
import type { Answer, Query, Registry } from "./registry";

const wireOutcome: Record<Outcome, VerificationOutcome> = {
  VALID: VerificationOutcome.VERIFICATION_OUTCOME_VALID,
  EXPIRED: VerificationOutcome.VERIFICATION_OUTCOME_EXPIRED,
  REVOKED: VerificationOutcome.VERIFICATION_OUTCOME_REVOKED,
  NOT_FOUND: VerificationOutcome.VERIFICATION_OUTCOME_NOT_FOUND,
  HOLDER_MISMATCH: VerificationOutcome.VERIFICATION_OUTCOME_HOLDER_MISMATCH,
};

const purposeOf = (p: LookupPurpose | undefined): Purpose | undefined =>
  p && { caseId: p.caseId, itemCode: p.itemCode, requestingNode: p.requestingNode, operator: p.operator };

const queryOf = (q: CertificateQuery): Query => ({
  certificateId: q.certificateId,
  number: q.number,
  holderName: q.holderName,
  holderIdNumber: q.holderIdNumber,
});

/** The answer on the wire: never more than the caller sent about the holder (no holder fields at all). */
function toWire(a: Answer): VerifyResponse {
  const c = a.certificate;
  return {
    certificateId: a.certificateId,
    outcome: wireOutcome[a.outcome],
    typeCode: c?.typeCode ?? "",
    typeName: c?.typeName ?? "",
    issuerName: c?.issuerName ?? "",
    issuerCode: c?.issuerCode ?? "",
    territoryCode: c?.territoryCode ?? "",
    validFrom: c?.validFrom,
    validTo: c?.validTo,
    verifiedAt: a.verifiedAt,
    verifiedBy: a.verifiedBy,
    auditSeq: a.auditSeq,
  };
}

/** gRPC adapter of the certificate registry. */
export function registryGrpc(registry: Registry, log: Logger): CertificateRegistryServiceServer {
  return {
    verify: unary<VerifyRequest, VerifyResponse>("Verify", log, async (req) => {
      if (!req.query) throw AppError.invalid([{ field: "query", description: "查验内容不能为空 / query is required" }]);
      const [answer] = await registry.verify(purposeOf(req.purpose), [queryOf(req.query)]);
      return toWire(answer!);
    }),
    verifyBatch: unary<VerifyBatchRequest, VerifyBatchResponse>("VerifyBatch", log, async (req) => ({
      results: (await registry.verify(purposeOf(req.purpose), req.queries.map(queryOf))).map(toWire),
    })),
    revoke: unary<RevokeRequest, RevokeResponse>("Revoke", log, async (req) => {
      const r = await registry.revoke(req);
      log.info({ certificateId: r.certificateId, already: r.alreadyRevoked }, "certificate revoked");
      return r;
    }),
    verifyAuditChain: unary<VerifyAuditChainRequest, VerifyAuditChainResponse>("VerifyAuditChain", log, async () => {
      const r = await registry.verifyAuditChain();
      return r.ok
        ? { ok: true, checked: r.checked, brokenSeq: 0, reason: "", headHash: r.headHash }
        : { ok: false, checked: r.checked, brokenSeq: r.brokenSeq, reason: r.reason, headHash: "" };
    }),
  };
}
