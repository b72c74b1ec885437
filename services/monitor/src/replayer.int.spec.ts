import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OutRecord } from "@tongban/bus";
import { ulidGenerator } from "@tongban/contracts";
import { createLogger } from "@tongban/log";
import { type MongoHandle, connectMongo } from "@tongban/store";
import { DeadLetterStore } from "./adapters/deadLetterStore";
import { toDeadLetter } from "./domain/deadLetter";
import { ReplayError, Replayer } from "./replayer";

describe("replaying an outbox quarantine notice", () => {
  let mongo: MongoHandle;
  let store: DeadLetterStore;
  beforeAll(async () => {
    mongo = await connectMongo(inject("mongoUri"), `t${randomBytes(4).toString("hex")}_replayer`);
    store = await DeadLetterStore.open(mongo.db);
  });
  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it("when an operator replays a quarantine notice, then nothing is published and the answer names the resend command", async () => {
    const published: OutRecord[][] = [];
    const replayer = new Replayer({
      store,
      publish: async (records) => void published.push(records),
      read: async () => new Map(),
      lag: async () => 0,
      inbound: (node) => ({ topic: `p.${node}.inbound`, group: `p.${node}.node` }),
      monitorDlq: (node) => ({ group: "g", topic: `p.${node}.dlq` }),
      ids: ulidGenerator,
      now: () => new Date(),
      log: createLogger({ service: "replayer-test", level: "silent" }),
      onChange: () => undefined,
    });
    const notice = toDeadLetter(
      "quanzhou",
      {
        topic: "p.quanzhou.dlq",
        partition: 0,
        offset: "3",
        key: "01CASE",
        value: Buffer.alloc(0),
        headers: {
          "event-type": "case.submitted",
          "x-dlq-code": "OUTBOX_QUARANTINED",
          "x-dlq-reason": "MESSAGE_TOO_LARGE: too large",
          "x-dlq-source-topic": "p.xiamen.inbound",
          "x-quarantine-case": "01CASE",
          "x-quarantine-event": "01EVENT",
        },
      },
      new Date(),
      "p.quanzhou.node",
    );
    await store.insertDeadLetter(notice);

    const err = await replayer.replay(notice._id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ReplayError);
    expect((err as ReplayError).status).toBe(409);
    expect((err as ReplayError).message).toContain("npm run tongban -- quarantine resend quanzhou 01EVENT");
    expect(await replayer.replayAll("quanzhou")).toEqual([]);
    expect(published).toEqual([]);
  });
});
