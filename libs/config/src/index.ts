export * from "./loadConfig";
export * from "./commonKeys";
export * from "./network";
