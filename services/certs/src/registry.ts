import { status } from "@grpc/grpc-js";
import {
  MAX_CERTIFICATE_ID_LENGTH,
  MAX_CERTIFICATE_NUMBER_LENGTH,
  MAX_CLERK_LENGTH,
  MAX_CODE_LENGTH,
  MAX_ID_LENGTH,
  MAX_ID_NUMBER_LENGTH,
  MAX_NAME_LENGTH,
  MAX_REASON_LENGTH,
  MAX_VERIFY_BATCH,
  capViolations,
  checkText,
  textProblem,
  tooManyDescription,
} from "@tongban/bounds";
import type { IdGenerator } from "@tongban/contracts";
import { AppError, type FieldViolation } from "@tongban/rpc";
import type { AuditLog } from "./auditLog";
import type { CertificateDoc, CertificateStore } from "./certificateStore";
import type { ChainReport, Purpose } from "./domain/auditChain";
import { decideOutcome, disclosesDetails } from "./domain/decideOutcome";
import { purposeViolations } from "./domain/purposeViolations";
import type { Outcome } from "./domain/verificationOutcome";

export interface Query {
  certificateId: string;
  number: string;
  holderName: string;
  holderIdNumber: string;
}

/** One answer: the outcome, and the certificate's issuer and validity only when disclosed. */
export interface Answer {
  certificateId: string;
  outcome: Outcome;
  certificate?: Pick<CertificateDoc, "typeCode" | "typeName" | "issuerName" | "issuerCode" | "validFrom" | "validTo" | "territoryCode">;
  verifiedAt: Date;
  verifiedBy: string;
  auditSeq: number;
}

export interface RegistryDeps {
  nodeId: string;
  topicPrefix: string;
  knownNodes: readonly string[];
  store: CertificateStore;
  audit: AuditLog;
  now: () => Date;
  ids: IdGenerator;
  /** A certificate's outbox got its revocation event: relay it now. */
  onOutbox: (certificateId: string) => void;
}

const emptyPurpose: Purpose = { caseId: "", itemCode: "", requestingNode: "", operator: "" };

const purposeLimits = { caseId: MAX_ID_LENGTH, itemCode: MAX_CODE_LENGTH, requestingNode: MAX_CODE_LENGTH, operator: MAX_CLERK_LENGTH };
const purposeFields = { caseId: "case_id", itemCode: "item_code", requestingNode: "requesting_node", operator: "operator" } as const;

/** The purpose as it may be audited: a field out of its bounds is kept as "", never stored. */
function auditablePurpose(p: Purpose | undefined): Purpose {
  if (!p) return emptyPurpose;
  const keep = (k: keyof Purpose) => (textProblem(p[k], purposeLimits[k]) ? "" : p[k]);
  return { caseId: keep("caseId"), itemCode: keep("itemCode"), requestingNode: keep("requestingNode"), operator: keep("operator") };
}

/** Lengths and characters of the purpose and of every query (the count is checked before). */
function boundViolations(purpose: Purpose | undefined, queries: readonly Query[]): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (purpose) {
    for (const k of Object.keys(purposeFields) as (keyof Purpose)[])
      checkText(v, `purpose.${purposeFields[k]}`, purpose[k], purposeLimits[k]);
  }
  queries.forEach((q, i) => {
    const at = queries.length === 1 ? "query" : `queries[${i}]`;
    checkText(v, `${at}.certificate_id`, q.certificateId, MAX_CERTIFICATE_ID_LENGTH);
    checkText(v, `${at}.number`, q.number, MAX_CERTIFICATE_NUMBER_LENGTH);
    checkText(v, `${at}.holder_name`, q.holderName, MAX_NAME_LENGTH);
    checkText(v, `${at}.holder_id_number`, q.holderIdNumber, MAX_ID_NUMBER_LENGTH);
  });
  return capViolations(v);
}

/**
 * The registry's use cases, transport-neutral: purpose-bound verification (every lookup audited,
 * refusals too), revocation by the issuing department, and audit-chain verification.
 */
export class Registry {
  constructor(private readonly d: RegistryDeps) {}

