import { type CaseSubmitted, traceContextOf } from "@tongban/contracts";
import type { CaseState } from "@tongban/lifecycle";
import { type CaseDoc, type Role } from "./caseDoc";
import { certificateIdsOf } from "./certificateChecks";
import { currentDueAt } from "./caseHandler";

/** `<receiving node>:<receipt no>`, and for a leg of a joint application `…/<leg role>` (one receipt, several legs). */
export const receiptKeyOf = (s: Pick<CaseSubmitted, "receivingNode" | "receiptNo" | "joint">): string =>
  `${s.receivingNode}:${s.receiptNo}${s.joint ? `/${s.joint.legRole}` : ""}`;

/** A case document as first stored on either side, from the submission and the state it starts in. */
export function newCaseDoc(caseId: string, role: Role, s: CaseSubmitted, state: CaseState, seq: number, now: Date): CaseDoc {
  const trace = traceContextOf();
  return {
    ...(trace ? { trace } : {}),
    _id: caseId,
    role,
    peerNode: role === "receiving" ? s.homeNode : s.receivingNode,
    receiptKey: receiptKeyOf(s),
    receiptNo: s.receiptNo,
    itemCode: s.itemCode,
    receivingNode: s.receivingNode,
    homeNode: s.homeNode,
    homeDepartment: s.homeDepartment,
    status: state.status,
    state,
    seq,
    dueAt: currentDueAt(state),
    submission: s,
    requests: [],
    certificateIds: certificateIdsOf(s),
    certificateChecks: s.certificateChecks,
    createdAt: now,
    updatedAt: now,
    rev: 1,
  };
}
