export * from "./metrics";
export * from "./safeLabel";
export * from "./startMetricsServer";
export * from "./serveMetrics";
export * from "./parseExposition";
