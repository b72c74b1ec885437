import type { Actor } from "./actors";
import type { CaseStatus } from "./caseStatuses";
import type { DecisionOutcome, ResultChannel } from "./caseCommand";
import type { RatingLevel } from "./ratingLevels";
import type { SuspensionKind } from "./suspensionKinds";

/** When each stage was reached (办理环节时间). */
export interface CaseTimeline {
  readonly submittedAt: Date;
  readonly forwardedAt?: Date;
  readonly receivedAt?: Date;
  readonly acceptedAt?: Date;
  readonly refusedAt?: Date;
  readonly reviewStartedAt?: Date;
  readonly decidedAt?: Date;
  readonly resultSentAt?: Date;
  readonly deliveredAt?: Date;
  readonly closedAt?: Date;
  readonly ratedAt?: Date;
  readonly withdrawnAt?: Date;
}

/** Due dates on the working-day calendar (办理期限); kept after their stage as history. */
export interface CaseDueDates {
  /** Answer to the application (accept, refuse or request correction) (补正告知期限). */
  readonly correctionDueAt?: Date;
  /** Decision (审批期限), pushed back by suspensions and by the extension. */
  readonly decisionDueAt?: Date;
  /** Delivery of the result (送达期限). */
  readonly deliveryDueAt?: Date;
}

/** One correction request and, once handed in, its answer (补正记录). */
export interface CorrectionRound {
  readonly round: number;
  readonly items: readonly string[];
  readonly requestedAt: Date;
  readonly submittedAt?: Date;
  readonly submittedItems?: readonly string[];
}

/** One suspension of the review (中止期间); `to` is absent while it lasts. */
export interface Suspension {
  readonly kind: SuspensionKind;
  readonly reason: string;
  readonly from: Date;
  readonly to?: Date;
  /** When the authority expected to resume, as it told the applicant. */
  readonly expectedResumeAt?: Date;
}

/** Scans of a case checked against their cited SHA-256 by the home node. */
export interface ScansCheck {
  readonly checkedAt: Date;
  readonly verified: number;
  readonly mismatchedRefs: readonly string[];
  /** Materials with no scan (paper only). */
  readonly paperOnly: number;
}

export interface Extension {
  readonly reason: string;
  readonly grantedAt: Date;
}

export interface Refusal {
  readonly reasons: readonly string[];
}

export interface Delivery {
  readonly recordedBy: Actor;
}

export interface Rating {
  readonly level: RatingLevel;
  readonly comment?: string;
}

/** Where a problem came from: a poor rating (差评) or a 12345 complaint. */
export const problemSources = ["rating", "complaint_12345"] as const;
export type ProblemSource = (typeof problemSources)[number];

/** A problem (整改) about the case the home authority must answer (问题发现和跟踪). */
export interface Problem {
  readonly problemId: number;
  readonly source: ProblemSource;
  /** The 12345 ticket number, or the rating level. */
  readonly reference: string;
  readonly description: string;
  readonly openedAt: Date;
  readonly answerDueAt: Date;
  readonly answer?: string;
  readonly answeredAt?: Date;
}

export interface Withdrawal {
  readonly reason?: string;
  /** The status the case was in when the applicant withdrew. */
  readonly fromStatus: CaseStatus;
}

/** Everything known about a registered case (办件档案). */
export interface CaseFile {
  readonly caseId: string;
  readonly receiptNo: string;
  readonly itemCode: string;
  readonly receivingNode: string;
  readonly homeNode: string;
  readonly homeDepartment: string;
  readonly timeline: CaseTimeline;
  readonly due: CaseDueDates;
  /** Tracking number of the mailed paper materials (材料寄递运单号). */
  readonly mailTrackingNo?: string;
  /** Paper materials signed for by the home authority (材料已签收): a flag, not a status. */
  readonly materialsSignedAt?: Date;
  /** The home node's check of the cited scans (电子材料核验), once every one is settled. */
  readonly scans?: ScansCheck;
  readonly corrections: readonly CorrectionRound[];
  readonly suspensions: readonly Suspension[];
  readonly extension?: Extension;
  readonly refusal?: Refusal;
  readonly decision?: DecisionOutcome;
  readonly result?: ResultChannel;
  readonly delivery?: Delivery;
  readonly rating?: Rating;
  readonly withdrawal?: Withdrawal;
  /** Problems opened about the case, oldest first (absent: none). */
  readonly problems?: readonly Problem[];
}

