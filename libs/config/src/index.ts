export * from "./loadConfig";
export * from "./commonKeys";
export * from "./metricsKeys";
export * from "./network";
