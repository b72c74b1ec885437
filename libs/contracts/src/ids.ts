import { monotonicFactory } from "ulid";

const next = monotonicFactory();

/** Generates time-sortable unique ids (ULID) for events and cases. Injected where tests need control. */
export type IdGenerator = () => string;

export const ulidGenerator: IdGenerator = () => next();
