import type { CaseState } from "./caseState";
import { caseCommandTypes } from "./caseCommandTypes";
import { type TransitionRule, transitions } from "./transitions";

/**
 * True when no command can move the case any more (终态): NOT_ACCEPTED, WITHDRAWN, RATED. They
 * still take feedback (a rating, complaints and answers), which does not move them. CLOSED is not
 * terminal: it still takes the applicant's rating, which ends it.
 */
export function isTerminal(state: CaseState): boolean {
  return caseCommandTypes.every((type) => {
    const rule: TransitionRule = transitions[type];
    return !(rule.from as readonly string[]).includes(state.status) || (rule.feedback ?? []).includes(state.status);
  });
}
