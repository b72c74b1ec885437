import { createHash } from "node:crypto";
import { type Network, type NodeConfig } from "@tongban/config";
import { ApplicantKind, type CaseSubmitted } from "@tongban/contracts";
import { type ExchangeContext, type JointApplications, type JointLegPlan, receiptConflict, registerSubmission } from "@tongban/exchange";
import { AppError } from "@tongban/rpc";
import { type MaterialStore, unstoredMaterialViolations } from "../materials/materialStore";
import type { CertificateVerifier } from "./certificateVerifier";
import { type CatalogPort, type CheckedSubmission, type SubmissionInput, validateSubmission } from "./domain/validateSubmission";

export interface SubmitDeps {
  ctx: ExchangeContext;
  node: NodeConfig;
  network: Network;
  catalog: CatalogPort;
  /** Verifies referenced certificates with their issuing registries; without it, none are verified. */
  certificates?: CertificateVerifier;
  /** The joint applications (多地联办) this node's windows registered. */
  joints: JointApplications;
  /** The scans windows uploaded (电子材料); without it, a submission citing one is refused. */
  materials?: MaterialStore;
}

export interface SubmitOutcome {
  /** The case id, or for a joint application its id. */
  caseId: string;
  duplicate: boolean;
  acceptedAt: Date;
  warnings: string[];
  /** A joint application's legs with their case ids. */
  legs: JointLegPlan[];
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
  const unstored = await unstoredMaterialViolations(deps.materials, s.materials);
  if (unstored.length > 0) throw AppError.invalid(unstored);
  const requestHash = fingerprint(s);
  const caseId = deps.ctx.ids();
  const receiptKey = `${deps.node.id}:${s.receiptNo}`;
  // A cited upload is kept as the case is; one never cited expires (MaterialStore.pruneUncited).
  await deps.materials?.markCited(
    s.materials.flatMap((m) => (m.file ? [m.file.ref] : [])),
    receiptKey,
  );
  const joint = deps.joints.byReceiptKey(receiptKey);
  if (joint && s.legs.length === 0) throw receiptConflict(s.receiptNo, joint._id);
  // A retried submission returns the case registered the first time: no second lookup.
  const retried = s.certificates.length > 0 && (deps.ctx.receipts.has(receiptKey) || joint !== undefined);
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
    joint: undefined,
  };
  if (s.legs.length > 0) return submitJoint(deps, { jointId: caseId, receiptKey, submission, requestHash, s, warnings: checked.warnings });
  const result = await registerSubmission(deps.ctx, { caseId, submission, identityVerified: s.identityVerified, requestHash });
  if (result.created) return { caseId: result.doc._id, duplicate: false, acceptedAt: now, warnings: checked.warnings, legs: [] };
  if (result.existing.requestHash !== requestHash) throw receiptConflict(s.receiptNo, result.existing._id);
  return { caseId: result.existing._id, duplicate: true, acceptedAt: result.existing.createdAt, warnings: checked.warnings, legs: [] };
}

/**
 * A joint application (多地联办): registered once with a case id fixed for each leg; the legs that
 * wait for nothing start at once (see JointApplications), the others when their prerequisites are
 * approved.
 */
async function submitJoint(
  deps: SubmitDeps,
  a: { jointId: string; receiptKey: string; submission: CaseSubmitted; requestHash: string; s: CheckedSubmission; warnings: string[] },
): Promise<SubmitOutcome> {
  const legs = deps.catalog.jointLegs(a.s.itemCode) ?? [];
  const plans: JointLegPlan[] = legs.map((l) => {
    const target = a.s.legs.find((x) => x.role === l.role)!;
    return {
      role: l.role,
      caseId: deps.ctx.ids(),
      homeNode: target.homeNode,
      homeDepartment: target.homeDepartment,
      waitsFor: [...l.waitsFor],
    };
  });
  const now = deps.ctx.now();
  const r = await deps.joints.register({
    _id: a.jointId,
    receiptKey: a.receiptKey,
    receiptNo: a.s.receiptNo,
    itemCode: a.s.itemCode,
    requestHash: a.requestHash,
    identityVerified: a.s.identityVerified,
    submission: { ...a.submission, homeNode: "", homeDepartment: "" },
    legs: plans,
    createdAt: now,
  });
  if (r.created) return { caseId: a.jointId, duplicate: false, acceptedAt: now, warnings: a.warnings, legs: plans };
  if (r.existing.requestHash !== a.requestHash) throw receiptConflict(a.s.receiptNo, r.existing._id);
  return { caseId: r.existing._id, duplicate: true, acceptedAt: r.existing.createdAt, warnings: a.warnings, legs: r.existing.legs };
}
