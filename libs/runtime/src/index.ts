export * from "./runMain";
export * from "./nodeContext";
export * from "./healthMonitor";
export * from "./runtimeKeys";
export * from "./signing";
export * from "./cityService";
export * from "./networkAcls";
export * from "./kafkaAccess";
