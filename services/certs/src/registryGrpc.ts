import { type ServerUnaryCall, status } from "@grpc/grpc-js";
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
import { AppError, type Principal, principalOf, unary } from "@tongban/rpc";
import type { Purpose } from "./domain/auditChain";
import type { Outcome } from "./domain/verificationOutcome";
import type { Answer, IssuerCaller, Query, Registry, RegistryCaller } from "./registry";

const SERVICE = "/tongban.v1.CertificateRegistryService";

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

const callerOf = (p: Principal): RegistryCaller => ({ city: p.identity.city, uri: p.identity.uri });

/** The issuing department calling Revoke; its certificate's name is its 统一社会信用代码. */
function issuerOf(p: Principal): IssuerCaller {
  // The access table admits only issuers; checked again because the name means a credit code only for them.
  if (p.identity.role !== "issuer") {
    throw new AppError(
      status.PERMISSION_DENIED,
      `只有发证部门可以注销证照 / only an issuing department may revoke, not ${p.identity.uri}`,
      [],
      "NOT_ISSUER",
    );
  }
  return { ...callerOf(p), issuerCode: p.identity.name };
}

/**
 * Logs a refusal the registry itself made (after the access interceptor let the call through) the
 * way the interceptor logs its own: `audit: "access-denied"`, the method, code, reason and caller.
 */
function auditRefusals<Req, Res>(
  method: string,
  access: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> {
  return async (req, call) => {
    try {
      return await fn(req, call);
    } catch (err) {
      if (err instanceof AppError && (err.code === status.PERMISSION_DENIED || err.code === status.RESOURCE_EXHAUSTED)) {
        const caller = (() => {
          try {
            return principalOf(call).identity.uri;
          } catch {
            return undefined;
          }
        })();
        access.warn(
          {
            audit: "access-denied",
            method: `${SERVICE}/${method}`,
            code: status[err.code],
            reason: err.message,
            errorReason: err.reason,
            caller,
          },
          "access denied",
        );
      }
      throw err;
    }
  };
}

/**
 * gRPC adapter of the certificate registry. The caller comes from its certificate (principalOf);
 * `access` gets one `audit: "access-denied"` line per refusal the registry makes.
 */
export function registryGrpc(registry: Registry, log: Logger, access: Logger = log): CertificateRegistryServiceServer {
  const handler = <Req, Res>(method: string, fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) =>
    unary<Req, Res>(method, log, auditRefusals(method, access, fn));
  return {
    verify: handler<VerifyRequest, VerifyResponse>("Verify", async (req, call) => {
      if (!req.query) throw AppError.invalid([{ field: "query", description: "查验内容不能为空 / query is required" }]);
      const [answer] = await registry.verify(callerOf(principalOf(call)), purposeOf(req.purpose), [queryOf(req.query)]);
      return toWire(answer!);
    }),
    verifyBatch: handler<VerifyBatchRequest, VerifyBatchResponse>("VerifyBatch", async (req, call) => ({
      results: (await registry.verify(callerOf(principalOf(call)), purposeOf(req.purpose), req.queries.map(queryOf))).map(toWire),
    })),
    revoke: handler<RevokeRequest, RevokeResponse>("Revoke", async (req, call) => {
      const issuer = issuerOf(principalOf(call));
      const r = await registry.revoke(issuer, req);
      log.info({ certificateId: r.certificateId, already: r.alreadyRevoked, caller: issuer.uri }, "certificate revoked");
      return r;
    }),
    // Operators and auditors of the registry's own city only (the access table); nothing else to check.
    verifyAuditChain: handler<VerifyAuditChainRequest, VerifyAuditChainResponse>("VerifyAuditChain", async () => {
      const r = await registry.verifyAuditChain();
      return r.ok
        ? { ok: true, checked: r.checked, brokenSeq: 0, reason: "", headHash: r.headHash, anchorsChecked: r.anchorsChecked }
        : { ok: false, checked: r.checked, brokenSeq: r.brokenSeq, reason: r.reason, headHash: "", anchorsChecked: r.anchorsChecked };
    }),
  };
}
