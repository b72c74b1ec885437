import type { Db, Document } from "mongodb";

/**
 * What the store behind MONGODB_URI can do, read from its `buildInfo` and `hello` at start. The
 * node runs on both: FerretDB v1 (development, tests, a single machine) and MongoDB (production,
 * a replica set); where MongoDB does more, the node uses it.
 */
export interface StoreFeatures {
  engine: "mongodb" | "ferretdb";
  /** The MongoDB version the server reports (FerretDB reports the one it emulates). */
  version: string;
  /** The replica set's name; none for a standalone server or FerretDB. */
  replicaSet?: string;
  /** A filtered update applied atomically (MongoDB); FerretDB v1 reads, then writes by _id. */
  atomicConditionalUpdates: boolean;
  /** Secondary indexes answer queries (MongoDB); FerretDB v1 pushes down only `_id` equality. */
  secondaryIndexes: boolean;
  /** The server deletes expired documents itself (TTL indexes); FerretDB v1 does not. */
  ttlIndexes: boolean;
  /** Multi-document transactions and change streams: MongoDB in a replica set only. */
  transactions: boolean;
  changeStreams: boolean;
}

/** The features a server's `buildInfo` and `hello` replies describe. */
export function featuresOf(buildInfo: Document, hello: Document): StoreFeatures {
  const version = String(buildInfo.version ?? "0");
  if ("ferretdbVersion" in buildInfo || "ferretdb" in buildInfo) {
    return {
      engine: "ferretdb",
      version,
      atomicConditionalUpdates: false,
      secondaryIndexes: false,
      ttlIndexes: false,
      transactions: false,
      changeStreams: false,
    };
  }
  const replicaSet = typeof hello.setName === "string" ? hello.setName : undefined;
  const major = Number(version.split(".")[0]);
  // Transactions on replica sets from 4.0; change streams need the oplog a replica set keeps.
  const replicated = replicaSet !== undefined && major >= 4;
  return {
    engine: "mongodb",
    version,
    ...(replicaSet ? { replicaSet } : {}),
    atomicConditionalUpdates: true,
    secondaryIndexes: true,
    ttlIndexes: true,
    transactions: replicated,
    changeStreams: replicated,
  };
}

export async function detectFeatures(db: Db): Promise<StoreFeatures> {
  const admin = db.admin();
  const [buildInfo, hello] = await Promise.all([admin.command({ buildInfo: 1 }), admin.command({ hello: 1 })]);
  return featuresOf(buildInfo, hello);
}

/**
 * Data retention by the server (数据保留): on a store with TTL indexes, documents of `collection`
 * expire `days` after their `field` (a date) and the server deletes them; true when it does, so a
 * prune job leaves the collection alone. A changed period is applied to the existing index.
 */
export async function expireByTtl(db: Db, features: StoreFeatures, collection: string, field: string, days: number): Promise<boolean> {
  if (!features.ttlIndexes) return false;
  const name = `expire_${field}`;
  const expireAfterSeconds = Math.round(days * 24 * 3600);
  const existing = (
    await db
      .collection(collection)
      .indexes()
      .catch(() => [])
  ).find((ix) => ix.name === name);
  if (!existing) await db.collection(collection).createIndex({ [field]: 1 }, { name, expireAfterSeconds });
  else if (existing.expireAfterSeconds !== expireAfterSeconds)
    await db.command({ collMod: collection, index: { name, expireAfterSeconds } });
  return true;
}
