export * from "./runMain";
export * from "./nodeContext";
