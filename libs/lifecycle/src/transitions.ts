import type { Actor } from "./actors";
import type { CaseCommandType } from "./caseCommand";
import type { CaseEventType } from "./caseEvent";
import { type CaseStatus, caseStatuses } from "./caseStatuses";

/** Who may issue a command, from which statuses, what it records and where it leads. */
export interface TransitionRule {
  readonly actors: readonly Actor[];
  readonly from: readonly CaseStatus[];
  /** Status afterwards; `null` when the status stays (a flag or a due date changes). */
  readonly to: CaseStatus | null;
  readonly event: CaseEventType;
  /**
   * Statuses from which the command only records the applicant's feedback (评价, 投诉) or its answer:
   * the status stays, and an end state stays an end state (see isTerminal).
   */
  readonly feedback?: readonly CaseStatus[];
}

/** Every status a registered case can be in: complaints and their answers may come at any of them. */
const registered = caseStatuses.filter((s): s is Exclude<CaseStatus, "INITIAL"> => s !== "INITIAL");

/**
 * The case state machine (办件状态机). Actors: R = receiving side (收件地), H = home authority (业务属地).
 *
 * | From                              | Command (actor)       | Event                     | To                        |
 * |-----------------------------------|-----------------------|---------------------------|---------------------------|
 * | INITIAL 未收件                    | SubmitCase (R)        | case.submitted            | SUBMITTED 已收件          |
 * | SUBMITTED                         | MarkForwarded (R)     | case.forwarded            | FORWARDED 已转递          |
 * | FORWARDED                         | ReceiveCase (H)       | case.received             | RECEIVED_BY_HOME 已接收   |
 * | RECEIVED_BY_HOME                  | Accept (H)            | case.accepted             | ACCEPTED 已受理           |
 * | RECEIVED_BY_HOME,                 | Refuse (H)            | case.refused              | NOT_ACCEPTED 不予受理 (end) |
 * |   CORRECTION_REQUESTED            |                       |                           |                           |
 * | RECEIVED_BY_HOME                  | RequestCorrection (H) | case.correction_requested | CORRECTION_REQUESTED 待补正 |
 * | CORRECTION_REQUESTED              | SubmitCorrection (R)  | case.correction_submitted | RECEIVED_BY_HOME (re-check) |
 * | ACCEPTED                          | StartReview (H)       | case.review_started       | UNDER_REVIEW 审查中       |
 * | UNDER_REVIEW                      | Suspend (H)           | case.suspended            | SUSPENDED 已中止 (clock stops) |
 * | SUSPENDED                         | Resume (H)            | case.resumed              | UNDER_REVIEW (due pushed) |
 * | ACCEPTED, UNDER_REVIEW            | ExtendDeadline (H)    | case.deadline_extended    | unchanged; once, in time  |
 * | UNDER_REVIEW                      | Decide (H)            | case.decided              | DECIDED 已决定            |
 * | DECIDED                           | SendResult (H)        | case.result_sent          | RESULT_SENT 结果已发出    |
 * | RESULT_SENT                       | RecordDelivery (R/H)  | case.delivered            | DELIVERED 已送达          |
 * | DELIVERED                         | Close (H)             | case.closed               | CLOSED 已办结             |
 * | CLOSED                            | RecordRating (R)      | case.rated                | RATED 已评价 (end)        |
 * | NOT_ACCEPTED, WITHDRAWN           | RecordRating (R)      | case.rated                | unchanged (end); once     |
 * | SUBMITTED … WITHDRAWN             | RecordComplaint (R)   | case.problem_opened       | unchanged (feedback)      |
 * | SUBMITTED … WITHDRAWN             | AnswerProblem (H)     | case.problem_answered     | unchanged (feedback)      |
 * | SUBMITTED … SUSPENDED             | Withdraw (R)          | case.withdrawn            | WITHDRAWN 已撤回 (end)    |
 * | FORWARDED … DELIVERED             | SignForMaterials (H)  | case.materials_signed     | unchanged; once           |
 * | FORWARDED … DELIVERED             | RecordScansChecked (H)| case.scans_checked        | unchanged; once           |
 *
 * "A … B" spans the statuses listed in `from` below (Withdraw: before the decision; SignForMaterials
 * and RecordScansChecked: after forwarding and before closing, not in an end state).
 *
 * Rules beyond the table:
 * - Accept needs the paper signed for (SignForMaterials), or, where the item's mode allows online
 *   pre-review (DecideContext.acceptOnScans), every material's scan verified (case.scans_checked with
 *   no mismatch and no paper-only material).
 * - RecordDelivery: a result sent by mail is recorded by the receiving side (collected at the window or
 *   signed for, 窗口领取/邮件签收); an electronic result by the home authority (电子送达).
 * - Checks run in this order: actor (ForbiddenActor), command data (InvalidCommand),
 *   status (IllegalTransition), then the once-only and time-bound rules (IllegalTransition with a reason)
 *   and the delivery-channel rule (ForbiddenActor).
 * - End states: NOT_ACCEPTED, WITHDRAWN, RATED. CLOSED still takes the rating; the end states take
 *   feedback only: a rating of a refused or withdrawn case (once), complaints and their answers.
 * - A rating of DISSATISFIED or worse (差评) also opens a problem (case.problem_opened), as a
 *   12345 complaint does; the home authority answers each within PROBLEM_ANSWER_DAYS working days.
 */
