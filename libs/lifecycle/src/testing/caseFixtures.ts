import type { Actor } from "../actors";
import { assertNever } from "../assertNever";
import type { CaseCommand, CaseCommandType } from "../caseCommand";
import type { CaseEvent } from "../caseEvent";
import type { CaseState } from "../caseState";
import type { CaseStatus } from "../caseStatuses";
import { decide } from "../decide";
import type { DecideContext } from "../decideContext";
import { evolve } from "../evolve";
import { initialState } from "../initialState";
import { statutoryTimeLimits } from "../timeLimits";
import { weekendCalendar } from "./weekendCalendar";

/** An instant from an ISO string, e.g. "2025-03-03T01:00:00Z" (09:00 in Xiamen). */
export function at(iso: string): Date {
  return new Date(iso);
}

/** An item whose mode allows acceptance on verified scans (网上预审); the paths below check the scans. */
export function ctxAt(now: Date): DecideContext {
  return { now, calendar: weekendCalendar, timeLimits: statutoryTimeLimits, acceptOnScans: true };
}

/** A valid command of the given type, issued by `actor`. */
export function sampleCommand(type: CaseCommandType, actor: Actor): CaseCommand {
  switch (type) {
    case "SubmitCase":
      return {
        type,
        actor,
        data: {
          caseId: "case-0001",
          receiptNo: "XM-20250303-0001",
          itemCode: "11350200MB0000000X4350200001000",
          receivingNode: "xiamen",
          homeNode: "quanzhou",
          homeDepartment: "QZ-SCJGJ",
          identityVerified: true,
        },
      };
    case "MarkForwarded":
      return { type, actor, data: { trackingNo: "1100123456789" } };
    case "RequestCorrection":
      return { type, actor, data: { items: ["营业执照副本复印件", "法定代表人签字"] } };
    case "SubmitCorrection":
      return { type, actor, data: { items: ["营业执照副本复印件", "法定代表人签字"] } };
    case "Refuse":
      return { type, actor, data: { reasons: ["申请事项不属于本机关职权范围"] } };
    case "Suspend":
      return { type, actor, data: { kind: "hearing", reason: "依申请组织听证" } };
    case "ExtendDeadline":
      return { type, actor, data: { reason: "经本机关负责人批准延长十日" } };
    case "Decide":
      return { type, actor, data: { outcome: "approved", documentRef: "泉市监许〔2025〕12号" } };
    case "SendResult":
      return { type, actor, data: { channel: { kind: "mail", trackingNo: "1100987654321" } } };
    case "RecordRating":
      return { type, actor, data: { level: "VERY_SATISFIED" } };
    case "Withdraw":
      return { type, actor, data: { reason: "申请人主动撤回" } };
    case "RecordComplaint":
      return { type, actor, data: { ticketNo: "12345-20250305-0001", description: "窗口未一次性告知所需材料" } };
    case "AnswerProblem":
      return { type, actor, data: { problemId: 1, answer: "已约谈经办人并整改" } };
    case "RecordScansChecked":
      return { type, actor, data: { verified: 2, mismatchedRefs: [], paperOnly: 0 } };
    case "ReceiveCase":
    case "SignForMaterials":
    case "Accept":
    case "StartReview":
    case "Resume":
    case "RecordDelivery":
    case "Close":
      return { type, actor, data: {} };
    default:
      return assertNever(type);
  }
}

/** A command issued by the side that may issue it. */
export function homeCommand(type: CaseCommandType): CaseCommand {
  return sampleCommand(type, "home");
}
export function receivingCommand(type: CaseCommandType): CaseCommand {
  return sampleCommand(type, "receiving");
}

/** Applies a command to a state at `now`: the events and the resulting state. */
export function apply(state: CaseState, command: CaseCommand, now: Date): { state: CaseState; events: CaseEvent[] } {
  const events = decide(command, state, ctxAt(now));
  return { state: events.reduce(evolve, state), events };
}

/** Runs commands one hour apart from `start`; returns the final state, all events and the last instant used. */
export function run(
  commands: readonly CaseCommand[],
  start: Date = at("2025-03-03T01:00:00Z"),
  from: CaseState = initialState,
): { state: CaseState; events: CaseEvent[]; lastAt: Date } {
  let state = from;
  const events: CaseEvent[] = [];
  let now = start;
  commands.forEach((command, i) => {
    now = new Date(start.getTime() + i * 60 * 60 * 1000);
    const result = apply(state, command, now);
    state = result.state;
    events.push(...result.events);
  });
  return { state, events, lastAt: now };
}

const r = receivingCommand;
const h = homeCommand;
const received = [r("SubmitCase"), r("MarkForwarded"), h("ReceiveCase"), h("RecordScansChecked")];
const accepted = [...received, h("Accept")];
const underReview = [...accepted, h("StartReview")];
const decided = [...underReview, h("Decide")];
const closed = [...decided, h("SendResult"), r("RecordDelivery"), h("Close")];

/** Commands that bring a new case to each status, all on Monday 3 March 2025. */
export const pathTo: Readonly<Record<CaseStatus, readonly CaseCommand[]>> = {
  INITIAL: [],
  SUBMITTED: [r("SubmitCase")],
  FORWARDED: [r("SubmitCase"), r("MarkForwarded")],
  RECEIVED_BY_HOME: received,
  CORRECTION_REQUESTED: [...received, h("RequestCorrection")],
  ACCEPTED: accepted,
  NOT_ACCEPTED: [...received, h("Refuse")],
  UNDER_REVIEW: underReview,
  SUSPENDED: [...underReview, h("Suspend")],
  DECIDED: decided,
  RESULT_SENT: [...decided, h("SendResult")],
  DELIVERED: [...decided, h("SendResult"), r("RecordDelivery")],
  CLOSED: closed,
  RATED: [...closed, r("RecordRating")],
  WITHDRAWN: [r("SubmitCase"), r("Withdraw")],
};

/** A case in the given status. */
export function stateIn(status: CaseStatus): { state: CaseState; lastAt: Date } {
  const { state, lastAt } = run(pathTo[status]);
  return { state, lastAt };
}

/** The error `fn` throws; fails the test when it throws nothing. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error / 预期抛出错误");
}
