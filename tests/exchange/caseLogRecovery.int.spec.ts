import { Binary } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CASES, CASE_LOG, CHECKPOINTS, type CaseDoc, CaseLog, type CaseRow, LogOutbox, ensureCaseIndexes, rowId } from "@tongban/exchange";
import { DuplicateRow, GroupCommitLog, type MongoHandle, type OutboxEntry, connectMongo, markerId } from "@tongban/store";
import { isolation, quietLogger } from "../support/testNetwork";

const entry = (caseId: string, n: number): OutboxEntry => ({
  eventId: `${caseId}-e${n}`,
  topic: "t.quanzhou.inbound",
  key: caseId,
  value: new Binary(Buffer.from(`event ${n}`)),
  headers: { "event-id": `${caseId}-e${n}` },
});

const created = (caseId: string): CaseRow => ({
  _id: rowId(caseId, 1),
  caseId,
  rev: 1,
  at: new Date(),
  set: { _id: caseId, role: "receiving", receiptKey: `xiamen:${caseId}`, rev: 1, seq: 2, status: "FORWARDED" } as Partial<CaseDoc>,
  outbox: [entry(caseId, 1), entry(caseId, 2)],
});

const changed = (caseId: string, rev: number, status: string): CaseRow => ({
  _id: rowId(caseId, rev),
  caseId,
  rev,
  at: new Date(),
  set: { rev, seq: rev + 1, status } as Partial<CaseDoc>,
  outbox: [entry(caseId, rev + 1)],
});

describe("the case log after a crash", () => {
  const log = quietLogger("case-log");
  let mongo: MongoHandle;
  beforeEach(async () => {
    const iso = isolation();
    mongo = await connectMongo(iso.mongoUri, iso.dbName("caselog"));
    await ensureCaseIndexes(mongo.db, { ferretDb: mongo.ferretDb });
  });
  afterEach(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  /** Rows written the way the node writes them, by a process that then died before anything else. */
  const writtenThenCrashed = async (batches: CaseRow[][]) => {
    const writer = new GroupCommitLog<CaseRow>(mongo.db.collection(CASE_LOG), log, 1, { lingerMs: 0 });
    for (const rows of batches) await Promise.all(rows.map((r) => writer.append(r).done));
    return writer.lastBatch;
  };

  it("when rows were stored but neither applied to the read model nor published, then opening the log applies and hands over every one of them, in order", async () => {
    const last = await writtenThenCrashed([[created("CASE-A"), created("CASE-B")], [changed("CASE-A", 2, "RECEIVED_BY_HOME")]]);
    const handed: string[] = [];
    const caseLog = await CaseLog.open({ db: mongo.db, log, onOutbox: (ids) => handed.push(...ids) });

    const cases = mongo.db.collection<CaseDoc>(CASES);
    expect(await cases.findOne({ _id: "CASE-A" })).toMatchObject({ rev: 2, seq: 3, status: "RECEIVED_BY_HOME", role: "receiving" });
    expect(await cases.findOne({ _id: "CASE-B" })).toMatchObject({ rev: 1, status: "FORWARDED" });
    expect(new Set(handed)).toEqual(new Set(["CASE-A", "CASE-B"]));
    expect(caseLog.outbox.load("CASE-A")?.outbox.map((e) => e.eventId)).toEqual(["CASE-A-e1", "CASE-A-e2", "CASE-A-e3"]);
    expect(caseLog.index.has("CASE-B")).toBe(true);

    // Once the relay has sent them all, the checkpoint covers every batch and a restart has nothing to redo.
    caseLog.outbox.clear("CASE-A", new Set(["CASE-A-e1", "CASE-A-e2", "CASE-A-e3"]));
    caseLog.outbox.clear("CASE-B", new Set(["CASE-B-e1", "CASE-B-e2"]));
    await caseLog.stop();
    expect(await LogOutbox.checkpointOf(mongo.db.collection(CHECKPOINTS))).toBe(last);
    const again: string[] = [];
    const reopened = await CaseLog.open({ db: mongo.db, log, onOutbox: (ids) => again.push(...ids) });
    expect(again).toEqual([]);
    expect(reopened.outbox.pendingCases).toBe(0);

    // The next batch continues the numbering, so a later recovery finds it.
    const doc = (await reopened.read("CASE-B"))!;
    await reopened.append(changed("CASE-B", 2, "RECEIVED_BY_HOME"), { ...doc, rev: 2 }).done;
    expect(await mongo.db.collection(CASE_LOG).findOne({ _id: markerId(last + 1) as never })).toMatchObject({ rows: [rowId("CASE-B", 2)] });
    await reopened.stop();
  });

  it("when the read model already had part of a case, then recovery applies only the rows beyond it", async () => {
    await writtenThenCrashed([[created("CASE-C")], [changed("CASE-C", 2, "RECEIVED_BY_HOME")], [changed("CASE-C", 3, "ACCEPTED")]]);
    // The first two were applied before the crash, the third not.
    await mongo.db
      .collection(CASES)
      .insertOne({ _id: "CASE-C", role: "receiving", receiptKey: "xiamen:CASE-C", rev: 2, seq: 3, status: "RECEIVED_BY_HOME" } as never);
    const caseLog = await CaseLog.open({ db: mongo.db, log, onOutbox: () => undefined });
    expect(await mongo.db.collection(CASES).findOne({ _id: "CASE-C" as never })).toMatchObject({ rev: 3, status: "ACCEPTED" });
    expect(await caseLog.read("CASE-C")).toMatchObject({ rev: 3, status: "ACCEPTED" });
    await caseLog.stop();
  });

  it("when another writer already stored a row at the same position, then the append fails with DuplicateRow and the row is not replaced", async () => {
    await writtenThenCrashed([[created("CASE-D")]]);
    const caseLog = await CaseLog.open({ db: mongo.db, log, onOutbox: () => undefined });
    const doc = (await caseLog.read("CASE-D"))!;
    const theirs = { ...changed("CASE-D", 2, "RECEIVED_BY_HOME"), batch: 99 };
    await mongo.db.collection<CaseRow>(CASE_LOG).insertOne(theirs);
    const ours = caseLog.append(changed("CASE-D", 2, "WITHDRAWN"), { ...doc, rev: 2 });
    await expect(ours.done).rejects.toBeInstanceOf(DuplicateRow);
    expect(await mongo.db.collection<CaseRow>(CASE_LOG).findOne({ _id: rowId("CASE-D", 2) })).toMatchObject({ batch: 99 });
    await caseLog.stop();
  });

  it("when many rows are appended at once, then they are written in a few batches, not one by one", async () => {
    const writer = new GroupCommitLog<CaseRow>(mongo.db.collection(CASE_LOG), log, 1, { lingerMs: 5 });
    await Promise.all(Array.from({ length: 300 }, (_, i) => writer.append(created(`CASE-${i}`)).done));
    expect(writer.lastBatch).toBeLessThanOrEqual(3);
    expect(await mongo.db.collection(CASE_LOG).countDocuments({ _id: { $regex: /^~batch:/ } } as never)).toBe(writer.lastBatch);
  });
});