/** After forwarding, before closing, not in an end state: the home may record the materials' arrival. */
const materialsLeg = [
  "FORWARDED",
  "RECEIVED_BY_HOME",
  "CORRECTION_REQUESTED",
  "ACCEPTED",
  "UNDER_REVIEW",
  "SUSPENDED",
  "DECIDED",
  "RESULT_SENT",
  "DELIVERED",
] as const;

export const transitions = {
  SubmitCase: { actors: ["receiving"], from: ["INITIAL"], to: "SUBMITTED", event: "case.submitted" },
  MarkForwarded: { actors: ["receiving"], from: ["SUBMITTED"], to: "FORWARDED", event: "case.forwarded" },
  ReceiveCase: { actors: ["home"], from: ["FORWARDED"], to: "RECEIVED_BY_HOME", event: "case.received" },
  SignForMaterials: {
    actors: ["home"],
    from: materialsLeg,
    to: null,
    event: "case.materials_signed",
  },
  RecordScansChecked: {
    actors: ["home"],
    from: materialsLeg,
    to: null,
    event: "case.scans_checked",
  },
  Accept: { actors: ["home"], from: ["RECEIVED_BY_HOME"], to: "ACCEPTED", event: "case.accepted" },
  Refuse: {
    actors: ["home"],
    from: ["RECEIVED_BY_HOME", "CORRECTION_REQUESTED"],
    to: "NOT_ACCEPTED",
    event: "case.refused",
  },
  RequestCorrection: {
    actors: ["home"],
    from: ["RECEIVED_BY_HOME"],
    to: "CORRECTION_REQUESTED",
    event: "case.correction_requested",
  },
  SubmitCorrection: {
    actors: ["receiving"],
    from: ["CORRECTION_REQUESTED"],
    to: "RECEIVED_BY_HOME",
    event: "case.correction_submitted",
  },
  StartReview: { actors: ["home"], from: ["ACCEPTED"], to: "UNDER_REVIEW", event: "case.review_started" },
  Suspend: { actors: ["home"], from: ["UNDER_REVIEW"], to: "SUSPENDED", event: "case.suspended" },
  Resume: { actors: ["home"], from: ["SUSPENDED"], to: "UNDER_REVIEW", event: "case.resumed" },
  ExtendDeadline: {
    actors: ["home"],
    from: ["ACCEPTED", "UNDER_REVIEW"],
    to: null,
    event: "case.deadline_extended",
  },
  Decide: { actors: ["home"], from: ["UNDER_REVIEW"], to: "DECIDED", event: "case.decided" },
  SendResult: { actors: ["home"], from: ["DECIDED"], to: "RESULT_SENT", event: "case.result_sent" },
  RecordDelivery: {
    actors: ["receiving", "home"],
    from: ["RESULT_SENT"],
    to: "DELIVERED",
    event: "case.delivered",
  },
  Close: { actors: ["home"], from: ["DELIVERED"], to: "CLOSED", event: "case.closed" },
  RecordRating: {
    actors: ["receiving"],
    from: ["CLOSED", "NOT_ACCEPTED", "WITHDRAWN"],
    to: "RATED",
    event: "case.rated",
    feedback: ["NOT_ACCEPTED", "WITHDRAWN"],
  },
  RecordComplaint: { actors: ["receiving"], from: registered, to: null, event: "case.problem_opened", feedback: registered },
  AnswerProblem: { actors: ["home"], from: registered, to: null, event: "case.problem_answered", feedback: registered },
  Withdraw: {
    actors: ["receiving"],
    from: ["SUBMITTED", "FORWARDED", "RECEIVED_BY_HOME", "CORRECTION_REQUESTED", "ACCEPTED", "UNDER_REVIEW", "SUSPENDED"],
    to: "WITHDRAWN",
    event: "case.withdrawn",
  },
} as const satisfies Readonly<Record<CaseCommandType, TransitionRule>>;
