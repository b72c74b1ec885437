export * from "./connectMongo";
export * from "./outbox";
export * from "./keyedMutex";
export * from "./outboxQuarantine";
export * from "./nodeLease";
export * from "./groupCommitLog";
export * from "./retention";
export * from "./storeFeatures";
