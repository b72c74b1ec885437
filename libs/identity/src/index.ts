export * from "./spiffeId";
export * from "./devPki";
export * from "./tokens";
export * from "./trustBundle";
