import type { Actor } from "./actors";
import type { RatingLevel } from "./ratingLevels";
import type { SuspensionKind } from "./suspensionKinds";

/** A command (指令) issued by one side of the exchange; `actor` is checked against `transitions`. */
interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly actor: Actor;
  readonly data: Data;
}

/** Commands that carry no data use an empty object. */
export type NoData = Readonly<Record<string, never>>;

/** How the result reaches the applicant (送达方式): by mail with a tracking number (邮寄) or electronically (电子送达). */
export type ResultChannel = { readonly kind: "mail"; readonly trackingNo: string } | { readonly kind: "electronic" };

/** The decision (审批决定); a denial must state its reasons (不予许可应当说明理由). */
export type DecisionOutcome =
  | { readonly outcome: "approved"; readonly documentRef: string }
  | { readonly outcome: "denied"; readonly documentRef: string; readonly reasons: readonly string[] };

/** Window registers a formally checked case whose applicant's identity was verified (收件: 形式审查 + 身份核验). */
export type SubmitCaseCommand = Command<
  "SubmitCase",
  {
    readonly caseId: string;
    /** Window receipt number (收件编号). */
    readonly receiptNo: string;
    /** Catalog item code (事项编码). */
    readonly itemCode: string;
    readonly receivingNode: string;
    readonly homeNode: string;
    /** Home department code (业务属地主管部门). */
    readonly homeDepartment: string;
    /** Must be true: a case is registered only after identity verification (身份核验). */
    readonly identityVerified: boolean;
    /** A leg of a joint application (多地联办): its home may be the receiving city itself. */
    readonly jointLeg?: boolean;
  }
>;
/** Window forwarded the case and mailed the paper materials (转递, 材料寄递). */
export type MarkForwardedCommand = Command<"MarkForwarded", { readonly trackingNo: string }>;
/** Home authority took the forwarded case into its queue (接收). */
export type ReceiveCaseCommand = Command<"ReceiveCase", NoData>;
/** Home authority signed for the mailed paper materials (材料签收); once only. */
export type SignForMaterialsCommand = Command<"SignForMaterials", NoData>;
/**
 * The home node fetched every scan the case cites and checked each against its SHA-256 (电子材料核验);
 * once only, issued by the node itself, not by a clerk.
 */
export type RecordScansCheckedCommand = Command<
  "RecordScansChecked",
  { readonly verified: number; readonly mismatchedRefs: readonly string[]; readonly paperOnly: number }
>;
/**
 * Home authority accepted the application (受理): on the signed-for paper, or, where the item's mode
 * allows online pre-review (网上预审), on the verified electronic copies of every material.
 */
export type AcceptCommand = Command<"Accept", NoData>;
/** Home authority refused to accept (不予受理), with reasons. */
export type RefuseCommand = Command<"Refuse", { readonly reasons: readonly string[] }>;
/** Home authority listed, all at once, what must be corrected (一次性告知补正). */
export type RequestCorrectionCommand = Command<"RequestCorrection", { readonly items: readonly string[] }>;
/** Window handed in the corrected materials (提交补正材料). */
export type SubmitCorrectionCommand = Command<"SubmitCorrection", { readonly items: readonly string[] }>;
/** Home authority started the substantive review (开始审查). */
export type StartReviewCommand = Command<"StartReview", NoData>;
/** Home authority suspended the review; the decision clock stops (中止审查). */
export type SuspendCommand = Command<
  "Suspend",
  {
    readonly kind: SuspensionKind;
    readonly reason: string;
    /** When the authority expects to resume (e.g. the hearing's date), for the applicant; after now. */
    readonly expectedResumeAt?: Date;
  }
>;
/** Home authority resumed the review; the decision clock runs again (恢复审查). */
export type ResumeCommand = Command<"Resume", NoData>;
/** Head of the home authority extended the decision time limit (延长审批期限); once only. */
export type ExtendDeadlineCommand = Command<"ExtendDeadline", { readonly reason: string }>;
/** Home authority decided (作出审批决定) with a decision document reference (决定文书文号). */
export type DecideCommand = Command<"Decide", DecisionOutcome>;
/** Home authority sent the result (发送审批结果). */
export type SendResultCommand = Command<"SendResult", { readonly channel: ResultChannel }>;
/**
 * The result reached the applicant (登记送达). Mail delivery (collected at the window or signed for)
 * is recorded by the receiving side; electronic delivery by the home authority.
 */
export type RecordDeliveryCommand = Command<"RecordDelivery", NoData>;
/** Home authority closed the case (办结). */
export type CloseCommand = Command<"Close", NoData>;
/** Window recorded the applicant's rating (登记好差评). */
export type RecordRatingCommand = Command<"RecordRating", { readonly level: RatingLevel; readonly comment?: string }>;
/** A 12345 hotline complaint (12345热线投诉) about the case, entered at the receiving city, opens a problem (整改) the home authority must answer. */
export type RecordComplaintCommand = Command<"RecordComplaint", { readonly ticketNo: string; readonly description: string }>;
/** The home authority's answer to an open problem (整改答复). */
export type AnswerProblemCommand = Command<"AnswerProblem", { readonly problemId: number; readonly answer: string }>;
/** Window recorded that the applicant withdrew the application before the decision (撤回申请). */
export type WithdrawCommand = Command<"Withdraw", { readonly reason?: string }>;

export type CaseCommand =
  | SubmitCaseCommand
  | MarkForwardedCommand
  | ReceiveCaseCommand
  | SignForMaterialsCommand
  | RecordScansCheckedCommand
  | AcceptCommand
  | RefuseCommand
  | RequestCorrectionCommand
  | SubmitCorrectionCommand
  | StartReviewCommand
  | SuspendCommand
  | ResumeCommand
  | ExtendDeadlineCommand
  | DecideCommand
  | SendResultCommand
  | RecordDeliveryCommand
  | CloseCommand
  | RecordRatingCommand
  | RecordComplaintCommand
  | AnswerProblemCommand
  | WithdrawCommand;

export type CaseCommandType = CaseCommand["type"];
