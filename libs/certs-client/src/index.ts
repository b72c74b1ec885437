export * from "./certsClient";
export * from "./positiveCache";
export * from "./registryNodeOf";
export * from "./verifyReferences";
export * from "./certificateRecord";
