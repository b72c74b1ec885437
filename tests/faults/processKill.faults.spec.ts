import { afterEach, describe, expect, inject, it } from "vitest";
import type { Db } from "mongodb";
import { CASE_LOG, CHECKPOINTS, LogOutbox } from "@tongban/exchange";
import { markerId } from "@tongban/store";
import { KAFKA_PROXY, faultFerret, faultPorts, kafkaViaProxy } from "./support/faultInfra";
import { FaultNetwork } from "./support/faultNetwork";
import { runScenario } from "./support/scenario";
import { Toxiproxy } from "./support/toxiproxy";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("processes killed with SIGKILL mid-stream", () => {
  let net: FaultNetwork | undefined;
  afterEach(async () => {
    await net?.stop();
    net = undefined;
  });

  it("when the store is killed under load and restarted, then every acknowledged case reaches its home queue once, in order", async () => {
    net = new FaultNetwork();
    await net.start();
    const v = await runScenario(net, {
      id: "store-kill",
      fault: "store (FerretDB) killed (SIGKILL) mid-stream, restarted",
      inject: async () => {
        const pid = faultFerret.pid();
        expect(pid).toBeDefined();
        const at = Date.now();
        process.kill(pid!, "SIGKILL");
        await pause(5_000);
        await faultFerret.start();
        return { at, healedAt: Date.now() };
      },
    });
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
    expect(v.delivered).toBe(v.acknowledged);
  });

  it("when a window node is killed after acknowledging cases it could not publish yet, then its restart publishes them and each reaches its home queue once", async () => {
    const toxi = new Toxiproxy(inject("toxiproxyApi"));
    await toxi.proxy(KAFKA_PROXY, kafkaViaProxy, `127.0.0.1:${faultPorts.kafkaFaultyListener}`);
    // Xiamen reaches the broker only through the proxy, so its publishing can be held back on purpose.
    net = new FaultNetwork({ env: { xiamen: { KAFKA_BROKERS: kafkaViaProxy } } });
    await net.start();
    const xiamen = net.city("xiamen");
    const v = await runScenario(net, {
      id: "window-node-kill",
      fault: "window node killed (SIGKILL) between its write and its publish, restarted",
      inject: async (load) => {
        const at = Date.now();
        await toxi.enable(KAFKA_PROXY, false);
        const before = load.acked.filter((a) => a.from === "xiamen").length;
        const deadline = Date.now() + 60_000;
        while (load.acked.filter((a) => a.from === "xiamen").length < before + 30 && Date.now() < deadline) await pause(100);
        await xiamen.node.kill9();
        // Written and acknowledged, never published: new cases in the log batches after the relay's checkpoint.
        const unpublished = await newCasesAfterCheckpoint(xiamen.db);
        await toxi.enable(KAFKA_PROXY, true);
        await xiamen.node.start();
        return { at, healedAt: Date.now(), notes: { acknowledgedUnpublishedAtKill: unpublished, startsRefused: xiamen.node.restarts } };
      },
    });
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
    expect(v.delivered).toBe(v.acknowledged);
    expect(v.notes?.acknowledgedUnpublishedAtKill).toBeGreaterThanOrEqual(30);
  });

  it("when a home node is killed under load and restarted, then every acknowledged case reaches its home queue once, in order", async () => {
    net = new FaultNetwork();
    await net.start();
    const quanzhou = net.city("quanzhou");
    const v = await runScenario(net, {
      id: "home-node-kill",
      fault: "home node killed (SIGKILL) mid-stream, restarted",
      inject: async () => {
        const at = Date.now();
        await quanzhou.node.kill9();
        await pause(3_000);
        await quanzhou.node.start();
        return { at, healedAt: Date.now(), notes: { startsRefused: quanzhou.node.restarts } };
      },
    });
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
    expect(v.delivered).toBe(v.acknowledged);
  });
});

/** Cases created (rev 1 rows) in the case-log batches the relay had not checkpointed as published. */
async function newCasesAfterCheckpoint(db: Db): Promise<number> {
  const rows = db.collection<{ _id: string; rows?: string[] }>(CASE_LOG);
  let count = 0;
  for (let n = (await LogOutbox.checkpointOf(db.collection(CHECKPOINTS))) + 1; ; n++) {
    const marker = await rows.findOne({ _id: markerId(n) });
    if (!marker) return count;
    count += (marker.rows ?? []).filter((id) => id.endsWith(":1")).length;
  }
}
