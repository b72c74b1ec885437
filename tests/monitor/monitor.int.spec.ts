import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tongban/bus";
import { handlingOf, item } from "@tongban/catalog";
import { sampleJointSubmission, sampleSubmission } from "@tongban/demo";
import type { RunningMonitor } from "@tongban/monitor";
import { connectMongo } from "@tongban/store";
import { type CityRegistry, startRegistry, stopRegistry } from "../support/certsNetwork";
import { apis, approveCase, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, type Isolation, isolation, network, nodeIds, startCities, stopCities, busAs } from "../support/testNetwork";
import { awaitJson, databaseBytes, freePort, getJson, orphanCase, postJson, startTestMonitor, trackingTopicBytes } from "./monitorSupport";

const DAY = 24 * 3600 * 1000;

describe("the operators' monitor", () => {
  const clock = { offsetMs: 0 };
  const now = () => new Date(Date.now() + clock.offsetMs);
  let iso: Isolation;
  let cities: CityNode[];
  let monitor: RunningMonitor;
  let bus: Bus;
  // Xiamen's registry runs; Quanzhou's and Zhangzhou's point at a port where nothing listens.
  let xiamenRegistry: CityRegistry;
  const city = (id: string) => cities.find((c) => c.id === id)!;
  const submissions: ReturnType<typeof sampleSubmission>[] = [];
  const caseOf = new Map<string, string>();

  beforeAll(async () => {
    iso = isolation();
    cities = await startCities(iso, nodeIds, now);
    xiamenRegistry = await startRegistry(iso, "xiamen");
    const closed = await freePort();
    monitor = await startTestMonitor(iso, cities, now, { xiamen: xiamenRegistry.port, quanzhou: closed, zhangzhou: closed });
    bus = busAs("monitor-test");
  });
  afterAll(async () => {
    clock.offsetMs = 0;
    await bus?.close();
    await monitor?.stop();
    if (xiamenRegistry) await stopRegistry(xiamenRegistry);
    const mongo = await connectMongo(iso.mongoUri, iso.dbName("monitor"));
    await mongo.db.dropDatabase();
    await mongo.close();
    await stopCities(cities);
  });

  it("when cases travel between all three cities, then each directed pair shows them in flight with delivery latency and stage durations", async () => {
    let n = 7100;
    for (const from of nodeIds) {
      for (const to of nodeIds) {
        if (from === to) continue;
        const req = sampleSubmission(network.node(from)!, to, n++, "MON");
        submissions.push(req);
        caseOf.set(`${from}>${to}`, (await apis(city(from)).submit(req)).caseId);
      }
    }
    await Promise.all([...caseOf].map(([pair, caseId]) => queuedIn(city(pair.split(">")[1]!), caseId, "RECEIVED_BY_HOME")));

    const pairs = await awaitJson(monitor, "/api/overview?windowMinutes=60", "every pair in flight", (o) =>
      o.pairs.length === 6 && o.pairs.every((p: any) => p.inFlight.RECEIVED_BY_HOME >= 1 && p.latencyMs.count >= 1) ? o.pairs : undefined,
    );
    for (const p of pairs) {
      expect(p.from).not.toBe(p.to);
      expect(p.latencyMs.p50).toBeGreaterThanOrEqual(0);
      expect(p.latencyMs.p99).toBeGreaterThanOrEqual(p.latencyMs.p50);
      expect(p.latencyMs.p50).toBeLessThan(60_000);
      expect(p.stages.map((s: any) => s.state)).toEqual(expect.arrayContaining(["SUBMITTED", "FORWARDED"]));
    }
    const overview = await getJson(monitor, "/api/overview");
    expect(overview.recent.map((c: any) => c.caseId)).toEqual(expect.arrayContaining([...caseOf.values()]));
  });

  it("when a case is accepted and searched by id, then its timeline shows every step as both cities recorded it", async () => {
    const caseId = caseOf.get("zhangzhou>xiamen")!;
    await apis(city("xiamen")).claim(caseId);
    await apis(city("xiamen")).exec(caseId, { $case: "signForMaterials", value: {} });
    await apis(city("xiamen")).exec(caseId, { $case: "accept", value: {} });
    await sentCaseIn(city("zhangzhou"), caseId, "ACCEPTED");

    const detail = await awaitJson(monitor, `/api/cases/${caseId}`, "accepted timeline", (d) =>
      d.timeline.some((s: any) => s.step === "case.accepted" && s.reports.length === 2) ? d : undefined,
    );
    expect(detail.summary).toMatchObject({
      caseId,
      receivingNode: "zhangzhou",
      homeNode: "xiamen",
      state: "ACCEPTED",
      dueStage: "decision",
    });
    expect(detail.timeline.map((s: any) => `${s.seq} ${s.step}`)).toEqual([
      "1 case.submitted",
      "2 case.forwarded",
      "3 case.received",
      "4 case.materials_signed",
      "5 case.accepted",
    ]);
    for (const step of detail.timeline) expect(step.reports.map((r: any) => r.node).sort()).toEqual(["xiamen", "zhangzhou"]);
    expect((await getJson(monitor, `/api/cases?q=${caseId.slice(0, 20)}`)).caseIds).toContain(caseId);
    expect((await fetch(new URL("/api/cases/01NOSUCHCASE0000000000000", monitor.url))).status).toBe(404);
  });

  it("when working days pass, then cases show as due soon, then overdue per stage, city and department, and unsigned materials as late", async () => {
    const signed = caseOf.get("xiamen>quanzhou")!;
    const open = caseOf.get("quanzhou>zhangzhou")!;
    await apis(city("quanzhou")).claim(signed);
    await apis(city("quanzhou")).exec(signed, { $case: "signForMaterials", value: {} });
    await awaitJson(monitor, `/api/cases/${signed}`, "materials signed", (d) => (d.summary.materialsSignedAt ? true : undefined));

    const due = new Date((await getJson(monitor, `/api/cases/${open}`)).summary.dueAt);
    clock.offsetMs = due.getTime() - 3_600_000 - Date.now();
    const soon = (await getJson(monitor, "/api/overview")).deadlines;
    expect(soon.dueSoon.find((e: any) => e.caseId === open)).toMatchObject({ stage: "correction", workingDays: 0, homeNode: "zhangzhou" });
    expect(soon.overdue.map((e: any) => e.caseId)).not.toContain(open);

    clock.offsetMs = 30 * DAY;
    const late = (await getJson(monitor, "/api/overview")).deadlines;
    const overdue = late.overdue.find((e: any) => e.caseId === open);
    expect(overdue).toMatchObject({ stage: "correction", homeNode: "zhangzhou", receivingNode: "quanzhou" });
    expect(overdue.workingDays).toBeGreaterThan(10);
    expect(late.overdue.map((e: any) => e.caseId)).toEqual(
      expect.arrayContaining([...caseOf.values()].filter((id) => id !== caseOf.get("zhangzhou>xiamen"))),
    );
    const dept = late.byDepartment.find((c: any) => c.homeNode === "zhangzhou" && c.homeDepartment === overdue.homeDepartment);
    expect(dept.overdue).toBeGreaterThanOrEqual(1);
    const materials = late.materialsLate.map((e: any) => e.caseId);
    expect(materials).toContain(open);
    expect(materials).not.toContain(signed);
    expect((await getJson(monitor, `/api/cases/${open}`)).overdue).toMatchObject({ stage: "correction" });
    clock.offsetMs = 0;
  });

  it("when a joint application received in Zhangzhou moves out of Xiamen into Quanzhou, then both legs appear under its joint id, each with its own home, state, statutory clock and timeline", async () => {
    const req = sampleJointSubmission(network.node("zhangzhou")!, "xiamen", "quanzhou", 7300, "MONJ");
    submissions.push(req);
    const app = await apis(city("zhangzhou")).submit(req);
    const outLeg = app.legs.find((l) => l.role === "out")!;
    const inLeg = app.legs.find((l) => l.role === "in")!;
    const handling = handlingOf(item(req.itemCode)!);
    if (handling.kind !== "joint") throw new Error(`${req.itemCode} is not handled jointly`);
    const names = Object.fromEntries(handling.legs.map((l) => [l.role, l.name]));
    await queuedIn(city("xiamen"), outLeg.caseId, "RECEIVED_BY_HOME");

    // Before the out leg is approved the in leg has no case: it waits, named as the catalog names it.
    const waiting = await awaitJson(monitor, `/api/joints/${app.caseId}`, "the out leg received at home", (j) =>
      j.legs[0]?.summary?.state === "RECEIVED_BY_HOME" ? j : undefined,
    );
    expect(waiting).toMatchObject({ jointId: app.caseId, itemCode: req.itemCode, receivingNode: "zhangzhou" });
    expect(waiting.legs).toHaveLength(2);
    expect(waiting.legs[0]).toMatchObject({ role: "out", caseId: outLeg.caseId, name: names.out, waitsFor: [] });
    expect(waiting.legs[1]).toEqual({ role: "in", name: names.in, waitsFor: ["out"], pending: "WAITING" });

    await approveCase(city("xiamen"), outLeg.caseId, "厦公迁出〔2026〕0701号");
    await queuedIn(city("quanzhou"), inLeg.caseId, "RECEIVED_BY_HOME");

    // The in leg's detail carries the whole application, every leg with its own clock and steps.
    const detail = await awaitJson(monitor, `/api/cases/${inLeg.caseId}`, "both legs tracked", (d) => {
      const [o, i] = d.joint?.legs ?? [];
      const reported = (l: any, step: string) => l?.timeline?.find((s: any) => s.step === step)?.reports.length === 2;
      return reported(o, "case.decided") && reported(i, "case.received") ? d : undefined;
    });
    expect(detail.summary).toMatchObject({ caseId: inLeg.caseId, jointId: app.caseId, legRole: "in", homeNode: "quanzhou" });
    const [o, i] = detail.joint.legs;
    expect(o).toMatchObject({ role: "out", caseId: outLeg.caseId, name: names.out });
    expect(o.summary).toMatchObject({
      caseId: outLeg.caseId,
      jointId: app.caseId,
      legRole: "out",
      receivingNode: "zhangzhou",
      homeNode: "xiamen",
      homeDepartment: outLeg.homeDepartment,
      state: "DECIDED",
      dueStage: "delivery",
    });
    expect(o.timeline.map((s: any) => s.step)).toEqual([
      "case.submitted",
      "case.forwarded",
      "case.received",
      "case.materials_signed",
      "case.accepted",
      "case.review_started",
      "case.decided",
    ]);
    expect(i).toMatchObject({ role: "in", caseId: inLeg.caseId, name: names.in, waitsFor: ["out"] });
    expect(i.pending).toBeUndefined();
    expect(i.summary).toMatchObject({
      homeNode: "quanzhou",
      homeDepartment: inLeg.homeDepartment,
      state: "RECEIVED_BY_HOME",
      dueStage: "correction",
    });
    expect(i.timeline.map((s: any) => s.step)).toEqual(["case.submitted", "case.forwarded", "case.received"]);
    for (const step of i.timeline) expect(step.reports.map((r: any) => r.node).sort()).toEqual(["quanzhou", "zhangzhou"]);
    // The out leg's own detail shows the same application.
    const fromOut = await getJson(monitor, `/api/cases/${outLeg.caseId}`);
    expect(fromOut.joint.legs.map((l: any) => [l.role, l.caseId, l.summary.state])).toEqual([
      ["out", outLeg.caseId, "DECIDED"],
      ["in", inLeg.caseId, "RECEIVED_BY_HOME"],
    ]);

    // Each leg runs its own statutory clock: just past the in leg's correction limit, only the in leg is overdue.
    const inDue = new Date(i.summary.dueAt);
    const outDue = new Date(o.summary.dueAt);
    expect(inDue.getTime()).toBeLessThan(outDue.getTime());
    try {
      clock.offsetMs = inDue.getTime() + 3_600_000 - Date.now();
      const between = await getJson(monitor, `/api/joints/${app.caseId}`);
      expect(between.legs[1].overdue).toMatchObject({ caseId: inLeg.caseId, stage: "correction", jointId: app.caseId, legRole: "in" });
      expect(between.legs[0].overdue).toBeUndefined();
      const overdue = (await getJson(monitor, "/api/overview")).deadlines.overdue;
      expect(overdue.find((e: any) => e.caseId === inLeg.caseId)).toMatchObject({ jointId: app.caseId, legRole: "in" });
      expect(overdue.map((e: any) => e.caseId)).not.toContain(outLeg.caseId);
      clock.offsetMs = outDue.getTime() + 3_600_000 - Date.now();
      const both = await getJson(monitor, `/api/joints/${app.caseId}`);
      expect(both.legs.map((l: any) => l.overdue?.stage)).toEqual(["delivery", "correction"]);
    } finally {
      clock.offsetMs = 0;
    }

    // Listed among the joint applications, and a legs-only search finds the legs and no ordinary case.
    const { joints } = await getJson(monitor, "/api/joints");
    expect(joints.map((j: any) => j.jointId)).toEqual([app.caseId]);
    expect(joints[0].legs.map((l: any) => [l.role, l.summary.homeNode, l.timeline])).toEqual([
      ["out", "xiamen", undefined],
      ["in", "quanzhou", undefined],
    ]);
    expect((await getJson(monitor, "/api/cases?joint=1")).caseIds.sort()).toEqual([outLeg.caseId, inLeg.caseId].sort());
    const ordinary = caseOf.get("xiamen>quanzhou")!;
    expect((await getJson(monitor, `/api/cases?q=${ordinary}&joint=1`)).caseIds).toEqual([]);
    expect((await getJson(monitor, `/api/cases?q=${ordinary}`)).caseIds).toEqual([ordinary]);
    expect((await fetch(new URL(`/api/joints/${ordinary}`, monitor.url))).status).toBe(404);
    const labels = await getJson(monitor, "/api/labels");
    expect(labels.legs.filter((l: any) => l.itemCode === req.itemCode)).toEqual([
      { itemCode: req.itemCode, role: "out", ...names.out },
      { itemCode: req.itemCode, role: "in", ...names.in },
    ]);
  });

  it("when a message is dead-lettered, then it is listed with its reason; a replay before the fix fails again, a replay after it is delivered", async () => {
    const req = sampleSubmission(network.node("xiamen")!, "quanzhou", 7199, "ORPHAN");
    submissions.push(req);
    const caseId = "01MONITORORPHAN00000000001";
    const orphan = orphanCase(req, "xiamen", "quanzhou", caseId, iso.topicPrefix);
    await bus.publish([orphan.forwarded]);

    const first = await awaitJson(monitor, "/api/dead-letters?node=quanzhou", "the dead letter", (b) =>
      b.deadLetters.find((d: any) => d.event?.caseId === caseId),
    );
    expect(first).toMatchObject({ node: "quanzhou", code: "UNKNOWN_CASE", status: "dead", event: { type: "case.forwarded", caseSeq: 2 } });
    expect(first.reason).toContain(caseId);
    expect(first.sourceTopic).toBe(`${iso.topicPrefix}.quanzhou.inbound`);

    await postJson(monitor, `/api/dead-letters/${encodeURIComponent(first._id)}/replay`);
    const failed = await awaitJson(monitor, `/api/dead-letters/${encodeURIComponent(first._id)}`, "the failed replay", (d) =>
      d.status === "failed" ? d : undefined,
    );
    expect(failed.replays[0].outcome.detail).toContain("UNKNOWN_CASE");
    const again = await awaitJson(monitor, "/api/dead-letters?node=quanzhou", "the second dead letter", (b) =>
      b.deadLetters.find((d: any) => d.event?.caseId === caseId && d._id !== first._id),
    );
    expect(again.replayId).toBe(failed.replays[0]._id);

    await bus.publish([orphan.submitted]);
    await awaitJson(monitor, `/api/cases/${caseId}`, "the orphan case registered at home", (d) => d.summary);
    const replayed = await postJson(monitor, "/api/dead-letters/replay-all?node=quanzhou");
    expect(replayed.replays.map((r: any) => r.deadLetterId)).toEqual([again._id]);
    const delivered = await awaitJson(monitor, `/api/dead-letters/${encodeURIComponent(again._id)}`, "the delivered replay", (d) =>
      d.status === "delivered" ? d : undefined,
    );
    expect(delivered.replays[0].outcome.detail).toContain("quanzhou");
    await queuedIn(city("quanzhou"), caseId, "RECEIVED_BY_HOME");
  });

  it("when lag and health are asked for, then every node's caught-up consumer group shows lag 0 and each API its real state", async () => {
    const groups = nodeIds.map((id) => `${iso.topicPrefix}.${id}.node`);
    const lag = await awaitJson(monitor, "/api/lag", "every node's group caught up", (b) => {
      const mine = b.lag.filter((l: any) => groups.includes(l.group));
      return mine.length === groups.length && mine.every((l: any) => l.lag === 0) ? b.lag : undefined;
    });
    expect(lag.map((l: any) => l.group)).toEqual(expect.arrayContaining(groups));
    const { health } = await getJson(monitor, "/api/health");
    expect(health).toHaveLength(nodeIds.length * 3);
    for (const h of health.filter((x: any) => x.api !== "certs")) expect(h.state).toBe("SERVING");
    const certs = Object.fromEntries(health.filter((x: any) => x.api === "certs").map((x: any) => [x.node, x.state]));
    expect(certs).toEqual({ xiamen: "SERVING", quanzhou: "UNREACHABLE", zhangzhou: "UNREACHABLE" });
  });

  it("when cases have moved, then neither the tracking topic nor any collection of the monitor's database holds personal data", async () => {
    const secrets = submissions.flatMap((s) => [s.applicant!.name, s.applicant!.idNumber, s.applicant!.phone, s.applicant!.address]);
    expect(secrets.every((s) => s.length >= 2)).toBe(true);

    const topic = Buffer.concat(await trackingTopicBytes(iso, 36));
    const mongo = await connectMongo(iso.mongoUri, iso.dbName("monitor"));
    const collections = await databaseBytes(mongo.db);
    await mongo.close();
    expect(Object.fromEntries(collections.map((c) => [c.collection, c.count > 0]))).toMatchObject({
      tracking: true,
      deadLetters: true,
      replays: true,
    });

    // The scan finds what it looks for: the home node's own database does hold the applicants.
    const home = await databaseBytes(city("quanzhou").db.db);
    expect(Buffer.concat(home.map((c) => c.bytes)).includes(Buffer.from(submissions[0]!.applicant!.idNumber))).toBe(true);

    for (const secret of secrets) {
      const needle = Buffer.from(secret, "utf8");
      expect(topic.includes(needle), `tracking topic holds ${secret}`).toBe(false);
      for (const c of collections) expect(c.bytes.includes(needle), `monitor collection ${c.collection} holds ${secret}`).toBe(false);
    }
  });
});
