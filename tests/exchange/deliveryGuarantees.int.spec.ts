import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tongban/bus";
import { topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { kafkaPrincipals } from "@tongban/runtime";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { readTopic } from "../support/readTopic";
import {
  type CityNode,
  type Isolation,
  eventually,
  isolation,
  network,
  nodeIdentityEnv,
  provisionTopics,
  startCities,
  stopCities,
  busAs,
  kafkaEnv,
} from "../support/testNetwork";

const repoRoot = join(import.meta.dirname, "../..");
const groupOf = (iso: Isolation, node: string) => `${iso.topicPrefix}.${node}.node`;

describe("delivery guarantees on the real broker and store", () => {
  let iso: Isolation;
  let bus: Bus;

  beforeAll(async () => {
    iso = isolation();
    bus = busAs("guarantees");
  });
  afterAll(() => bus.close());

  it("when every event of a case is delivered again, then neither side changes", async () => {
    const cities = await startCities(iso, ["xiamen", "zhangzhou"]);
    try {
      const [xm, zz] = cities as [CityNode, CityNode];
      const res = await apis(xm).submit(sampleSubmission(network.node("xiamen")!, "zhangzhou", 7001));
      await queuedIn(zz, res.caseId, "RECEIVED_BY_HOME");
      await apis(zz).claim(res.caseId);
      await apis(zz).exec(res.caseId, { $case: "requestCorrection", value: { items: ["补充营业执照副本"] } });
      await sentCaseIn(xm, res.caseId, "CORRECTION_REQUESTED");
      await apis(xm).submitCorrection(res.caseId, ["营业执照副本"]);
      await queuedIn(zz, res.caseId, "RECEIVED_BY_HOME");
      await apis(zz).exec(res.caseId, { $case: "signForMaterials", value: {} });
      await apis(zz).exec(res.caseId, { $case: "accept", value: {} });
      await sentCaseIn(xm, res.caseId, "ACCEPTED");
      // Both consumers committed all they took in: everything they applied is stored.
      for (const node of ["xiamen", "zhangzhou"]) {
        const topic = topics.inbound(iso.topicPrefix, node);
        await eventually(`${node} caught up`, async () => ((await bus.lag(groupOf(iso, node), topic)) === 0 ? true : undefined));
      }

      const snapshot = async () => ({
        xm: await xm.db.db.collection("cases").findOne({ _id: res.caseId as never }, { projection: { seq: 1, status: 1, rev: 1 } }),
        zz: await zz.db.db.collection("cases").findOne({ _id: res.caseId as never }, { projection: { seq: 1, status: 1, rev: 1 } }),
        inboxXm: await xm.db.db.collection("inbox").countDocuments({ caseId: res.caseId }),
        inboxZz: await zz.db.db.collection("inbox").countDocuments({ caseId: res.caseId }),
      });
      const before = await snapshot();

      let replayed = 0;
      for (const node of ["xiamen", "zhangzhou"]) {
        const topic = topics.inbound(iso.topicPrefix, node);
        const history = (await readTopic(bus, topic)).filter((r) => r.key === res.caseId);
        replayed += history.length;
        await bus.publish(history.map((r) => ({ topic, key: r.key!, value: r.value!, headers: r.headers })));
        await eventually(`${node} consumed the replay`, async () => ((await bus.lag(groupOf(iso, node), topic)) === 0 ? true : undefined));
      }
      // To the home: submitted, forwarded, the correction request; back: received, correction requested and submitted, accepted.
      expect(replayed).toBeGreaterThanOrEqual(7);
      expect(await snapshot()).toEqual(before);
    } finally {
      await stopCities(cities);
    }
  });

  it("when the home node is killed mid-stream and restarted, then every case is applied exactly once", { timeout: 180_000 }, async () => {
    await provisionTopics(iso);
    const [xm] = (await startCities(iso, ["xiamen"])) as [CityNode];
    const quanzhouDb = xm.db.client.db(iso.dbName("quanzhou"));
    let child: ChildProcess | undefined;
    let supervising = true;
    const logFile = join(repoRoot, ".run", "logs", `delivery-quanzhou-${iso.topicPrefix}.log`);
    mkdirSync(dirname(logFile), { recursive: true });
    const log = openSync(logFile, "a");
    const startQuanzhou = () => {
      // The node itself, not a tsx wrapper process: SIGKILL must hit the process that consumes.
      child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "services/node/src/main.ts")], {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...nodeIdentityEnv("quanzhou"),
          TONGBAN_NODE: "quanzhou",
          TONGBAN_TOPIC_PREFIX: iso.topicPrefix,
          ...kafkaEnv(kafkaPrincipals.node("quanzhou")),
          MONGODB_URI: iso.mongoUri,
          MONGODB_DB: iso.dbName("quanzhou"),
          INTAKE_GRPC_PORT: "0",
          QUEUE_GRPC_PORT: "0",
          LOG_LEVEL: "warn",
          NODE_LEASE_TTL_MS: "2000",
          NODE_LEASE_RENEW_MS: "400",
        },
        // Its output, for a failure to be read afterwards.
        stdio: ["ignore", log, log],
      });
      // As a supervisor would: a node that exits on its own (e.g. refused by the lease of the one
      // killed, if it has not lapsed on the store's clock yet) is started again after a second.
      const started = child;
      started.once("exit", (code, signal) => {
        if (!supervising || signal === "SIGKILL" || started !== child) return;
        appendFileSync(logFile, `\n[test] node exited (${code ?? signal}); starting it again\n`);
        setTimeout(() => supervising && startQuanzhou(), 1_000);
      });
    };
    try {
      startQuanzhou();
      // Enough that the kill comes while cases are still arriving (a node applies ~100 per second).
      const total = 400;
      const caseIds: string[] = [];
      const submitting = (async () => {
        for (let i = 0; i < total; i += 10) {
          const batch = await Promise.all(
            Array.from({ length: 10 }, (_, j) =>
              apis(xm).submit(sampleSubmission(network.node("xiamen")!, "quanzhou", 20_000 + i + j, "CRASH")),
            ),
          );
          caseIds.push(...batch.map((b) => b.caseId));
        }
      })();
      await eventually(
        "quanzhou has applied some cases",
        async () => ((await quanzhouDb.collection("cases").countDocuments()) >= 10 ? true : undefined),
        60_000,
      );
      child!.kill("SIGKILL");
      await new Promise((r) => child!.once("exit", r));
      await submitting;
      const atCrash = await quanzhouDb.collection("cases").countDocuments();
      expect(atCrash).toBeLessThan(total);

      // One writer per city: the killed node never released its lease, so a new one starts once it expired.
      await eventually("the killed node's writer lease expired", async () => {
        const [lease] = await quanzhouDb.collection("node_lease").find().sort({ epoch: -1 }).limit(1).toArray();
        return lease && lease.expiresAt < new Date() ? true : undefined;
      });
      startQuanzhou();
      await eventually(
        "every case received on both sides",
        async () => {
          const home = await quanzhouDb.collection("cases").countDocuments({ status: "RECEIVED_BY_HOME" });
          const sent = await xm.db.db.collection("cases").countDocuments({ role: "receiving", status: "RECEIVED_BY_HOME" });
          return home === total && sent === total ? true : undefined;
        },
        120_000,
      );
      for (const node of ["quanzhou", "xiamen"]) {
        const topic = topics.inbound(iso.topicPrefix, node);
        await eventually(`${node} caught up`, async () => ((await bus.lag(groupOf(iso, node), topic)) === 0 ? true : undefined), 60_000);
      }

      const home = await quanzhouDb
        .collection("cases")
        .find({}, { projection: { seq: 1, status: 1 } })
        .toArray();
      expect(home).toHaveLength(total);
      expect(new Set(home.map((d) => d._id))).toEqual(new Set(caseIds));
      expect(home.every((d) => d.seq === 3)).toBe(true);
      expect(await quanzhouDb.collection("inbox").countDocuments()).toBe(2 * total);
      const sent = await xm.db.db
        .collection("cases")
        .find({ role: "receiving" }, { projection: { seq: 1 } })
        .toArray();
      expect(sent.every((d) => d.seq === 3)).toBe(true);
      expect(await xm.db.db.collection("inbox").countDocuments({ type: "case.received" })).toBe(total);
    } finally {
      supervising = false;
      closeSync(log);
      if (child && child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child!.once("exit", r));
      }
      await quanzhouDb.dropDatabase();
      await stopCities([xm]);
    }
  });
});
