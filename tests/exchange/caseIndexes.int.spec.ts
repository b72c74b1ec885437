import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES, INBOX, ensureCaseIndexes } from "@tongban/exchange";
import { type MongoHandle, connectMongo, isDuplicateKey } from "@tongban/store";
import { isolation } from "../support/testNetwork";

describe("the case store's indexes", () => {
  let mongo: MongoHandle;
  beforeAll(async () => {
    const iso = isolation();
    mongo = await connectMongo(iso.mongoUri, iso.dbName("indexes"));
  });
  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  const names = async (collection: string) => (await mongo.db.collection(collection).indexes()).map((i) => i.name).sort();

  it("when the store is FerretDB, then only the unique receipt index is kept (query indexes made earlier are dropped); on MongoDB all of them; the outbox and certificate indexes of an earlier version go everywhere", async () => {
    // What an earlier version created everywhere.
    await mongo.db.collection(CASES).createIndex({ role: 1, dueAt: 1 }, { name: "role_due" });
    await mongo.db.collection(INBOX).createIndex({ caseId: 1 }, { name: "case" });
    await mongo.db.collection(CASES).createIndex({ outboxPending: 1 }, { name: "outbox_pending" });
    await mongo.db.collection(CASES).createIndex({ certificateIds: 1 }, { name: "certificate_ids" });
    await ensureCaseIndexes(mongo.db, { ferretDb: mongo.ferretDb });
    if (mongo.ferretDb) {
      expect(await names(CASES)).toEqual(["_id_", "receipt_key_unique"]);
      expect(await names(INBOX)).toEqual(["_id_"]);
    } else {
      expect(await names(CASES)).toEqual(["_id_", "receipt_key_unique", "role_dept_status", "role_due"]);
    }
  });

  it("when a second case claims the same receipt, then the store refuses it", async () => {
    const cases = mongo.db.collection<{ _id: string; receiptKey: string }>(CASES);
    await cases.insertOne({ _id: "case-a", receiptKey: "xiamen:R-1" });
    const err = await cases.insertOne({ _id: "case-b", receiptKey: "xiamen:R-1" }).catch((e: unknown) => e);
    expect(isDuplicateKey(err)).toBe(true);
  });
});
