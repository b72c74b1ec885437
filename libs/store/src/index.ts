export * from "./connectMongo";
export * from "./outbox";
