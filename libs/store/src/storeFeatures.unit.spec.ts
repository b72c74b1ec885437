import { describe, expect, it } from "vitest";
import { featuresOf } from "./storeFeatures";

// Replies as the servers give them: FerretDB v1.24 (read off the suite's store), a MongoDB 7
// replica-set member and a standalone MongoDB (fields as MongoDB documents them).
const ferretBuildInfo = { version: "7.0.42", gitVersion: "unknown", ferretdbVersion: "v1.24.0", ok: 1 };
const ferretHello = { isWritablePrimary: true, maxWireVersion: 21, readOnly: false, ok: 1 };
const mongoBuildInfo = { version: "7.0.14", gitVersion: "ce59cfc6a3c5e5c067dca0d30697edd68d4f5188", modules: [], ok: 1 };
const replicaSetHello = {
  isWritablePrimary: true,
  topologyVersion: { processId: "66f2", counter: 6 },
  hosts: ["mongo-0:27017", "mongo-1:27017", "mongo-2:27017"],
  setName: "rs0",
  setVersion: 1,
  primary: "mongo-0:27017",
  me: "mongo-0:27017",
  maxWireVersion: 21,
  ok: 1,
};
const standaloneHello = { isWritablePrimary: true, maxWireVersion: 21, ok: 1 };

describe("store features", () => {
  it("when the store is FerretDB, then the node serialises its own writers, prunes by job and uses no transactions", () => {
    expect(featuresOf(ferretBuildInfo, ferretHello)).toEqual({
      engine: "ferretdb",
      version: "7.0.42",
      atomicConditionalUpdates: false,
      secondaryIndexes: false,
      ttlIndexes: false,
      transactions: false,
      changeStreams: false,
    });
  });

  it("when the store is a MongoDB replica set, then every feature is there and the set is named", () => {
    expect(featuresOf(mongoBuildInfo, replicaSetHello)).toEqual({
      engine: "mongodb",
      version: "7.0.14",
      replicaSet: "rs0",
      atomicConditionalUpdates: true,
      secondaryIndexes: true,
      ttlIndexes: true,
      transactions: true,
      changeStreams: true,
    });
  });

  it("when the store is a standalone MongoDB, then it has TTL and atomic updates but neither transactions nor change streams", () => {
    const f = featuresOf(mongoBuildInfo, standaloneHello);
    expect(f).toMatchObject({
      engine: "mongodb",
      ttlIndexes: true,
      atomicConditionalUpdates: true,
      transactions: false,
      changeStreams: false,
    });
    expect(f.replicaSet).toBeUndefined();
  });

  it("when a replica set runs a MongoDB older than 4.0, then it has no transactions", () => {
    expect(featuresOf({ version: "3.6.23", ok: 1 }, replicaSetHello)).toMatchObject({ transactions: false, changeStreams: false });
  });
});
