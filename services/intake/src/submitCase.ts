import type { Collection } from "mongodb";
import { type NodeConfig, type Network } from "@tongban/config";
import { ApplicantKind, type CaseSubmitted, type EventEnvelope, type IdGenerator, SCHEMA_VERSION, topics } from "@tongban/contracts";
import { AppError } from "@tongban/rpc";
import { type CatalogPort, type SubmissionInput, validateSubmission } from "./domain/validateSubmission";
import { type SentCase, fingerprint, outboxEntry, registerCase } from "./sentCases";

export interface SubmitDeps {
  node: NodeConfig;
  network: Network;
  catalog: CatalogPort;
  cases: Collection<SentCase>;
  topicPrefix: string;
  ids: IdGenerator;
  now: () => Date;
  /** Called after a write that left events in the outbox. */
  onOutbox: () => void;
}

export interface SubmitOutcome {
  caseId: string;
  duplicate: boolean;
  acceptedAt: Date;
  warnings: string[];
}

/**
 * Registers a case received at this node's window and queues its forwarding to the home node.
 * Transport-neutral: gRPC today, an intake topic later.
 */
export async function submitCase(input: SubmissionInput, deps: SubmitDeps): Promise<SubmitOutcome> {
  const now = deps.now();
  const checked = validateSubmission(input, { node: deps.node, network: deps.network, catalog: deps.catalog, now });
  if (!checked.ok) throw AppError.invalid(checked.violations);
  const s = checked.value;
  const requestHash = fingerprint(s);

  const caseId = deps.ids();
  const submitted: CaseSubmitted = {
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
  };
  const env: EventEnvelope = {
    eventId: deps.ids(),
    caseId,
    type: "case.submitted",
    sourceNode: deps.node.id,
    targetNode: s.homeNode,
    occurredAt: now,
    schemaVersion: SCHEMA_VERSION,
    trace: undefined,
    caseSeq: 1,
    signature: Buffer.alloc(0),
    keyId: "",
    payload: { event: { $case: "submitted", value: submitted } },
  };
  const result = await registerCase(deps.cases, {
    _id: caseId,
    receiptNo: s.receiptNo,
    requestHash,
    itemCode: s.itemCode,
    homeNode: s.homeNode,
    homeDepartment: s.homeDepartment,
    state: "SUBMITTED",
    seq: 1,
    submitted,
    createdAt: now,
    updatedAt: now,
    rev: 1,
    outbox: [outboxEntry(topics.inbound(deps.topicPrefix, s.homeNode), env)],
    outboxPending: true,
  });
  if (result.created) {
    deps.onOutbox();
    return { caseId, duplicate: false, acceptedAt: now, warnings: checked.warnings };
  }
  if (result.existing.requestHash !== requestHash) {
    throw new AppError(
      6 /* ALREADY_EXISTS */,
      `收件编号 ${s.receiptNo} 已用于另一申请 / receipt number ${s.receiptNo} is already used by a different submission (case ${result.existing._id})`,
      [{ field: "receipt_no", description: "收件编号重复但内容不同 / duplicate receipt number with different content" }],
      "RECEIPT_NO_CONFLICT",
    );
  }
  return { caseId: result.existing._id, duplicate: true, acceptedAt: result.existing.createdAt, warnings: checked.warnings };
}
