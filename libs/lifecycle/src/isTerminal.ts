import type { CaseState } from "./caseState";
import { caseCommandTypes } from "./caseCommandTypes";
import { transitions } from "./transitions";

/**
 * True when no command can change the case any more (终态): NOT_ACCEPTED, WITHDRAWN, RATED.
 * CLOSED is not terminal: it still takes the applicant's rating.
 */
export function isTerminal(state: CaseState): boolean {
  return caseCommandTypes.every((type) => !(transitions[type].from as readonly string[]).includes(state.status));
}
