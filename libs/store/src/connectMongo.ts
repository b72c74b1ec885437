import { MongoClient, type Db } from "mongodb";
import { type StoreFeatures, detectFeatures } from "./storeFeatures";

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  /**
   * Whether a filtered update is atomic (MongoDB) or a read-then-write-by-_id that can race
   * (FerretDB v1). Where it is not, writers must be serialised by the caller (KeyedMutex) and
   * filters should be `{ _id }` alone: FerretDB v1 pushes only an `_id` equality down to SQLite
   * and scans the whole collection for any other filter.
   */
  atomicConditionalUpdates: boolean;
  /**
   * FerretDB v1: it answers every filter but an `_id` equality by scanning, so a secondary index
   * is never read and only costs each write; create only the ones that guard uniqueness.
   */
  ferretDb: boolean;
  /** Everything detected about the store (logged at start; see README "Store modes"). */
  features: StoreFeatures;
  close(): Promise<void>;
}

/** Connects and pings; one database per node (data residency). */
export async function connectMongo(uri: string, dbName: string): Promise<MongoHandle> {
  // ignoreUndefined: optional fields of domain state are left out, not stored as null.
  // Short selection/connect timeouts: during a store outage a call fails in seconds (UNAVAILABLE
  // to gRPC callers, a paused partition for consumers) instead of hanging on its caller's deadline.
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 3_000,
    connectTimeoutMS: 3_000,
    socketTimeoutMS: 30_000,
    heartbeatFrequencyMS: 2_000,
    maxPoolSize: 20,
    retryWrites: false,
    ignoreUndefined: true,
  });
  await client.connect();
  const db = client.db(dbName);
  await db.command({ ping: 1 });
  const features = await detectFeatures(db);
  return {
    client,
    db,
    atomicConditionalUpdates: features.atomicConditionalUpdates,
    ferretDb: features.engine === "ferretdb",
    features,
    close: () => client.close(),
  };
}

/** Whether the store answers a `ping` within `timeoutMs` (for health checks); never throws. */
export async function storeReachable(db: Db, timeoutMs = 1_500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      db.command({ ping: 1 }, { timeoutMS: timeoutMs }).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** True for a unique-index violation (E11000), on MongoDB and FerretDB alike. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === 11000;
}
