export * from "./catalogPort";
export * from "./intakeGrpc";
export * from "./submitCase";
export * from "./domain/validateSubmission";
export * from "./certificateVerifier";
export * from "./certificateReverifier";
