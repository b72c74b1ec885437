import { assertNever } from "./assertNever";
import type { CaseCommand, CaseCommandType, DecisionOutcome, ResultChannel } from "./caseCommand";
import type { CaseEvent } from "./caseEvent";
import type { CaseState, CaseStateIn, CorrectionRound, Problem, ProblemSource, ScansCheck } from "./caseState";
import type { RatingLevel } from "./ratingLevels";
import type { CaseStatus } from "./caseStatuses";
import { closeOpenSuspension } from "./closeOpenSuspension";
import { computeDecisionDueAt } from "./computeDecisionDueAt";
import type { DecideContext } from "./decideContext";
import { ForbiddenActor } from "./forbiddenActor";
import { IllegalTransition } from "./illegalTransition";
import { InvalidCommand } from "./invalidCommand";
import { isInStatus } from "./isInStatus";
import { transitions } from "./transitions";
import { validateCommand } from "./validateCommand";

/**
 * Acceptance before the paper is signed for (网上预审受理): only for an item whose mode allows it,
 * and only when every material has a scan and every scan matched its digest.
 */
function acceptableOnScans(status: CaseStatus, scans: ScansCheck | undefined, allowed: boolean): void {
  const why = !allowed
    ? {
        zh: "该事项的实现形式不含网上预审，须签收纸质材料后受理",
        en: "this item's mode has no online pre-review: sign for the paper first",
      }
    : scans === undefined
      ? {
          zh: "电子材料尚未全部取回核验（没有电子材料的案件须签收纸质材料）",
          en: "the scans are not all fetched and checked yet (a case without scans needs the paper)",
        }
      : scans.mismatchedRefs.length > 0
        ? {
            zh: `电子材料 ${scans.mismatchedRefs.join("、")} 核验不符`,
            en: `scans ${scans.mismatchedRefs.join(", ")} did not match their digest`,
          }
        : scans.paperOnly > 0
          ? { zh: `${scans.paperOnly} 份材料没有电子件`, en: `${scans.paperOnly} material(s) have no scan` }
          : undefined;
  if (why) {
    const text = { zh: `纸质材料尚未签收，${why.zh}`, en: `the paper materials are not signed for and ${why.en}` };
    throw new IllegalTransition(status, "Accept", text, "MATERIALS_REQUIRED");
  }
}

/** The state, if its status is one the command may be issued from; otherwise IllegalTransition. */
function expectStatus<S extends CaseStatus>(state: CaseState, command: CaseCommandType, from: readonly S[]): CaseStateIn<S> {
  if (!isInStatus(state, from)) throw new IllegalTransition(state.status, command);
  return state;
}

/**
 * Decides what a command means for a case (决策): the events to append, or a DomainError
 * (ForbiddenActor, InvalidCommand, IllegalTransition). Pure: time comes from `ctx.now`,
 * working days from `ctx.calendar`.
 */
