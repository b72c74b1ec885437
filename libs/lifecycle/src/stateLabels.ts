import type { Bilingual } from "./bilingual";
import type { CaseStatus } from "./caseStatuses";

/** Display names of the case statuses (办件状态名称). */
export const stateLabels: Readonly<Record<CaseStatus, Bilingual>> = {
  INITIAL: { zh: "未收件", en: "Not yet received" },
  SUBMITTED: { zh: "已收件", en: "Received at the window" },
  FORWARDED: { zh: "已转递", en: "Forwarded" },
  RECEIVED_BY_HOME: { zh: "已接收", en: "Received by the home authority" },
  CORRECTION_REQUESTED: { zh: "待补正", en: "Awaiting correction" },
  ACCEPTED: { zh: "已受理", en: "Accepted" },
  NOT_ACCEPTED: { zh: "不予受理", en: "Not accepted" },
  UNDER_REVIEW: { zh: "审查中", en: "Under review" },
  SUSPENDED: { zh: "已中止", en: "Suspended" },
  DECIDED: { zh: "已决定", en: "Decided" },
  RESULT_SENT: { zh: "结果已发出", en: "Result sent" },
  DELIVERED: { zh: "已送达", en: "Delivered" },
  CLOSED: { zh: "已办结", en: "Closed" },
  RATED: { zh: "已评价", en: "Rated" },
  WITHDRAWN: { zh: "已撤回", en: "Withdrawn" },
};
