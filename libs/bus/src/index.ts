export * from "./bus";
export * from "./busObserver";
export * from "./kafkaOptions";
export * from "./readRecords";
export * from "./producer";
