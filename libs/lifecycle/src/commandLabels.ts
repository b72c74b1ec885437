import type { Bilingual } from "./bilingual";
import type { CaseCommandType } from "./caseCommand";

/** Display names of the commands (操作名称); `en` reads after "Cannot …". */
export const commandLabels: Readonly<Record<CaseCommandType, Bilingual>> = {
  SubmitCase: { zh: "收件", en: "submit the case" },
  MarkForwarded: { zh: "转递", en: "mark the case forwarded" },
  ReceiveCase: { zh: "接收", en: "receive the case" },
  SignForMaterials: { zh: "签收材料", en: "sign for the materials" },
  RecordScansChecked: { zh: "登记电子材料核验", en: "record the scans' check" },
  Accept: { zh: "受理", en: "accept" },
  Refuse: { zh: "不予受理", en: "refuse" },
  RequestCorrection: { zh: "一次性告知补正", en: "request correction" },
  SubmitCorrection: { zh: "提交补正材料", en: "submit the correction" },
  StartReview: { zh: "开始审查", en: "start the review" },
  Suspend: { zh: "中止审查", en: "suspend" },
  Resume: { zh: "恢复审查", en: "resume" },
  ExtendDeadline: { zh: "延长审批期限", en: "extend the deadline" },
  Decide: { zh: "作出审批决定", en: "decide" },
  SendResult: { zh: "发送审批结果", en: "send the result" },
  RecordDelivery: { zh: "登记送达", en: "record delivery" },
  Close: { zh: "办结", en: "close" },
  RecordRating: { zh: "登记评价", en: "record the rating" },
  Withdraw: { zh: "撤回", en: "withdraw" },
  RecordComplaint: { zh: "登记12345投诉", en: "record a 12345 complaint" },
  AnswerProblem: { zh: "答复整改", en: "answer the problem" },
};
