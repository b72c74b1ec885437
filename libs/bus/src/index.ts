export * from "./bus";
export * from "./busObserver";
export * from "./consumer";
export * from "./transientError";
export * from "./withTimeout";
export * from "./kafkaOptions";
export * from "./readRecords";
export * from "./producer";
