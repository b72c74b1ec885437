import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "@tongban/bus";
import { topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { pruneInbox } from "@tongban/exchange";
import type { RunningMonitor } from "@tongban/monitor";
import { type MongoHandle, connectMongo, expireByTtl, expiredBefore } from "@tongban/store";
import { apis, approveCase, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, type Isolation, busAs, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";
import { awaitJson, startTestMonitor } from "./monitorSupport";

// Data retention (数据保留): a finished case's tracking, old dead letters and old inbox entries
// expire; an open case's tracking never does.

const DAY = 24 * 3600 * 1000;

describe("data retention", () => {
  const clock = { offsetMs: 0 };
  const now = () => new Date(Date.now() + clock.offsetMs);
  let iso: Isolation;
  let cities: CityNode[];
  let monitor: RunningMonitor;
  let bus: Bus;
  let monitorDb: MongoHandle;
  const city = (id: string) => cities.find((c) => c.id === id)!;

  beforeAll(async () => {
    iso = isolation();
    cities = await startCities(iso, ["xiamen", "quanzhou"], now);
    monitor = await startTestMonitor(iso, cities, now);
    bus = busAs("retention-test");
    monitorDb = await connectMongo(iso.mongoUri, iso.dbName("monitor"));
  });
  afterAll(async () => {
    await bus.close();
    await monitor.stop();
    await monitorDb.db.dropDatabase();
    await monitorDb.close();
    await stopCities(cities);
  });

  it("when the monitor is rebuilt from the tracking topic (MONITOR_REBUILD), then it stores exactly the tracking records it had", async () => {
    const [xm, qz] = [city("xiamen"), city("quanzhou")];
    const a = (await apis(xm).submit(sampleSubmission(network.node("xiamen")!, "quanzhou", 9201))).caseId;
    const b = (await apis(qz).submit(sampleSubmission(network.node("quanzhou")!, "xiamen", 9202))).caseId;
    await queuedIn(qz, a, "RECEIVED_BY_HOME");
    await queuedIn(xm, b, "RECEIVED_BY_HOME");
    await approveCase(qz, a, "泉审〔2026〕9201号");
    await awaitJson(monitor, `/api/cases/${a}`, "a decided at the monitor", (d) => (d.summary?.state === "DECIDED" ? d : undefined));
    await awaitJson(monitor, `/api/cases/${b}`, "b at the monitor", (d) => (d.summary?.state === "RECEIVED_BY_HOME" ? d : undefined));
    const records = () => monitorDb.db.collection<{ _id: string }>("tracking").find({}).sort({ _id: 1 }).toArray();
    // Both sides report the decision; the window's report comes after the home's.
    await sentCaseIn(xm, a, "DECIDED");
    await eventually(
      "the window's report of a's decision at the monitor",
      async () =>
        (await monitorDb.db.collection("tracking").findOne({ caseId: a, step: "case.decided", reportedBy: "xiamen" })) ?? undefined,
    );
    await monitor.stop();
    const before = await records();
    expect(before.length).toBeGreaterThan(10);
    // A record the topic never carried: a rebuild from the topic drops it.
    await monitorDb.db.collection<{ _id: string }>("tracking").insertOne({ ...before[0]!, _id: "01NOTONTHETOPIC" });

    monitor = await startTestMonitor(iso, cities, now, {}, { rebuild: true });
    const after = await eventually("the tracking records read again", async () => {
      const r = await records();
      return r.length >= before.length && !r.some((x) => x._id === "01NOTONTHETOPIC") ? r : undefined;
    });
    expect(after).toEqual(before);
    await awaitJson(monitor, `/api/cases/${a}`, "a rebuilt", (d) => (d.summary?.state === "DECIDED" ? d : undefined));
  });

  it("when a year has passed, then a closed case's tracking and old dead letters are removed, an open case stays, and the inbox forgets old message ids", async () => {
    const [xm, qz] = [city("xiamen"), city("quanzhou")];
    const xiamen = network.node("xiamen")!;
    const closed = (await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 9301))).caseId;
    const open = (await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 9302))).caseId;
    await queuedIn(qz, closed, "RECEIVED_BY_HOME");
    await approveCase(qz, closed, "泉审〔2026〕9301号");
    await apis(qz).exec(closed, { $case: "sendResult", value: { channel: { kind: "mail", trackingNo: "EA123456785CN" } } });
    await sentCaseIn(xm, closed, "RESULT_SENT");
    await apis(xm).recordDelivery(closed);
    await queuedIn(qz, closed, "DELIVERED");
    await apis(qz).exec(closed, { $case: "close", value: {} });
    await sentCaseIn(xm, closed, "CLOSED");
    await bus.publish([{ topic: topics.inbound(iso.topicPrefix, "quanzhou"), key: "garbage", value: Buffer.from("not an envelope") }]);

    await awaitJson(monitor, `/api/cases/${closed}`, "the closed case at the monitor", (d) =>
      d.summary?.state === "CLOSED" && d.timeline ? d : undefined,
    );
    await awaitJson(monitor, `/api/cases/${open}`, "the open case at the monitor", (d) => (d.summary ? d : undefined));
    await awaitJson(monitor, "/api/dead-letters?node=quanzhou", "the dead letter", (b) => (b.deadLetters?.length > 0 ? b : undefined));
    const tracking = (caseId: string) => monitorDb.db.collection("tracking").countDocuments({ caseId });

    // Nothing has expired yet.
    await monitor.retention.runOnce();
    expect(await tracking(closed)).toBeGreaterThan(0);
    const inbox = qz.db.db.collection("inbox");
    const entries = await inbox.countDocuments({});
    expect(entries).toBeGreaterThan(0);
    expect(await pruneInbox(qz.db.db, expiredBefore(now(), 30))).toBe(0);

    // A year and a month later.
    clock.offsetMs = 400 * DAY;
    await monitor.retention.runOnce();
    expect((await fetch(new URL(`/api/cases/${closed}`, monitor.url))).status).toBe(404);
    expect(await tracking(closed)).toBe(0);
    expect((await fetch(new URL(`/api/cases/${open}`, monitor.url))).status).toBe(200);
    expect(await tracking(open)).toBeGreaterThan(0);
    const letters = (await fetch(new URL("/api/dead-letters?node=quanzhou", monitor.url)).then((r) => r.json())) as {
      deadLetters: unknown[];
    };
    expect(letters.deadLetters).toEqual([]);
    expect(await pruneInbox(qz.db.db, expiredBefore(now(), 30))).toBe(entries);
    expect(await inbox.countDocuments({})).toBe(0);
  });

  it("when retention is set up, then a store with TTL indexes expires documents itself (a changed period is applied) and one without is left to the prune job", async () => {
    const { db, features } = monitorDb;
    const buildInfo = await db.admin().command({ buildInfo: 1 });
    expect(features.engine).toBe("ferretdbVersion" in buildInfo ? "ferretdb" : "mongodb");
    await db.collection("ttlProbe").insertOne({ at: now() });
    const ttlIndex = async () => (await db.collection("ttlProbe").indexes()).find((ix) => ix.name === "expire_at");
    expect(await expireByTtl(db, features, "ttlProbe", "at", 30)).toBe(features.ttlIndexes);
    if (features.ttlIndexes) {
      expect((await ttlIndex())?.expireAfterSeconds).toBe(30 * 24 * 3600);
      expect(await expireByTtl(db, features, "ttlProbe", "at", 10)).toBe(true);
      expect((await ttlIndex())?.expireAfterSeconds).toBe(10 * 24 * 3600);
    } else {
      // FerretDB v1 would keep a TTL index without ever deleting: none is made, the prune job runs.
      expect(await ttlIndex()).toBeUndefined();
    }
  });
});
