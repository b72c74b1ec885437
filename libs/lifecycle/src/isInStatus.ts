import type { CaseState, CaseStateIn } from "./caseState";
import type { CaseStatus } from "./caseStatuses";

/** Narrows a state to the given statuses. */
export function isInStatus<S extends CaseStatus>(state: CaseState, statuses: readonly S[]): state is CaseStateIn<S> {
  return (statuses as readonly CaseStatus[]).includes(state.status);
}
