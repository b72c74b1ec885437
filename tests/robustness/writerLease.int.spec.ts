import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleSubmission } from "@tongban/demo";
import { startNode } from "@tongban/node";
import { callUnary } from "@tongban/rpc";
import { LeaseHeldError, type LeaseDoc, type MongoHandle, NODE_LEASE, NodeLease, connectMongo } from "@tongban/store";
import { eventually, intakeClientOf, isolation, network, nodeConfig, provisionTopics, quietLogger } from "../support/testNetwork";
import { type NodeProcess, listening, msgOf, spawnNode } from "./nodeProcess";

// Each process writes its log here; the last lines are what the tests read.
const logsDir = mkdtempSync(join(tmpdir(), "tongban-robustness-"));

describe("one writer per city", () => {
  const iso = isolation();
  let mongo: MongoHandle;
  const procs: NodeProcess[] = [];
  const latest = async (node: string) =>
    (await mongo.db.collection<LeaseDoc>(NODE_LEASE).find({ node }).sort({ epoch: -1 }).limit(1).toArray())[0];

  beforeAll(async () => {
    mongo = await connectMongo(iso.mongoUri, iso.dbName("lease"));
  });
  afterAll(async () => {
    for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
    await mongo.db.dropDatabase();
    await mongo.close();
    for (const city of ["quanzhou", "xiamen", "zhangzhou"]) {
      const db = await connectMongo(iso.mongoUri, iso.dbName(city));
      await db.db.dropDatabase();
      await db.close();
    }
  });

  it("when several starters race for an expired lease, then exactly one wins the next epoch and the others are refused", async () => {
    const opts = { node: "race", ttlMs: 500, renewMs: 100, onLost: () => undefined };
    const first = await NodeLease.acquire(mongo.db, opts);
    await first.abandon();
    await eventually("the first lease expired", async () => ((await latest("race"))!.expiresAt < new Date() ? true : undefined));
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => NodeLease.acquire(mongo.db, opts)));
    const won = results.filter((r): r is PromiseFulfilledResult<NodeLease> => r.status === "fulfilled").map((r) => r.value);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    expect(won).toHaveLength(1);
    expect(won[0]!.epoch).toBe(2);
    expect(refused).toHaveLength(4);
    for (const e of refused) expect(e).toBeInstanceOf(LeaseHeldError);
    await won[0]!.release();
  });

  it("when a holder's heartbeats stopped and another took the lease, then the old holder learns it lost it at its next heartbeat", async () => {
    const lost: string[] = [];
    const old = await NodeLease.acquire(mongo.db, { node: "lost", ttlMs: 400, renewMs: 100_000, onLost: (r) => lost.push(r) });
    await old.abandon();
    await eventually("expired", async () => ((await latest("lost"))!.expiresAt < new Date() ? true : undefined));
    expect(old.valid()).toBe(false);
    const next = await NodeLease.acquire(mongo.db, { node: "lost", ttlMs: 2_000, renewMs: 100_000, onLost: () => undefined });
    await old.renew();
    expect(lost).toEqual([`epoch 2 was taken by ${next.holder}`]);
    expect(next.valid()).toBe(true);
    await next.release();
  });

  it("when a heartbeat completes only after the lease's TTL has run out here, then the lease is lost and reports invalid", async () => {
    const lost: string[] = [];
    const lease = await NodeLease.acquire(mongo.db, { node: "stalled", ttlMs: 300, renewMs: 100_000, onLost: (r) => lost.push(r) });
    expect(lease.valid()).toBe(true);
    // The heartbeat starts, then the process stalls (blocked event loop) for longer than the TTL.
    const renewing = lease.renew();
    const until = performance.now() + 450;
    while (performance.now() < until) {
      // busy: nothing else in this process runs
    }
    await renewing;
    expect(lost).toHaveLength(1);
    expect(lost[0]).toContain("after the lease had expired");
    expect(lease.valid()).toBe(false);
    expect(() => lease.assertValid()).toThrow(expect.objectContaining({ name: "WriterLeaseLostError" }));
    // Lost for good: a later heartbeat in time does not revive it.
    await lease.renew();
    expect(lease.valid()).toBe(false);
    expect(lost).toHaveLength(1);
  });

  it(
    "when a node's lease was taken over by another process, then a submission to it gets UNAVAILABLE and nothing is written",
    { timeout: 60_000 },
    async () => {
      await provisionTopics(iso);
      const fatal: string[] = [];
      const node = await startNode({
        config: { ...nodeConfig(iso, "xiamen"), leaseTtlMs: 800, leaseRenewMs: 100 },
        network,
        logger: quietLogger("node"),
        onFatal: (r) => fatal.push(r),
      });
      const client = intakeClientOf("xiamen", node.intakePort);
      const db = await connectMongo(iso.mongoUri, iso.dbName("xiamen"));
      try {
        const xiamen = network.node("xiamen")!;
        // While it holds the lease it writes.
        await callUnary(client, client.submitCase, sampleSubmission(xiamen, "quanzhou", 1, "LEASE"));
        expect(await db.db.collection("cases").countDocuments({})).toBe(1);

        // Its heartbeat stops (a stalled link or a paused process) and a starter takes the city.
        await node.lease.abandon();
        const successor = await NodeLease.acquire(db.db, { node: "xiamen", ttlMs: 5_000, renewMs: 1_000, onLost: () => undefined });
        expect(successor.epoch).toBe(node.lease.epoch + 1);
        expect(node.lease.valid()).toBe(false);

        const refused = await callUnary(client, client.submitCase, sampleSubmission(xiamen, "quanzhou", 2, "LEASE")).then(
          () => undefined,
          (err: { code?: number }) => err,
        );
        expect(refused?.code).toBe(status.UNAVAILABLE);
        expect(await db.db.collection("cases").countDocuments({})).toBe(1);
        await successor.release();
      } finally {
        client.close();
        await node.stop();
        await db.close();
      }
    },
  );

  it(
    "when a start fails after taking the lease, then it releases the lease and the next start succeeds at once",
    { timeout: 60_000 },
    async () => {
      await provisionTopics(iso);
      // The intake port is taken, so the start fails after the lease was acquired.
      const blocker = createServer();
      const port = await new Promise<number>((resolve) =>
        blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)),
      );
      const config = { ...nodeConfig(iso, "zhangzhou"), grpcHost: "127.0.0.1", leaseTtlMs: 30_000, leaseRenewMs: 1_000 };
      try {
        await expect(
          startNode({ config: { ...config, intakePort: port }, network, logger: quietLogger("node"), onFatal: () => undefined }),
        ).rejects.toThrow();
      } finally {
        blocker.close();
      }
      const failed = (await leaseOf(iso.dbName("zhangzhou"), "zhangzhou"))!;
      expect(failed.releasedAt).toBeInstanceOf(Date);

      // Without the release the next start would wait a whole TTL (30 s) and then refuse.
      const started = performance.now();
      const node = await startNode({ config, network, logger: quietLogger("node"), onFatal: () => undefined });
      try {
        expect(performance.now() - started).toBeLessThan(15_000);
        expect(node.lease.epoch).toBe(failed.epoch + 1);
      } finally {
        await node.stop();
      }
    },
  );

  it("when the holder's clock is 5 minutes behind or ahead, then a starter still refuses a live holder and takes over from a dead one", async () => {
    const FIVE_MIN = 5 * 60_000;
    const behind = await NodeLease.acquire(mongo.db, {
      node: "skew-behind",
      ttlMs: 600,
      renewMs: 100,
      onLost: () => undefined,
      now: () => new Date(Date.now() - FIVE_MIN),
    });
    // Its expiry looks long past to this clock, but its heartbeat goes on.
    await expect(
      NodeLease.acquire(mongo.db, { node: "skew-behind", ttlMs: 600, renewMs: 100, onLost: () => undefined }),
    ).rejects.toBeInstanceOf(LeaseHeldError);
    expect(behind.valid()).toBe(true);
    await behind.release();

    const ahead = await NodeLease.acquire(mongo.db, {
      node: "skew-ahead",
      ttlMs: 600,
      renewMs: 100,
      onLost: () => undefined,
      now: () => new Date(Date.now() + FIVE_MIN),
    });
    await ahead.abandon();
    // Its expiry looks 5 minutes away to this clock, but no heartbeat comes any more.
    const next = await NodeLease.acquire(mongo.db, { node: "skew-ahead", ttlMs: 600, renewMs: 100, onLost: () => undefined });
    expect(next.epoch).toBe(ahead.epoch + 1);
    await next.release();
  });

  it(
    "when a second node process starts for a running city, then it refuses with a clear error and exits non-zero; once the first is killed and its lease expired, a new one starts with the next epoch",
    { timeout: 150_000 },
    async () => {
      await provisionTopics(iso);
      const env = { NODE_LEASE_TTL_MS: "3000", NODE_LEASE_RENEW_MS: "500" };
      const first = spawnNode(iso, "quanzhou", join(logsDir, `${iso.topicPrefix}-first.log`), env);
      procs.push(first);
      await listening(first);
      const held = (await leaseOf(iso.dbName("quanzhou")))!;
      expect(held.holder).toContain(`:${first.proc.pid}:`);

      const second = spawnNode(iso, "quanzhou", join(logsDir, `${iso.topicPrefix}-second.log`), env);
      procs.push(second);
      expect(await second.exited).toBe(1);
      const refusal = second.lines().join("\n");
      expect(refusal).toContain("节点 quanzhou 已有写入进程在运行");
      expect(refusal).toContain(`node quanzhou already has a running writer (holder ${held.holder}, epoch ${held.epoch}`);
      expect(second.lines().some((l) => msgOf(l) === "exchange node listening")).toBe(false);

      first.proc.kill("SIGKILL");
      await first.exited;
      await eventually("the killed node's lease expired", async () =>
        (await leaseOf(iso.dbName("quanzhou")))!.expiresAt < new Date() ? true : undefined,
      );
      const third = spawnNode(iso, "quanzhou", join(logsDir, `${iso.topicPrefix}-third.log`), env);
      procs.push(third);
      await listening(third);
      const taken = (await leaseOf(iso.dbName("quanzhou")))!;
      expect(taken.epoch).toBe(held.epoch + 1);
      expect(taken.holder).toContain(`:${third.proc.pid}:`);

      third.proc.kill("SIGTERM");
      expect(await third.exited).toBe(0);
      expect(msgOf(third.lines().at(-1)!)).toBe("stopped");
      expect((await leaseOf(iso.dbName("quanzhou")))!.releasedAt).toBeInstanceOf(Date);
    },
  );

  async function leaseOf(db: string, node = "quanzhou"): Promise<LeaseDoc | undefined> {
    return (await mongo.client.db(db).collection<LeaseDoc>(NODE_LEASE).find({ node }).sort({ epoch: -1 }).limit(1).toArray())[0];
  }
});