  async verify(purpose: Purpose | undefined, queries: readonly Query[]): Promise<Answer[]> {
    // Count and bounds first, each refused call audited once, whatever it carried.
    const bounds =
      queries.length > MAX_VERIFY_BATCH
        ? [{ field: "queries", description: tooManyDescription(queries.length, MAX_VERIFY_BATCH, { zh: "查验", en: "queries" }) }]
        : boundViolations(purpose, queries);
    if (bounds.length > 0) {
      await this.d.audit.append({
        at: this.d.now(),
        action: "refuse",
        certificateId: "",
        outcome: "REFUSED",
        purpose: auditablePurpose(purpose),
      });
      throw AppError.invalid(bounds);
    }
    const missing = purposeViolations(purpose, this.d.knownNodes);
    if (missing.length > 0 || !purpose) {
      const at = this.d.now();
      await Promise.all(
        queries.map((q) =>
          this.d.audit.append({
            at,
            action: "refuse",
            certificateId: q.certificateId.trim(),
            outcome: "REFUSED",
            purpose: purpose ?? emptyPurpose,
          }),
        ),
      );
      throw new AppError(
        status.PERMISSION_DENIED,
        "查验证照须说明用证事由 / a certificate lookup must state its purpose (case, item, requesting node, operator)",
        missing,
        "PURPOSE_REQUIRED",
      );
    }
    if (queries.length === 0)
      throw AppError.invalid([{ field: "queries", description: "查验内容不能为空 / at least one query is required" }]);
    const v: FieldViolation[] = [];
    queries.forEach((q, i) => {
      const at = queries.length === 1 ? "query" : `queries[${i}]`;
      if (!q.certificateId.trim()) v.push({ field: `${at}.certificate_id`, description: "证照标识不能为空 / certificate id is required" });
      if (!q.number.trim()) v.push({ field: `${at}.number`, description: "证照编号不能为空 / certificate number is required" });
      if (!q.holderName.trim()) v.push({ field: `${at}.holder_name`, description: "持证主体名称不能为空 / holder name is required" });
      if (!q.holderIdNumber.trim()) {
        v.push({ field: `${at}.holder_id_number`, description: "持证主体证件号码不能为空 / holder id number is required" });
      }
    });
    if (v.length > 0) throw AppError.invalid(v);

    const ids = queries.map((q) => q.certificateId.trim().toUpperCase());
    const found = await this.d.store.findMany(ids);
    const now = this.d.now();
    return Promise.all(
      queries.map(async (q, i): Promise<Answer> => {
        const certificateId = ids[i]!;
        const record = found.get(certificateId);
        const outcome = decideOutcome(record, { number: q.number, holderName: q.holderName, holderId: q.holderIdNumber }, now);
        const auditSeq = await this.d.audit.append({ at: now, action: "verify", certificateId, outcome, purpose });
        const answer: Answer = { certificateId, outcome, verifiedAt: now, verifiedBy: this.d.nodeId, auditSeq };
        if (record && disclosesDetails(outcome)) {
          const { typeCode, typeName, issuerName, issuerCode, validFrom, validTo, territoryCode } = record;
          answer.certificate = { typeCode, typeName, issuerName, issuerCode, validFrom, territoryCode, ...(validTo ? { validTo } : {}) };
        }
        return answer;
      }),
    );
  }

  async revoke(req: { certificateId: string; issuerCode: string; reason: string; operator: string }) {
    const v: FieldViolation[] = [];
    const need = (field: string, value: string, max: number, zh: string, en: string, multiline = false) => {
      if (checkText(v, field, value, max, { multiline }) && !value.trim())
        v.push({ field, description: `${zh}不能为空 / ${en} is required` });
    };
    need("certificate_id", req.certificateId, MAX_CERTIFICATE_ID_LENGTH, "证照标识", "certificate id");
    need("issuer_code", req.issuerCode, MAX_CODE_LENGTH, "颁发机构代码", "issuer code");
    need("reason", req.reason, MAX_REASON_LENGTH, "注销原因", "reason", true);
    need("operator", req.operator, MAX_CLERK_LENGTH, "经办人员", "operator");
    if (v.length > 0) throw AppError.invalid(v);
    const certificateId = req.certificateId.trim().toUpperCase();
    const existing = (await this.d.store.findMany([certificateId])).get(certificateId);
    if (!existing) throw AppError.notFound(`本登记库没有证照 ${certificateId} / certificate ${certificateId} is not in this registry`);
    if (existing.issuerCode !== req.issuerCode.trim().toUpperCase()) {
      throw new AppError(
        status.PERMISSION_DENIED,
        "只有颁发机构可以注销证照 / only the issuing department may revoke a certificate",
        [],
        "NOT_ISSUER",
      );
    }
    const at = this.d.now();
    const r = await this.d.store.revoke(certificateId, {
      reason: req.reason.trim(),
      at,
      registryNode: this.d.nodeId,
      topicPrefix: this.d.topicPrefix,
      ids: this.d.ids,
    });
    if (r.kind === "not_found")
      throw AppError.notFound(`本登记库没有证照 ${certificateId} / certificate ${certificateId} is not in this registry`);
    if (r.kind === "already") return { certificateId, revokedAt: r.doc.revokedAt ?? at, alreadyRevoked: true };
    this.d.onOutbox(certificateId);
    await this.d.audit.append({
      at,
      action: "revoke",
      certificateId,
      outcome: "REVOKED",
      purpose: { caseId: "", itemCode: "", requestingNode: this.d.nodeId, operator: req.operator.trim() },
    });
    return { certificateId, revokedAt: at, alreadyRevoked: false };
  }

  verifyAuditChain(): Promise<ChainReport> {
    return this.d.audit.verify();
  }
}
