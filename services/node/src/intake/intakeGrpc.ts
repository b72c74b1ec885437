import type { Logger } from "pino";
import {
  MAX_CLERK_LENGTH,
  MAX_COMMENT_LENGTH,
  MAX_ID_LENGTH,
  MAX_LIST_ENTRIES,
  MAX_REASON_LENGTH,
  capViolations,
  checkCount,
  checkText,
} from "@tongban/bounds";
import type {
  CommandAck,
  GetCaseRequest,
  GetCaseResponse,
  GetJointCaseRequest,
  GetJointCaseResponse,
  IntakeServiceServer,
  RecordDeliveryRequest,
  RecordDeliveryResponse,
  RecordComplaintRequest,
  RecordComplaintResponse,
  RecordRatingRequest,
  RecordRatingResponse,
  SubmitCaseRequest,
  SubmitCaseResponse,
  SubmitCorrectionRequest,
  SubmitCorrectionResponse,
  WithdrawCaseRequest,
  WithdrawCaseResponse,
  WithdrawJointCaseRequest,
  WithdrawJointCaseResponse,
} from "@tongban/contracts";
import {
  type CaseDoc,
  CaseError,
  type ReceivingCommand,
  caseNotFound,
  caseView,
  isReceivingSide,
  jointNotFound,
  loadCase,
  requestCommand,
} from "@tongban/exchange";
import { type RatingLevel, ratingLevels } from "@tongban/lifecycle";
import { AppError, type FieldViolation } from "@tongban/rpc";
import { unary } from "../grpcErrors";
import type { SubmissionInput } from "./domain/validateSubmission";
import type { Collection } from "mongodb";
import type { CaseChanges } from "../caseChanges";
import { sentCasesGrpc } from "./sentCases";
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
    materials: req.materials.map((m) => ({
      name: m.name,
      copies: m.copies,
      ...(m.file ? { file: { ref: m.file.ref, sha256: m.file.sha256, size: m.file.size, mediaType: m.file.mediaType } } : {}),
    })),
    certificates: req.certificates.map((c) => ({ certificateId: c.certificateId, number: c.number })),
    mailTrackingNo: req.mailTrackingNo,
    windowClerk: req.windowClerk,
    identityVerified: req.identityVerified,
    legs: req.legs.map((l) => ({ role: l.role, homeNode: l.homeNode, homeDepartment: l.homeDepartment })),
  };
}

/**
 * SubmitCase as every channel answers it (the gRPC API and the Kafka intake channel): the formal
 * check, certificate verification and registration of submitCase; its errors are thrown as they
 * are, for the channel to map (toAppError).
 */
export async function answerSubmitCase(req: SubmitCaseRequest, deps: SubmitDeps, log: Logger): Promise<SubmitCaseResponse> {
  const out = await submitCase(toSubmissionInput(req), deps);
  log.info({ caseId: out.caseId, duplicate: out.duplicate, homeNode: req.homeNode, itemCode: req.itemCode }, "case submitted");
  return {
    caseId: out.caseId,
    duplicate: out.duplicate,
    acceptedAt: out.acceptedAt,
    warnings: out.warnings,
    legs: out.legs.map((l) => ({ ...l, waitsFor: [...l.waitsFor] })),
  };
}

/** A case id within its bounds, or INVALID_ARGUMENT. */
function requireCaseId(caseId: string, out: FieldViolation[] = []): void {
  if (checkText(out, "case_id", caseId, MAX_ID_LENGTH) && !caseId) {
    out.push({ field: "case_id", description: "案件编号不能为空 / case id is required" });
  }
  if (out.length > 0) throw AppError.invalid(capViolations(out));
}

/** A joint application id within its bounds, or INVALID_ARGUMENT. */
function requireJointId(jointId: string, out: FieldViolation[] = []): void {
  if (checkText(out, "joint_id", jointId, MAX_ID_LENGTH) && !jointId) {
    out.push({ field: "joint_id", description: "联办申请编号不能为空 / joint application id is required" });
  }
  if (out.length > 0) throw AppError.invalid(capViolations(out));
}

