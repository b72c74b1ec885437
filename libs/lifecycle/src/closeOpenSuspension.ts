import type { Suspension } from "./caseState";

/** The suspensions with the one still open (if any) ended at `at` (恢复审查). */
export function closeOpenSuspension(suspensions: readonly Suspension[], at: Date): Suspension[] {
  return suspensions.map((s) => (s.to === undefined ? { ...s, to: at } : s));
}
