import type { Bilingual } from "./bilingual";
import type { CaseEventType } from "./caseEvent";

/** How operators and windows name each step of a case (办理环节), Chinese first. */
export const eventLabels: Readonly<Record<CaseEventType, Bilingual>> = {
  "case.submitted": { zh: "已收件", en: "Received at the window" },
  "case.forwarded": { zh: "已转递", en: "Forwarded" },
  "case.received": { zh: "主管地已接收", en: "Received by the home authority" },
  "case.materials_signed": { zh: "纸质材料已签收", en: "Paper materials signed for" },
  "case.scans_checked": { zh: "电子材料已核验", en: "Scans checked" },
  "case.accepted": { zh: "已受理", en: "Accepted" },
  "case.refused": { zh: "不予受理", en: "Not accepted" },
  "case.correction_requested": { zh: "告知补正", en: "Correction requested" },
  "case.correction_submitted": { zh: "已补正", en: "Correction handed in" },
  "case.review_started": { zh: "开始审查", en: "Review started" },
  "case.suspended": { zh: "中止审查", en: "Review suspended" },
  "case.resumed": { zh: "恢复审查", en: "Review resumed" },
  "case.deadline_extended": { zh: "延长审批期限", en: "Deadline extended" },
  "case.decided": { zh: "已作出决定", en: "Decided" },
  "case.result_sent": { zh: "结果已发出", en: "Result sent" },
  "case.delivered": { zh: "已送达", en: "Delivered" },
  "case.closed": { zh: "已办结", en: "Closed" },
  "case.rated": { zh: "已评价", en: "Rated" },
  "case.withdrawn": { zh: "已撤回", en: "Withdrawn" },
  "case.problem_opened": { zh: "提出整改", en: "Problem opened" },
  "case.problem_answered": { zh: "整改已答复", en: "Problem answered" },
};
