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
import type { IdGenerator, Signer } from "@tongban/contracts";
import type { AuditAnchors } from "./auditAnchors";
import { AppError, type FieldViolation } from "@tongban/rpc";
import type { AuditLog } from "./auditLog";
import type { CertificateDoc, CertificateStore } from "./certificateStore";
import type { AuditEntry, ChainReport, Purpose } from "./domain/auditChain";
import { decideOutcome, disclosesDetails } from "./domain/decideOutcome";
import { type MismatchLimits, MismatchLimiter } from "./domain/mismatchLimiter";
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

/** Who is calling, as its certificate says (checked by the access interceptor before the registry sees it). */
export interface RegistryCaller {
  city: string;
  /** `spiffe://tongban/<city>/<role>/<name>` */
  uri: string;
}

/** An issuing department calling: its 统一社会信用代码 is the name in its certificate. */
export interface IssuerCaller extends RegistryCaller {
  issuerCode: string;
}

export interface RegistryDeps {
  nodeId: string;
  topicPrefix: string;
  knownNodes: readonly string[];
  store: CertificateStore;
  audit: AuditLog;
  now: () => Date;
  ids: IdGenerator;
  /** The registry's signing key: its revocation events are signed. */
  signer: Signer;
  /** The registry's published audit chain heads. */
  anchors: Pick<AuditAnchors, "read">;
  /** A certificate's outbox got its revocation event: relay it now. */
  onOutbox: (certificateId: string) => void;
  /** Holder-mismatch answers per caller (the registry is not an oracle for guessing holders). */
  mismatchLimits: MismatchLimits;
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

const secondsOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The registry's use cases, transport-neutral: purpose-bound verification by the network's nodes
 * (the requesting node is the caller's city; every lookup audited with the caller, refusals too;
 * holder-mismatch answers rate-limited per caller), revocation by the issuing department only, and
 * audit-chain verification.
 */
export class Registry {
  private readonly mismatches: MismatchLimiter;

  constructor(private readonly d: RegistryDeps) {
    this.mismatches = new MismatchLimiter(d.mismatchLimits);
  }

  /** Appends one refusal per query (one for the call when it had none), all at the same time. */
  private async refuse(caller: RegistryCaller, purpose: Purpose, queries: readonly Query[], outcome = "REFUSED"): Promise<void> {
    const at = this.d.now();
    const ids = queries.length > 0 ? queries.map((q) => q.certificateId.trim()) : [""];
    await Promise.all(
      ids.map((certificateId) => this.d.audit.append({ at, action: "refuse", certificateId, outcome, purpose, caller: caller.uri })),
    );
  }

