import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "@tongban/bus";
import { sampleJointSubmission, sampleSubmission } from "@tongban/demo";
import { kafkaPrincipals } from "@tongban/runtime";
import { type CliContext, bufferOutput, runCli } from "@tongban/cli";
import { connectMongo } from "@tongban/store";
import { apis, approveCase, queuedIn, sentCaseIn } from "../support/clients";
import {
  type CityNode,
  type Isolation,
  busAs,
  eventually,
  haltCity,
  isolation,
  network,
  restartCity,
  startCities,
  stopCities,
} from "../support/testNetwork";

// A node's read model (cases) rebuilt from its case log after a run: the same documents, exactly.

describe("rebuilding a node's read model (tongban rebuild)", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let cliBus: Bus;
  const city = (id: string) => cities.find((c) => c.id === id)!;
  const context = (): CliContext & { text(): string } => {
    const out = bufferOutput();
    return {
      bus: cliBus,
      network,
      topicPrefix: iso.topicPrefix,
      nodesHost: "localhost",
      out,
      openNodeStore: async (node) => {
        const mongo = await connectMongo(iso.mongoUri, iso.dbName(node));
        return { db: mongo.db, ferretDb: mongo.ferretDb, close: () => mongo.close() };
      },
      // As the nodes under test hold it: a watcher with a shorter TTL would take a live node's lease.
      lease: { ttlMs: 10_000, renewMs: 3_000 },
      text: () => out.text(),
    };
  };
  /** Every document of the node's read model, by id. */
  const readModel = async (c: CityNode) => c.db.db.collection<{ _id: string }>("cases").find({}).sort({ _id: 1 }).toArray();

  beforeAll(async () => {
    iso = isolation();
    cities = await startCities(iso, ["xiamen", "quanzhou"]);
    cliBus = busAs("tongban-cli", kafkaPrincipals.operator);
  });
  afterAll(async () => {
    await cliBus.close();
    await stopCities(cities);
  });

  it("when cases have moved both ways (one decided, one refused, one a joint application with a local leg), then a rebuild after the nodes stop gives back the same documents, and the nodes carry on from them", async () => {
    const xm = city("xiamen");
    const qz = city("quanzhou");
    const a = await apis(xm).submit(sampleSubmission(network.node("xiamen")!, "quanzhou", 8101));
    const b = await apis(qz).submit(sampleSubmission(network.node("quanzhou")!, "xiamen", 8102));
    const joint = await apis(xm).submit(sampleJointSubmission(network.node("xiamen")!, "quanzhou", "xiamen", 8103));
    const out = joint.legs.find((l) => l.role === "out")!;
    const into = joint.legs.find((l) => l.role === "in")!;
    await queuedIn(qz, a.caseId, "RECEIVED_BY_HOME");
    await approveCase(qz, a.caseId, "泉审〔2026〕8101号");
    await queuedIn(xm, b.caseId, "RECEIVED_BY_HOME");
    await apis(xm).claim(b.caseId);
    await apis(xm).exec(b.caseId, { $case: "refuse", value: { reasons: ["材料不全"] } });
    await approveCase(qz, out.caseId, "泉公迁出〔2026〕8103号");
    await queuedIn(xm, into.caseId, "RECEIVED_BY_HOME");
    await sentCaseIn(xm, a.caseId, "DECIDED");
    await sentCaseIn(qz, b.caseId, "NOT_ACCEPTED");

    for (const c of [xm, qz]) await haltCity(c);
    const before = { xiamen: await readModel(xm), quanzhou: await readModel(qz) };
    // Xiamen: a (sent), b (home), the joint out leg (sent) and in leg (local); Quanzhou: a, b, the out leg.
    expect([before.xiamen.length, before.quanzhou.length]).toEqual([4, 3]);

    for (const c of [xm, qz]) {
      const ctx = context();
      expect(await runCli(["rebuild", c.id], ctx), ctx.text()).toBe(0);
      expect(ctx.text()).toContain(`已重建 / rebuilt: ${before[c.id as keyof typeof before].length} 件 cases`);
      expect(ctx.text()).toMatch(/读取案件日志 \/ reading the case log .*100%/);
    }
    expect(await readModel(xm)).toEqual(before.xiamen);
    expect(await readModel(qz)).toEqual(before.quanzhou);

    // The nodes start on the rebuilt read model and carry on.
    for (const c of [xm, qz]) await restartCity(iso, c);
    await apis(qz).exec(a.caseId, { $case: "sendResult", value: { channel: { kind: "mail", trackingNo: "EA123456785CN" } } });
    await sentCaseIn(xm, a.caseId, "RESULT_SENT");
    expect((await apis(xm).queued(into.caseId))?.case?.legRole).toBe("in");
  });

  it("when the node still runs, then the rebuild refuses to take its writer lease and changes nothing", async () => {
    const xm = city("xiamen");
    const before = await readModel(xm);
    const ctx = context();
    await expect(runCli(["rebuild", "xiamen"], ctx)).rejects.toThrow(/stop it first|writer lease/i);
    expect(await readModel(xm)).toEqual(before);
    await eventually("the node still serves", async () => ((await apis(xm).sentCase(before[0]!._id)) ? true : undefined));
  });
});
