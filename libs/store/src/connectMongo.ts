import { MongoClient, type Db } from "mongodb";

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** Connects and pings; one database per node (data residency). */
export async function connectMongo(uri: string, dbName: string): Promise<MongoHandle> {
  // ignoreUndefined: optional fields of domain state are left out, not stored as null.
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, maxPoolSize: 20, retryWrites: false, ignoreUndefined: true });
  await client.connect();
  const db = client.db(dbName);
  await db.command({ ping: 1 });
  return { client, db, close: () => client.close() };
}

/** True for a unique-index violation (E11000), on MongoDB and FerretDB alike. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === 11000;
}
