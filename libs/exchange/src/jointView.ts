import { handlingOf, item } from "@tongban/catalog";
import type { JointCaseView, JointLegView } from "@tongban/contracts";
import { type Bilingual, type CaseStatus, isOverdue, stateLabels } from "@tongban/lifecycle";
import type { CaseDoc } from "./caseDoc";

/** States of a joint application (多地联办) as a whole. */
export type JointState = "IN_PROGRESS" | "COMPLETED" | "REFUSED" | "WITHDRAWN";

const jointStateLabels: Readonly<Record<JointState, Bilingual>> = {
  IN_PROGRESS: { zh: "办理中", en: "In progress" },
  COMPLETED: { zh: "已办结", en: "Completed" },
  REFUSED: { zh: "未通过", en: "Refused" },
  WITHDRAWN: { zh: "已撤回", en: "Withdrawn" },
};

/** A leg not started yet: it waits for its prerequisites, or never starts because the application ended. */
export type UnstartedLegState = "WAITING" | "CANCELLED";

const unstartedLabels: Readonly<Record<UnstartedLegState, Bilingual>> = {
  WAITING: { zh: "待前序办结", en: "Waiting for the legs before it" },
  CANCELLED: { zh: "未启动（申请已终止）", en: "Not started (the application ended)" },
};

export const jointStateLabelled = (state: JointState) => ({
  state,
  stateZh: jointStateLabels[state].zh,
  stateEn: jointStateLabels[state].en,
});

/** A leg's state with its labels; "" when this node does not know it. */
export function legStateLabelled(state: CaseStatus | UnstartedLegState | "") {
  const label =
    state === ""
      ? { zh: "", en: "" }
      : state in unstartedLabels
        ? unstartedLabels[state as UnstartedLegState]
        : stateLabels[state as CaseStatus];
  return { state, stateZh: label.zh, stateEn: label.en };
}

/** The catalog's name of an item's leg (e.g. 迁出地办理). */
export function legNames(itemCode: string, role: string): Bilingual {
  const it = item(itemCode);
  const h = it ? handlingOf(it) : undefined;
  const leg = h?.kind === "joint" ? h.legs.find((l) => l.role === role) : undefined;
  return leg ? leg.name : { zh: role, en: role };
}

/** The approved or denied decision of a case, once decided. */
export function decisionOf(
  doc: CaseDoc,
): { outcome: string; documentRef: string; reasons: readonly string[]; decidedAt?: Date } | undefined {
  const s = doc.state;
  if (s.status === "INITIAL" || !s.decision) return undefined;
  const reasons = s.decision.outcome === "denied" ? s.decision.reasons : [];
  return { outcome: s.decision.outcome, documentRef: s.decision.documentRef, reasons, decidedAt: s.timeline.decidedAt };
}

/** How a started leg stands for its application: still running, approved (its dependants may start), ended it, or closed. */
export function legOutcome(doc: CaseDoc): "open" | "approved" | "ended" | "closed" {
  const st = doc.state.status;
  if (st === "NOT_ACCEPTED" || st === "WITHDRAWN") return "ended";
  const d = decisionOf(doc);
  if (d?.outcome === "denied") return "ended";
  if (st === "CLOSED" || st === "RATED") return "closed";
  return d?.outcome === "approved" ? "approved" : "open";
}

type LegPlan = { role: string; caseId: string; homeNode: string; homeDepartment: string; waitsFor: readonly string[] };

/** A leg as the application shows it before or without its case: planned, in `state`, nothing decided. */
export function plannedLegView(plan: LegPlan, itemCode: string, state: CaseStatus | UnstartedLegState | ""): JointLegView {
  const name = legNames(itemCode, plan.role);
  return {
    role: plan.role,
    nameZh: name.zh,
    nameEn: name.en,
    caseId: plan.caseId,
    homeNode: plan.homeNode,
    homeDepartment: plan.homeDepartment,
    waitsFor: [...plan.waitsFor],
    ...legStateLabelled(state),
    dueAt: undefined,
    overdueStage: "",
    decision: "",
    decisionRef: "",
    decidedAt: undefined,
    updatedAt: undefined,
  };
}

/** One started leg as the application shows it. */
export function startedLegView(plan: LegPlan, itemCode: string, doc: CaseDoc, now: Date): JointLegView {
  const d = decisionOf(doc);
  return {
    ...plannedLegView(plan, itemCode, doc.state.status),
    dueAt: doc.dueAt ?? undefined,
    overdueStage: isOverdue(doc.state, now)?.stage ?? "",
    decision: d?.outcome ?? "",
    decisionRef: d?.documentRef ?? "",
    decidedAt: d?.decidedAt,
    updatedAt: doc.updatedAt,
  };
}

/** The view without its instants of change: two reports with the same content are the same report. */
export function jointFingerprint(v: JointCaseView): string {
  return JSON.stringify({ ...v, updatedAt: undefined, legs: v.legs.map((l) => ({ ...l, updatedAt: undefined })) });
}