export function decide(command: CaseCommand, state: CaseState, ctx: DecideContext): CaseEvent[] {
  const allowed: readonly string[] = transitions[command.type].actors;
  if (!allowed.includes(command.actor)) {
    throw new ForbiddenActor(command.actor, command.type, transitions[command.type].actors);
  }
  const violations = validateCommand(command);
  if (violations.length > 0) throw new InvalidCommand(command.type, violations);

  const { now, calendar, timeLimits } = ctx;
  switch (command.type) {
    case "SubmitCase": {
      expectStatus(state, command.type, transitions.SubmitCase.from);
      const { caseId, receiptNo, itemCode, receivingNode, homeNode, homeDepartment } = command.data;
      return [
        {
          type: "case.submitted",
          data: { caseId, receiptNo, itemCode, receivingNode, homeNode, homeDepartment, submittedAt: now },
        },
      ];
    }
    case "MarkForwarded":
      expectStatus(state, command.type, transitions.MarkForwarded.from);
      return [{ type: "case.forwarded", data: { trackingNo: command.data.trackingNo, forwardedAt: now } }];
    case "ReceiveCase":
      expectStatus(state, command.type, transitions.ReceiveCase.from);
      return [
        {
          type: "case.received",
          data: { receivedAt: now, correctionDueAt: calendar.addWorkingDays(now, timeLimits.correctionRequestDays) },
        },
      ];
    case "SignForMaterials": {
      const current = expectStatus(state, command.type, transitions.SignForMaterials.from);
      if (current.materialsSignedAt !== undefined) {
        throw new IllegalTransition(current.status, command.type, {
          zh: "材料已签收，不能重复签收",
          en: "the materials were already signed for",
        });
      }
      return [{ type: "case.materials_signed", data: { signedAt: now } }];
    }
    case "RecordScansChecked": {
      const current = expectStatus(state, command.type, transitions.RecordScansChecked.from);
      if (current.scans !== undefined) {
        throw new IllegalTransition(current.status, command.type, {
          zh: "电子材料已核验，不能重复登记",
          en: "the scans were already checked",
        });
      }
      return [{ type: "case.scans_checked", data: { ...command.data, checkedAt: now } }];
    }
    case "Accept": {
      const current = expectStatus(state, command.type, transitions.Accept.from);
      const onElectronicCopies = current.materialsSignedAt === undefined;
      if (onElectronicCopies) acceptableOnScans(current.status, current.scans, ctx.acceptOnScans === true);
      return [
        {
          type: "case.accepted",
          data: {
            acceptedAt: now,
            decisionDueAt: calendar.addWorkingDays(now, timeLimits.decisionDays),
            ...(onElectronicCopies ? { onElectronicCopies } : {}),
          },
        },
      ];
    }
    case "Refuse":
      expectStatus(state, command.type, transitions.Refuse.from);
      return [{ type: "case.refused", data: { reasons: command.data.reasons, refusedAt: now } }];
    case "RequestCorrection": {
      const current = expectStatus(state, command.type, transitions.RequestCorrection.from);
      correctionRoundAllowed(current.corrections);
      return [
        {
          type: "case.correction_requested",
          data: { round: current.corrections.length + 1, items: command.data.items, requestedAt: now },
        },
      ];
    }
    case "SubmitCorrection": {
      const current = expectStatus(state, command.type, transitions.SubmitCorrection.from);
      return [
        {
          type: "case.correction_submitted",
          data: {
            round: current.corrections.length,
            items: command.data.items,
            submittedAt: now,
            correctionDueAt: calendar.addWorkingDays(now, timeLimits.correctionRequestDays),
          },
        },
      ];
    }
    case "StartReview":
      expectStatus(state, command.type, transitions.StartReview.from);
      return [{ type: "case.review_started", data: { startedAt: now } }];
    case "Suspend":
      expectStatus(state, command.type, transitions.Suspend.from);
      {
        const expected = command.data.expectedResumeAt;
        if (expected && expected.getTime() <= now.getTime()) {
          throw new InvalidCommand("Suspend", [
            { field: "expectedResumeAt", description: "预计恢复时间须晚于现在 / the expected resumption must be in the future" },
          ]);
        }
        return [
          {
            type: "case.suspended",
            data: {
              kind: command.data.kind,
              reason: command.data.reason,
              suspendedAt: now,
              ...(expected ? { expectedResumeAt: expected } : {}),
            },
          },
        ];
      }
    case "Resume": {
      const current = expectStatus(state, command.type, transitions.Resume.from);
      const suspensions = closeOpenSuspension(current.suspensions, now);
      const extended = current.extension !== undefined;
      return [
        {
          type: "case.resumed",
          data: {
            resumedAt: now,
            decisionDueAt: computeDecisionDueAt(current.timeline.acceptedAt, suspensions, extended, ctx),
          },
        },
      ];
    }
    case "ExtendDeadline": {
      const current = expectStatus(state, command.type, transitions.ExtendDeadline.from);
      if (current.extension !== undefined) {
        throw new IllegalTransition(current.status, command.type, {
          zh: "审批期限只能延长一次",
          en: "the deadline may be extended only once",
        });
      }
      if (now.getTime() > current.due.decisionDueAt.getTime()) {
        throw new IllegalTransition(current.status, command.type, {
          zh: "审批期限已届满，不能再延长",
          en: "the decision time limit has already expired",
        });
      }
      return [
        {
          type: "case.deadline_extended",
          data: {
            reason: command.data.reason,
            extendedAt: now,
            decisionDueAt: computeDecisionDueAt(current.timeline.acceptedAt, current.suspensions, true, ctx),
          },
        },
      ];
    }
    case "Decide": {
      expectStatus(state, command.type, transitions.Decide.from);
      const d = command.data;
      const decision: DecisionOutcome =
        d.outcome === "approved"
          ? { outcome: "approved", documentRef: d.documentRef }
          : { outcome: "denied", documentRef: d.documentRef, reasons: d.reasons };
      return [
        {
          type: "case.decided",
          data: {
            decision,
            decidedAt: now,
            deliveryDueAt: calendar.addWorkingDays(now, timeLimits.deliveryDays),
          },
        },
      ];
    }
    case "SendResult": {
      expectStatus(state, command.type, transitions.SendResult.from);
      const c = command.data.channel;
      const channel: ResultChannel = c.kind === "mail" ? { kind: "mail", trackingNo: c.trackingNo } : { kind: "electronic" };
      return [{ type: "case.result_sent", data: { channel, sentAt: now } }];
    }
    case "RecordDelivery": {
      const current = expectStatus(state, command.type, transitions.RecordDelivery.from);
      const recorder = current.result.kind === "mail" ? "receiving" : "home";
      if (command.actor !== recorder) {
        throw new ForbiddenActor(
          command.actor,
          command.type,
          [recorder],
          current.result.kind === "mail"
            ? { zh: "邮寄送达由收件地登记", en: "mail delivery is recorded by the receiving side" }
            : { zh: "电子送达由业务属地登记", en: "electronic delivery is recorded by the home authority" },
        );
      }
      return [{ type: "case.delivered", data: { recordedBy: command.actor, deliveredAt: now } }];
    }
    case "Close":
      expectStatus(state, command.type, transitions.Close.from);
      return [{ type: "case.closed", data: { closedAt: now } }];
    case "RecordRating": {
      const current = expectStatus(state, command.type, transitions.RecordRating.from);
      if (current.rating) {
        throw new IllegalTransition(current.status, command.type, { zh: "该办件已评价", en: "the case was rated already" });
      }
      const rated: CaseEvent = {
        type: "case.rated",
        data: {
          level: command.data.level,
          ...(command.data.comment === undefined ? {} : { comment: command.data.comment }),
          ratedAt: now,
        },
      };
      if (!poorRatings.includes(command.data.level)) return [rated];
      // 差评: the home authority must look into it and answer (差评整改).
      return [rated, problemOpened(current.problems, "rating", command.data.level, command.data.comment ?? "", ctx)];
    }
    case "RecordComplaint": {
      const current = expectStatus(state, command.type, transitions.RecordComplaint.from);
      return [problemOpened(current.problems, "complaint_12345", command.data.ticketNo, command.data.description, ctx)];
    }
    case "AnswerProblem": {
      const current = expectStatus(state, command.type, transitions.AnswerProblem.from);
      const problem = current.problems?.find((p) => p.problemId === command.data.problemId);
      if (!problem) {
        throw new InvalidCommand(command.type, [
          { field: "problemId", description: `没有编号为 ${command.data.problemId} 的整改事项 / no problem ${command.data.problemId}` },
        ]);
      }
      if (problem.answeredAt) {
        throw new IllegalTransition(current.status, command.type, { zh: "该整改事项已答复", en: "the problem was answered already" });
      }
      return [{ type: "case.problem_answered", data: { problemId: problem.problemId, answer: command.data.answer, answeredAt: now } }];
    }
    case "Withdraw": {
      const current = expectStatus(state, command.type, transitions.Withdraw.from);
      return [
        {
          type: "case.withdrawn",
          data: {
            ...(command.data.reason === undefined ? {} : { reason: command.data.reason }),
            fromStatus: current.status,
            withdrawnAt: now,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

/** Ratings that open a problem (差评): DISSATISFIED and VERY_DISSATISFIED. */
const poorRatings: readonly RatingLevel[] = ["DISSATISFIED", "VERY_DISSATISFIED"];

/** Working days the home authority has to answer a problem (整改答复时限). */
export const PROBLEM_ANSWER_DAYS = 5;

function problemOpened(
  problems: readonly Problem[] | undefined,
  source: ProblemSource,
  reference: string,
  description: string,
  ctx: DecideContext,
): CaseEvent {
  return {
    type: "case.problem_opened",
    data: {
      problemId: (problems?.length ?? 0) + 1,
      source,
      reference,
      description,
      openedAt: ctx.now,
      answerDueAt: ctx.calendar.addWorkingDays(ctx.now, PROBLEM_ANSWER_DAYS),
    },
  };
}

/**
 * 一次性告知 (行政许可法第三十二条): the first correction request must name everything to correct.
 * One follow-up request is allowed, for what the handed-in correction left open or itself raised
 * (the text of its items cannot tell which, so the authority answers for that); a third is
 * refused: the authority then accepts or refuses the application.
 */
function correctionRoundAllowed(rounds: readonly CorrectionRound[]): void {
  if (rounds.length >= MAX_CORRECTION_ROUNDS) {
    throw new IllegalTransition("RECEIVED_BY_HOME", "RequestCorrection", {
      zh: `补正告知最多 ${MAX_CORRECTION_ROUNDS} 次（一次性告知及一次补充告知），请受理或不予受理`,
      en: `at most ${MAX_CORRECTION_ROUNDS} correction requests (one complete notice and one follow-up); accept or refuse the application`,
    });
  }
}

/** The complete notice plus one follow-up. */
export const MAX_CORRECTION_ROUNDS = 2;
