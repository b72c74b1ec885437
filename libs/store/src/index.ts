export * from "./connectMongo";
export * from "./outbox";
export * from "./keyedMutex";