/**
 * A registered case in status `S`, with the listed file fields (`F`), timestamps (`T`)
 * and due dates (`D`) guaranteed present.
 */
type CaseIn<
  S extends CaseStatus,
  F extends keyof CaseFile = never,
  T extends keyof CaseTimeline = never,
  D extends keyof CaseDueDates = never,
> = CaseFile &
  Required<Pick<CaseFile, F>> & {
    readonly status: S;
    readonly timeline: Required<Pick<CaseTimeline, T>>;
    readonly due: Required<Pick<CaseDueDates, D>>;
  };

type AtHome = "forwardedAt" | "receivedAt";
type Accepted = AtHome | "acceptedAt";
type Reviewed = Accepted | "reviewStartedAt";
type Decided = Reviewed | "decidedAt";

export interface InitialState {
  readonly status: "INITIAL";
}
export type SubmittedState = CaseIn<"SUBMITTED">;
export type ForwardedState = CaseIn<"FORWARDED", "mailTrackingNo", "forwardedAt">;
export type ReceivedByHomeState = CaseIn<"RECEIVED_BY_HOME", "mailTrackingNo", AtHome, "correctionDueAt">;
export type CorrectionRequestedState = CaseIn<"CORRECTION_REQUESTED", "mailTrackingNo", AtHome>;
export type AcceptedState = CaseIn<"ACCEPTED", "mailTrackingNo", Accepted, "decisionDueAt">;
export type NotAcceptedState = CaseIn<"NOT_ACCEPTED", "mailTrackingNo" | "refusal", AtHome | "refusedAt">;
export type UnderReviewState = CaseIn<"UNDER_REVIEW", "mailTrackingNo", Reviewed, "decisionDueAt">;
export type SuspendedState = CaseIn<"SUSPENDED", "mailTrackingNo", Reviewed, "decisionDueAt">;
export type DecidedState = CaseIn<"DECIDED", "mailTrackingNo" | "decision", Decided, "decisionDueAt" | "deliveryDueAt">;
export type ResultSentState = CaseIn<
  "RESULT_SENT",
  "mailTrackingNo" | "decision" | "result",
  Decided | "resultSentAt",
  "decisionDueAt" | "deliveryDueAt"
>;
export type DeliveredState = CaseIn<
  "DELIVERED",
  "mailTrackingNo" | "decision" | "result" | "delivery",
  Decided | "resultSentAt" | "deliveredAt",
  "decisionDueAt" | "deliveryDueAt"
>;
export type ClosedState = CaseIn<
  "CLOSED",
  "mailTrackingNo" | "decision" | "result" | "delivery",
  Decided | "resultSentAt" | "deliveredAt" | "closedAt",
  "decisionDueAt" | "deliveryDueAt"
>;
export type RatedState = CaseIn<
  "RATED",
  "mailTrackingNo" | "decision" | "result" | "delivery" | "rating",
  Decided | "resultSentAt" | "deliveredAt" | "closedAt" | "ratedAt",
  "decisionDueAt" | "deliveryDueAt"
>;
export type WithdrawnState = CaseIn<"WITHDRAWN", "withdrawal", "withdrawnAt">;

/** The state of one case (办件状态), discriminated by `status`. */
export type CaseState =
  | InitialState
  | SubmittedState
  | ForwardedState
  | ReceivedByHomeState
  | CorrectionRequestedState
  | AcceptedState
  | NotAcceptedState
  | UnderReviewState
  | SuspendedState
  | DecidedState
  | ResultSentState
  | DeliveredState
  | ClosedState
  | RatedState
  | WithdrawnState;

/** The state in one of the statuses `S`. */
export type CaseStateIn<S extends CaseStatus> = Extract<CaseState, { readonly status: S }>;

/** Fails to compile when a status has no state type. */
type StatusWithoutState = Exclude<CaseStatus, CaseState["status"]>;
const everyStatusHasAState: [StatusWithoutState] extends [never] ? true : StatusWithoutState = true;
void everyStatusHasAState;
