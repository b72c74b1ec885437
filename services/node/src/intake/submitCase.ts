import { status } from "@grpc/grpc-js";
import { createHash } from "node:crypto";
import { type Network, type NodeConfig } from "@tongban/config";
import { ApplicantKind, type CaseSubmitted } from "@tongban/contracts";
import { type ExchangeContext, registerSubmission } from "@tongban/exchange";
import { AppError } from "@tongban/rpc";
import type { CertificateVerifier } from "./certificateVerifier";
import { type CatalogPort, type SubmissionInput, validateSubmission } from "./domain/validateSubmission";

export interface SubmitDeps {
  ctx: ExchangeContext;
  node: NodeConfig;
  network: Network;
  catalog: CatalogPort;
  /** Verifies referenced certificates with their issuing registries; without it, none are verified. */
  certificates?: CertificateVerifier;
}

export interface SubmitOutcome {
  caseId: string;
  duplicate: boolean;
  acceptedAt: Date;
  warnings: string[];
}

const fingerprint = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("base64url");

/**
 * Registers a case received at this node's window and forwards it to the home node.
 * Transport-neutral: gRPC today, an intake topic later.
 */
export async function submitCase(input: SubmissionInput, deps: SubmitDeps): Promise<SubmitOutcome> {
  const now = deps.ctx.now();
  const checked = validateSubmission(input, { node: deps.node, network: deps.network, catalog: deps.catalog, now });
  if (!checked.ok) throw AppError.invalid(checked.violations);
  const s = checked.value;
  const requestHash = fingerprint(s);
  const caseId = deps.ctx.ids();
  // A retried submission returns the case registered the first time: no second lookup.
  const retried = s.certificates.length > 0 && deps.ctx.receipts.has(`${deps.node.id}:${s.receiptNo}`);
  const certificateChecks =
    deps.certificates && s.certificates.length > 0 && !retried
      ? await deps.certificates.verify({
          caseId,
          itemCode: s.itemCode,
          requestingNode: deps.node.id,
          operator: s.windowClerk,
          holder: { name: s.applicant.name, idNumber: s.applicant.idNumber },
          refs: s.certificates,
        })
      : [];
  const submission: CaseSubmitted = {
    receiptNo: s.receiptNo,
    itemCode: s.itemCode,
    receivingNode: deps.node.id,
    receivingDivision: s.receivingDivision,
    homeNode: s.homeNode,
    homeDepartment: s.homeDepartment,
    applicant: {
      kind: s.applicant.kind === "PERSON" ? ApplicantKind.APPLICANT_KIND_PERSON : ApplicantKind.APPLICANT_KIND_ORGANIZATION,
      name: s.applicant.name,
      idNumber: s.applicant.idNumber,
      phone: s.applicant.phone,
      address: s.applicant.address,
    },
    materials: s.materials,
    certificates: s.certificates,
    mailTrackingNo: s.mailTrackingNo,
    receivedAt: now,
    windowClerk: s.windowClerk,
    certificateChecks,
    sealedApplicant: undefined,
  };
  const result = await registerSubmission(deps.ctx, { caseId, submission, identityVerified: s.identityVerified, requestHash });
  if (result.created) return { caseId: result.doc._id, duplicate: false, acceptedAt: now, warnings: checked.warnings };
  if (result.existing.requestHash !== requestHash) {
    throw new AppError(
      status.ALREADY_EXISTS,
      `收件编号 ${s.receiptNo} 已用于另一申请 / receipt number ${s.receiptNo} is already used by a different submission (case ${result.existing._id})`,
      [{ field: "receipt_no", description: "收件编号重复但内容不同 / duplicate receipt number with different content" }],
      "RECEIPT_NO_CONFLICT",
    );
  }
  return { caseId: result.existing._id, duplicate: true, acceptedAt: result.existing.createdAt, warnings: checked.warnings };
}
