import type { Collection } from "mongodb";
import type { Logger } from "pino";
import {
  type GetCaseRequest,
  type GetCaseResponse,
  type IntakeServiceServer,
  type SubmitCaseRequest,
  type SubmitCaseResponse,
} from "@tongban/contracts";
import { AppError, unary } from "@tongban/rpc";
import type { SubmissionInput } from "./domain/validateSubmission";
import type { SentCase } from "./sentCases";
import { type SubmitDeps, submitCase } from "./submitCase";

const applicantKindName = (k: string | undefined) =>
  k === "APPLICANT_KIND_PERSON" ? "PERSON" : k === "APPLICANT_KIND_ORGANIZATION" ? "ORGANIZATION" : "";

export function toSubmissionInput(req: SubmitCaseRequest): SubmissionInput {
  return {
    receiptNo: req.receiptNo,
    itemCode: req.itemCode,
    receivingDivision: req.receivingDivision,
    homeNode: req.homeNode,
    homeDepartment: req.homeDepartment,
    applicant: req.applicant
      ? {
          kind: applicantKindName(req.applicant.kind),
          name: req.applicant.name,
          idNumber: req.applicant.idNumber,
          phone: req.applicant.phone,
          address: req.applicant.address,
        }
      : undefined,
    materials: req.materials.map((m) => ({ name: m.name, copies: m.copies })),
    certificates: req.certificates.map((c) => ({ certificateId: c.certificateId, number: c.number })),
    mailTrackingNo: req.mailTrackingNo,
    windowClerk: req.windowClerk,
  };
}

/** gRPC adapter of the intake API for window systems. */
export function intakeGrpc(deps: SubmitDeps & { cases: Collection<SentCase> }, log: Logger): IntakeServiceServer {
  return {
    submitCase: unary<SubmitCaseRequest, SubmitCaseResponse>("SubmitCase", log, async (req) => {
      const out = await submitCase(toSubmissionInput(req), deps);
      log.info({ caseId: out.caseId, duplicate: out.duplicate, homeNode: req.homeNode, itemCode: req.itemCode }, "case submitted");
      return { caseId: out.caseId, duplicate: out.duplicate, acceptedAt: out.acceptedAt, warnings: out.warnings };
    }),
    getCase: unary<GetCaseRequest, GetCaseResponse>("GetCase", log, async (req) => {
      if (!req.caseId) throw AppError.invalid([{ field: "case_id", description: "案件编号不能为空 / case id is required" }]);
      const c = await deps.cases.findOne({ _id: req.caseId });
      if (!c) throw AppError.notFound(`本节点未发送案件 ${req.caseId} / case ${req.caseId} was not sent by this node`);
      return {
        caseId: c._id,
        receiptNo: c.receiptNo,
        itemCode: c.itemCode,
        homeNode: c.homeNode,
        homeDepartment: c.homeDepartment,
        state: c.state,
        updatedAt: c.updatedAt,
        forwarded: !c.outboxPending,
      };
    }),
  };
}
