export * from "./createLogger";
