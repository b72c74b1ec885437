export * from "./main";
export * from "./registry";
export * from "./auditLog";
export * from "./certificateStore";
export * from "./domain/auditChain";
export * from "./domain/decideOutcome";
export * from "./domain/verificationOutcome";