  async verify(caller: RegistryCaller, claimed: Purpose | undefined, queries: readonly Query[]): Promise<Answer[]> {
    // Count and bounds first, each refused call audited once, whatever it carried.
    const bounds =
      queries.length > MAX_VERIFY_BATCH
        ? [{ field: "queries", description: tooManyDescription(queries.length, MAX_VERIFY_BATCH, { zh: "查验", en: "queries" }) }]
        : boundViolations(claimed, queries);
    // What is audited names the caller's city as the requesting node, whatever the request said.
    const audited: Purpose = { ...auditablePurpose(claimed), requestingNode: caller.city };
    if (bounds.length > 0) {
      await this.refuse(caller, audited, []);
      throw AppError.invalid(bounds);
    }
    // The requesting node is the caller's certificate's city; a request may only repeat it.
    const named = claimed?.requestingNode.trim() ?? "";
    if (named && named !== caller.city) {
      await this.refuse(caller, audited, queries);
      throw new AppError(
        status.PERMISSION_DENIED,
        `请求节点须为调用方所在城市 ${caller.city}，不能代表 ${named} 查验 / the requesting node is the caller's city ${caller.city}; it may not look up on behalf of ${named}`,
        [{ field: "purpose.requesting_node", description: `须为空或 ${caller.city} / must be empty or ${caller.city}` }],
        "REQUESTING_NODE_MISMATCH",
      );
    }
    const purpose: Purpose = { ...(claimed ?? emptyPurpose), requestingNode: caller.city };
    const missing = purposeViolations(purpose, this.d.knownNodes);
    if (missing.length > 0) {
      await this.refuse(caller, purpose, queries);
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

    // A caller that has used up its mismatch answers gets no answer at all: any answer, even VALID,
    // would tell it whether its guess was right.
    const before = this.mismatches.allowance(caller.uri, this.d.now().getTime());
    if (!before.ok) {
      await this.refuse(caller, purpose, queries, "RATE_LIMITED");
      throw this.exhausted(before.retryAfterMs);
    }
    const ids = queries.map((q) => q.certificateId.trim().toUpperCase());
    const found = await this.d.store.findMany(ids);
    const now = this.d.now();
    const outcomes = queries.map((q, i) =>
      decideOutcome(found.get(ids[i]!), { number: q.number, holderName: q.holderName, holderId: q.holderIdNumber }, now),
    );
    // A batch is answered whole or not at all: one whose mismatches exceed what is left is withheld.
    const after = this.mismatches.take(caller.uri, outcomes.filter((o) => o === "HOLDER_MISMATCH").length, now.getTime());
    if (!after.ok) {
      await this.refuse(caller, purpose, queries, "RATE_LIMITED");
      throw this.exhausted(after.retryAfterMs);
    }
    return Promise.all(
      outcomes.map(async (outcome, i): Promise<Answer> => {
        const certificateId = ids[i]!;
        const record = found.get(certificateId);
        const auditSeq = await this.d.audit.append({ at: now, action: "verify", certificateId, outcome, purpose, caller: caller.uri });
        const answer: Answer = { certificateId, outcome, verifiedAt: now, verifiedBy: this.d.nodeId, auditSeq };
        if (record && disclosesDetails(outcome)) {
          const { typeCode, typeName, issuerName, issuerCode, validFrom, validTo, territoryCode } = record;
          answer.certificate = { typeCode, typeName, issuerName, issuerCode, validFrom, territoryCode, ...(validTo ? { validTo } : {}) };
        }
        return answer;
      }),
    );
  }

  private exhausted(retryAfterMs: number): AppError {
    const { limit, windowMs } = this.d.mismatchLimits;
    const s = secondsOf(retryAfterMs);
    return new AppError(
      status.RESOURCE_EXHAUSTED,
      `持证主体不符的查验结果已达上限（${secondsOf(windowMs)} 秒内 ${limit} 次），请 ${s} 秒后再试 / ` +
        `too many holder-mismatch answers (${limit} per ${secondsOf(windowMs)} s) for this caller; retry in ${s} s`,
      [],
      "HOLDER_MISMATCH_LIMIT",
    );
  }

  /**
   * Revocation by the issuing department only: the caller's 统一社会信用代码 (the name in its issuer
   * certificate) must be the record's issuer code. The request's issuer_code, when given, must be
   * the caller's own; it decides nothing. Refusals are audited with the caller.
   */
  async revoke(caller: IssuerCaller, req: { certificateId: string; issuerCode: string; reason: string; operator: string }) {
    const v: FieldViolation[] = [];
    const need = (field: string, value: string, max: number, zh: string, en: string, multiline = false) => {
      if (checkText(v, field, value, max, { multiline }) && !value.trim())
        v.push({ field, description: `${zh}不能为空 / ${en} is required` });
    };
    need("certificate_id", req.certificateId, MAX_CERTIFICATE_ID_LENGTH, "证照标识", "certificate id");
    checkText(v, "issuer_code", req.issuerCode, MAX_CODE_LENGTH);
    need("reason", req.reason, MAX_REASON_LENGTH, "注销原因", "reason", true);
    need("operator", req.operator, MAX_CLERK_LENGTH, "经办人员", "operator");
    if (v.length > 0) throw AppError.invalid(v);
    const certificateId = req.certificateId.trim().toUpperCase();
    const own = caller.issuerCode.trim().toUpperCase();
    const refused = async (message: string) => {
      await this.d.audit.append(this.revokeEntry(caller, certificateId, "REFUSED", req.operator, "refuse"));
      return new AppError(status.PERMISSION_DENIED, message, [], "NOT_ISSUER");
    };
    const named = req.issuerCode.trim().toUpperCase();
    if (named && named !== own) {
      throw await refused(
        `颁发机构代码 ${named} 与调用方证书 ${own} 不符 / issuer_code ${named} is not the caller's own code ${own} (from its certificate)`,
      );
    }
    const existing = (await this.d.store.findMany([certificateId])).get(certificateId);
    if (!existing) throw AppError.notFound(`本登记库没有证照 ${certificateId} / certificate ${certificateId} is not in this registry`);
    if (existing.issuerCode !== own) {
      throw await refused(
        `只有颁发机构可以注销证照，${own} 不是其颁发机构 / only the issuing department may revoke a certificate; ${own} did not issue it`,
      );
    }
    const at = this.d.now();
    const r = await this.d.store.revoke(certificateId, {
      reason: req.reason.trim(),
      at,
      registryNode: this.d.nodeId,
      topicPrefix: this.d.topicPrefix,
      ids: this.d.ids,
      signer: this.d.signer,
    });
    if (r.kind === "not_found")
      throw AppError.notFound(`本登记库没有证照 ${certificateId} / certificate ${certificateId} is not in this registry`);
    if (r.kind === "already") return { certificateId, revokedAt: r.doc.revokedAt ?? at, alreadyRevoked: true };
    this.d.onOutbox(certificateId);
    await this.d.audit.append({ ...this.revokeEntry(caller, certificateId, "REVOKED", req.operator, "revoke"), at });
    return { certificateId, revokedAt: at, alreadyRevoked: false };
  }

  private revokeEntry(
    caller: RegistryCaller,
    certificateId: string,
    outcome: string,
    operator: string,
    action: "revoke" | "refuse",
  ): AuditEntry {
    return {
      at: this.d.now(),
      action,
      certificateId,
      outcome,
      purpose: { caseId: "", itemCode: "", requestingNode: caller.city, operator: operator.trim() },
      caller: caller.uri,
    };
  }

  /** The audit chain checked record by record and against the chain heads this registry published. */
  async verifyAuditChain(): Promise<ChainReport> {
    return this.d.audit.verify(await this.d.anchors.read());
  }
}
