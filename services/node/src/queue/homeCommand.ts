import type { ExecuteCommandRequest } from "@tongban/contracts";
import { type CaseCommand, type DecisionOutcome, type ResultChannel, type SuspensionKind, suspensionKinds } from "@tongban/lifecycle";
import { AppError } from "@tongban/rpc";

const bad = (field: string, zh: string, en: string) => AppError.invalid([{ field, description: `${zh} / ${en}` }]);

/** Maps the queue API's command oneof to a lifecycle command issued by the home side. */
export function homeCommand(req: ExecuteCommandRequest): CaseCommand {
  const c = req.command;
  const actor = "home" as const;
  switch (c?.$case) {
    case "signForMaterials":
      return { type: "SignForMaterials", actor, data: {} };
    case "accept":
      return { type: "Accept", actor, data: {} };
    case "refuse":
      return { type: "Refuse", actor, data: { reasons: c.value.reasons } };
    case "requestCorrection":
      return { type: "RequestCorrection", actor, data: { items: c.value.items } };
    case "startReview":
      return { type: "StartReview", actor, data: {} };
    case "suspend": {
      if (!(suspensionKinds as readonly string[]).includes(c.value.kind)) {
        throw bad("suspend.kind", `中止类型须为 ${suspensionKinds.join(", ")}`, `kind must be one of ${suspensionKinds.join(", ")}`);
      }
      const expectedResumeAt = c.value.expectedResumeAt;
      return {
        type: "Suspend",
        actor,
        data: { kind: c.value.kind as SuspensionKind, reason: c.value.reason, ...(expectedResumeAt ? { expectedResumeAt } : {}) },
      };
    }
    case "resume":
      return { type: "Resume", actor, data: {} };
    case "extendDeadline":
      return { type: "ExtendDeadline", actor, data: { reason: c.value.reason } };
    case "decide": {
      const d = c.value.decision;
      let decision: DecisionOutcome;
      if (d?.outcome === "approved") decision = { outcome: "approved", documentRef: d.documentRef };
      else if (d?.outcome === "denied") decision = { outcome: "denied", documentRef: d.documentRef, reasons: d.reasons };
      else throw bad("decide.decision.outcome", "审批结果须为 approved 或 denied", "outcome must be approved or denied");
      return { type: "Decide", actor, data: decision };
    }
    case "sendResult": {
      const ch = c.value.channel;
      let channel: ResultChannel;
      if (ch?.kind === "mail") channel = { kind: "mail", trackingNo: ch.trackingNo };
      else if (ch?.kind === "electronic") channel = { kind: "electronic" };
      else throw bad("send_result.channel.kind", "送达方式须为 mail 或 electronic", "channel must be mail or electronic");
      return { type: "SendResult", actor, data: { channel } };
    }
    case "deliverElectronically":
      return { type: "RecordDelivery", actor, data: {} };
    case "close":
      return { type: "Close", actor, data: {} };
    case "answerProblem":
      return { type: "AnswerProblem", actor, data: { problemId: c.value.problemId, answer: c.value.answer } };
    case undefined:
      throw bad("command", "须指定一个办理命令", "one command is required");
    default: {
      const never: never = c;
      throw bad("command", "未知命令", `unknown command ${JSON.stringify(never)}`);
    }
  }
}
