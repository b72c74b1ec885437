export * from "./inboundHandler";
export * from "./queueChanges";
export * from "./queueGrpc";
export * from "./homeCommand";
export * from "./revokedHandler";
