import type { Actor } from "./actors";
import type { CaseStatus } from "./caseStatuses";
import type { DecisionOutcome, ResultChannel } from "./caseCommand";
import type { Problem } from "./caseState";
import type { RatingLevel } from "./ratingLevels";
import type { SuspensionKind } from "./suspensionKinds";

/**
 * A fact about a case (办件事件). Each event carries every value `evolve` needs,
 * timestamps and computed due dates included, so replaying never consults a clock or calendar.
 */
interface Event<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
}

export type CaseSubmitted = Event<
  "case.submitted",
  {
    readonly caseId: string;
    readonly receiptNo: string;
    readonly itemCode: string;
    readonly receivingNode: string;
    readonly homeNode: string;
    readonly homeDepartment: string;
    readonly submittedAt: Date;
  }
>;
export type CaseForwarded = Event<"case.forwarded", { readonly trackingNo: string; readonly forwardedAt: Date }>;
/** `correctionDueAt`: the home authority must answer (accept, refuse or request correction) by then. */
export type CaseReceived = Event<"case.received", { readonly receivedAt: Date; readonly correctionDueAt: Date }>;
export type CaseMaterialsSigned = Event<"case.materials_signed", { readonly signedAt: Date }>;
/** Every cited scan fetched and checked by the home node: how many matched, which did not, how many materials have none. */
export type CaseScansChecked = Event<
  "case.scans_checked",
  { readonly verified: number; readonly mismatchedRefs: readonly string[]; readonly paperOnly: number; readonly checkedAt: Date }
>;
/** `onElectronicCopies`: accepted before the paper was signed for, on the verified scans (网上预审受理). */
export type CaseAccepted = Event<
  "case.accepted",
  { readonly acceptedAt: Date; readonly decisionDueAt: Date; readonly onElectronicCopies?: boolean }
>;
export type CaseRefused = Event<"case.refused", { readonly reasons: readonly string[]; readonly refusedAt: Date }>;
export type CaseCorrectionRequested = Event<
  "case.correction_requested",
  { readonly round: number; readonly items: readonly string[]; readonly requestedAt: Date }
>;
/** The case is back with the home authority, which must answer again by `correctionDueAt`. */
export type CaseCorrectionSubmitted = Event<
  "case.correction_submitted",
  {
    readonly round: number;
    readonly items: readonly string[];
    readonly submittedAt: Date;
    readonly correctionDueAt: Date;
  }
>;
export type CaseReviewStarted = Event<"case.review_started", { readonly startedAt: Date }>;
export type CaseSuspended = Event<
  "case.suspended",
  { readonly kind: SuspensionKind; readonly reason: string; readonly suspendedAt: Date; readonly expectedResumeAt?: Date }
>;
/** `decisionDueAt` is recomputed without the working days of every suspension so far. */
export type CaseResumed = Event<"case.resumed", { readonly resumedAt: Date; readonly decisionDueAt: Date }>;
export type CaseDeadlineExtended = Event<
  "case.deadline_extended",
  { readonly reason: string; readonly extendedAt: Date; readonly decisionDueAt: Date }
>;
export type CaseDecided = Event<
  "case.decided",
  { readonly decision: DecisionOutcome; readonly decidedAt: Date; readonly deliveryDueAt: Date }
>;
export type CaseResultSent = Event<"case.result_sent", { readonly channel: ResultChannel; readonly sentAt: Date }>;
export type CaseDelivered = Event<"case.delivered", { readonly recordedBy: Actor; readonly deliveredAt: Date }>;
export type CaseClosed = Event<"case.closed", { readonly closedAt: Date }>;
export type CaseRated = Event<"case.rated", { readonly level: RatingLevel; readonly comment?: string; readonly ratedAt: Date }>;
/**
 * A problem (整改) the home authority must answer by `answerDueAt`: opened by a poor rating
 * (差评, DISSATISFIED or worse) or by a 12345 complaint about the case.
 */
export type CaseProblemOpened = Event<"case.problem_opened", Omit<Problem, "answer" | "answeredAt">>;
export type CaseProblemAnswered = Event<
  "case.problem_answered",
  { readonly problemId: number; readonly answer: string; readonly answeredAt: Date }
>;
export type CaseWithdrawn = Event<
  "case.withdrawn",
  { readonly reason?: string; readonly fromStatus: CaseStatus; readonly withdrawnAt: Date }
>;

export type CaseEvent =
  | CaseSubmitted
  | CaseForwarded
  | CaseReceived
  | CaseMaterialsSigned
  | CaseScansChecked
  | CaseAccepted
  | CaseRefused
  | CaseCorrectionRequested
  | CaseCorrectionSubmitted
  | CaseReviewStarted
  | CaseSuspended
  | CaseResumed
  | CaseDeadlineExtended
  | CaseDecided
  | CaseResultSent
  | CaseDelivered
  | CaseClosed
  | CaseRated
  | CaseWithdrawn
  | CaseProblemOpened
  | CaseProblemAnswered;

export type CaseEventType = CaseEvent["type"];