/** Fields every receiving-side command needs, each within its bounds, plus the command's own violations. */
function requireIds(req: { caseId: string; requestId: string; windowClerk: string }, extra: FieldViolation[] = []): void {
  const v = [...extra];
  if (checkText(v, "request_id", req.requestId, MAX_ID_LENGTH) && !req.requestId) {
    v.push({ field: "request_id", description: "请求编号不能为空 / request id is required" });
  }
  if (checkText(v, "window_clerk", req.windowClerk, MAX_CLERK_LENGTH) && !req.windowClerk) {
    v.push({ field: "window_clerk", description: "收件人员不能为空 / window clerk is required" });
  }
  requireCaseId(req.caseId, v);
}

/** Corrected items: counted first, then each entry within its bounds. */
function itemViolations(items: readonly string[]): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (items.length === 0) v.push({ field: "items", description: "补正内容不能为空 / at least one corrected item is required" });
  else if (checkCount(v, "items", items.length, MAX_LIST_ENTRIES, { zh: "补正内容", en: "corrected items" })) {
    items.forEach((item, i) => {
      if (checkText(v, `items[${i}]`, item, MAX_REASON_LENGTH, { multiline: true }) && !item.trim()) {
        v.push({ field: `items[${i}]`, description: "补正内容不能为空 / corrected item must not be blank" });
      }
    });
  }
  return v;
}

/** What the intake API needs beyond submission: the read model and the feed of case changes. */
export interface IntakeDeps extends SubmitDeps {
  cases: Collection<CaseDoc>;
  changes: CaseChanges;
}

