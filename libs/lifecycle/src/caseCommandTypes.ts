import type { CaseCommandType } from "./caseCommand";

/** Every command type (指令类型), in flow order. */
export const caseCommandTypes = [
  "SubmitCase",
  "MarkForwarded",
  "ReceiveCase",
  "SignForMaterials",
  "RecordScansChecked",
  "Accept",
  "Refuse",
  "RequestCorrection",
  "SubmitCorrection",
  "StartReview",
  "Suspend",
  "Resume",
  "ExtendDeadline",
  "Decide",
  "SendResult",
  "RecordDelivery",
  "Close",
  "RecordRating",
  "Withdraw",
  "RecordComplaint",
  "AnswerProblem",
] as const satisfies readonly CaseCommandType[];

/** Fails to compile when a command type is missing from the list above. */
type UnlistedCommandType = Exclude<CaseCommandType, (typeof caseCommandTypes)[number]>;
const everyCommandTypeListed: [UnlistedCommandType] extends [never] ? true : UnlistedCommandType = true;
void everyCommandTypeListed;
