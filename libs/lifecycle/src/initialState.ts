import type { InitialState } from "./caseState";

/** The state of a case stream with no events yet (未收件). */
export const initialState: InitialState = { status: "INITIAL" };