/** gRPC adapter of the intake API for window systems. */
export function intakeGrpc(deps: IntakeDeps, log: Logger): IntakeServiceServer {
  const { ctx } = deps;
  const view = (doc: CaseDoc) => caseView(doc, ctx.now(), !ctx.caseLog.outbox.has(doc._id));
  /** NOT_FOUND; for a joint application's id, saying which method reads it. */
  const notACase = (caseId: string) => {
    const joint = deps.joints.get(caseId);
    if (!joint) return caseNotFound(caseId);
    const legs = joint.legs.map((l) => `${l.role} ${l.caseId}`).join(", ");
    return new CaseError(
      "NOT_FOUND",
      `${caseId} 是联办申请编号，请用 GetJointCase 或 WithdrawJointCase；各环节案件：${legs} / ${caseId} is a joint application: use GetJointCase or WithdrawJointCase; its legs' cases: ${legs}`,
      "JOINT_APPLICATION",
    );
  };
  const command = async (req: { caseId: string; requestId: string; windowClerk: string }, cmd: ReceivingCommand): Promise<CommandAck> => {
    if (deps.joints.get(req.caseId)) throw notACase(req.caseId);
    const out = await requestCommand(ctx, req.caseId, req.requestId, req.windowClerk, cmd);
    log.info({ caseId: req.caseId, command: cmd.type, duplicate: out.duplicate }, "command requested");
    return { caseId: req.caseId, requestId: req.requestId, duplicate: out.duplicate, case: view(out.doc) };
  };

  return {
    submitCase: unary<SubmitCaseRequest, SubmitCaseResponse>("SubmitCase", log, (req) => answerSubmitCase(req, deps, log)),
    submitCorrection: unary<SubmitCorrectionRequest, SubmitCorrectionResponse>("SubmitCorrection", log, async (req) => {
      requireIds(req, itemViolations(req.items));
      return { ack: await command(req, { type: "SubmitCorrection", actor: "receiving", data: { items: req.items } }) };
    }),
    withdrawCase: unary<WithdrawCaseRequest, WithdrawCaseResponse>("WithdrawCase", log, async (req) => {
      const v: FieldViolation[] = [];
      checkText(v, "reason", req.reason, MAX_REASON_LENGTH, { multiline: true });
      requireIds(req, v);
      const jointId = deps.joints.ofLeg(req.caseId);
      if (jointId) {
        throw new CaseError(
          "FAILED_PRECONDITION",
          `该案件是联办申请 ${jointId} 的一个环节，请撤回整个联办申请 / the case is a leg of joint application ${jointId}: withdraw the application (WithdrawJointCase)`,
          "JOINT_LEG",
        );
      }
      return { ack: await command(req, { type: "Withdraw", actor: "receiving", data: req.reason ? { reason: req.reason } : {} }) };
    }),
    recordDelivery: unary<RecordDeliveryRequest, RecordDeliveryResponse>("RecordDelivery", log, async (req) => {
      requireIds(req);
      return { ack: await command(req, { type: "RecordDelivery", actor: "receiving", data: {} }) };
    }),
    recordRating: unary<RecordRatingRequest, RecordRatingResponse>("RecordRating", log, async (req) => {
      const v: FieldViolation[] = [];
      if (!(ratingLevels as readonly string[]).includes(req.level)) {
        v.push({
          field: "level",
          description: `评价等级须为 ${ratingLevels.join(", ")} / level must be one of ${ratingLevels.join(", ")}`,
        });
      }
      checkText(v, "comment", req.comment, MAX_COMMENT_LENGTH, { multiline: true });
      requireIds(req, v);
      const data = { level: req.level as RatingLevel, ...(req.comment ? { comment: req.comment } : {}) };
      return { ack: await command(req, { type: "RecordRating", actor: "receiving", data }) };
    }),
    recordComplaint: unary<RecordComplaintRequest, RecordComplaintResponse>("RecordComplaint", log, async (req) => {
      const v: FieldViolation[] = [];
      if (checkText(v, "ticket_no", req.ticketNo, MAX_ID_LENGTH) && !req.ticketNo.trim()) {
        v.push({ field: "ticket_no", description: "12345 工单号不能为空 / the 12345 ticket number is required" });
      }
      if (checkText(v, "description", req.description, MAX_REASON_LENGTH, { multiline: true }) && !req.description.trim()) {
        v.push({ field: "description", description: "投诉内容不能为空 / the complaint is required" });
      }
      requireIds(req, v);
      const data = { ticketNo: req.ticketNo.trim(), description: req.description };
      return { ack: await command(req, { type: "RecordComplaint", actor: "receiving", data }) };
    }),
    getCase: unary<GetCaseRequest, GetCaseResponse>("GetCase", log, async (req) => {
      requireCaseId(req.caseId);
      const doc = await loadCase(ctx, req.caseId);
      if (!doc || !isReceivingSide(doc)) throw notACase(req.caseId);
      return { case: view(doc) };
    }),
    getJointCase: unary<GetJointCaseRequest, GetJointCaseResponse>("GetJointCase", log, async (req) => {
      requireJointId(req.jointId);
      const doc = deps.joints.get(req.jointId);
      if (!doc) throw jointNotFound(req.jointId);
      return { joint: await deps.joints.view(doc) };
    }),
    withdrawJointCase: unary<WithdrawJointCaseRequest, WithdrawJointCaseResponse>("WithdrawJointCase", log, async (req) => {
      const v: FieldViolation[] = [];
      checkText(v, "reason", req.reason, MAX_REASON_LENGTH, { multiline: true });
      requireJointId(req.jointId, v);
      requireIds({ caseId: "-", requestId: req.requestId, windowClerk: req.windowClerk });
      const out = await deps.joints.withdraw(req.jointId, { requestId: req.requestId, reason: req.reason, clerk: req.windowClerk });
      log.info({ jointId: req.jointId, duplicate: out.duplicate }, "joint application withdrawn");
      return { joint: out.view, duplicate: out.duplicate };
    }),
    ...sentCasesGrpc(ctx, deps.cases, deps.changes, view, log),
  };
}
