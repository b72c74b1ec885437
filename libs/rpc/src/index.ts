export * from "./appError";
export * from "./statusDetails";
export * from "./handlers";
export * from "./startGrpcServer";
export * from "./rpcObserver";
export * from "./clients";
export * from "./checkHealth";
