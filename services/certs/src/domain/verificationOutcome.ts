/** What the registry answers about one lookup. */
export type Outcome = "VALID" | "EXPIRED" | "REVOKED" | "NOT_FOUND" | "HOLDER_MISMATCH";

export const outcomes: readonly Outcome[] = ["VALID", "EXPIRED", "REVOKED", "NOT_FOUND", "HOLDER_MISMATCH"];
