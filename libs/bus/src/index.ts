export * from "./bus";
export * from "./kafkaOptions";
