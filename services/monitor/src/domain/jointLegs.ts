import type { CaseSummary } from "./caseSummary";

/** A leg the catalog plans for a jointly handled item (多地联办), e.g. 迁出地办理 waiting for nothing. */
export interface PlannedLeg {
  role: string;
  waitsFor: readonly string[];
  name: { zh: string; en: string };
}

/**
 * Why a leg has no case yet: it waits for the legs before it, or it never starts because one of
 * them was not accepted, withdrawn or denied (the application ended).
 */
export type PendingLeg = "WAITING" | "CANCELLED";

/** One leg of a joint application: its case once it started (the monitor has a tracking record of it), else why not. */
export interface JointLegSlot {
  role: string;
  name: { zh: string; en: string };
  waitsFor: string[];
  /** The leg's case, once it started. */
  caseId?: string;
  /** Set while the leg has no case. */
  pending?: PendingLeg;
}

/** States in which a leg ends its application: the legs waiting for it never start. */
const endingStates: ReadonlySet<string> = new Set(["NOT_ACCEPTED", "WITHDRAWN"]);

/**
 * The legs of one joint application from the cases tracked for it (each carries its role): every
 * leg the catalog plans for the item, in the catalog's order, then any tracked case no planned leg
 * took (a role the catalog no longer plans), by role. A planned leg without a case waits, or is
 * cancelled when a leg it waits for ended the application (not accepted, withdrawn, or denied).
 */
export function jointLegs(tracked: readonly CaseSummary[], planned: readonly PlannedLeg[]): JointLegSlot[] {
  const ordered = [...tracked].sort((a, b) => (a.legRole ?? "").localeCompare(b.legRole ?? "") || a.caseId.localeCompare(b.caseId));
  const byRole = new Map<string, CaseSummary>();
  for (const s of ordered) if (!byRole.has(s.legRole ?? "")) byRole.set(s.legRole ?? "", s);
  const taken = new Set<string>();
  const slots: JointLegSlot[] = planned.map((p) => {
    const leg = { role: p.role, name: { zh: p.name.zh, en: p.name.en }, waitsFor: [...p.waitsFor] };
    const s = byRole.get(p.role);
    if (s) {
      taken.add(s.caseId);
      return { ...leg, caseId: s.caseId };
    }
    const ended = p.waitsFor.some((r) => {
      const before = byRole.get(r);
      return before !== undefined && (endingStates.has(before.state) || before.decisionOutcome === "denied");
    });
    return { ...leg, pending: ended ? "CANCELLED" : "WAITING" };
  });
  for (const s of ordered) {
    if (taken.has(s.caseId)) continue;
    const role = s.legRole ?? "";
    slots.push({ role, name: { zh: role, en: role }, waitsFor: [], caseId: s.caseId });
  }
  return slots;
}
