import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMongo } from "@tongban/store";
import { isolation, provisionTopics } from "../support/testNetwork";
import { type NodeProcess, listening, msgOf, spawnNode } from "./nodeProcess";
import { type TcpProxy, startTcpProxy } from "./tcpProxy";

// Each process writes its log here; the last lines are what the tests read.
const logsDir = mkdtempSync(join(tmpdir(), "tongban-robustness-"));

describe("stopping a node process", () => {
  const iso = isolation();
  const procs: NodeProcess[] = [];
  let proxy: TcpProxy;

  beforeAll(async () => {
    await provisionTopics(iso);
    proxy = await startTcpProxy(new URL(iso.mongoUri).host);
  });
  afterAll(async () => {
    for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
    await proxy.close();
    for (const city of ["zhangzhou", "xiamen"]) {
      const db = await connectMongo(iso.mongoUri, iso.dbName(city));
      await db.db.dropDatabase();
      await db.close();
    }
  });

  /** Sends SIGTERM and measures until the process has exited. */
  async function terminate(p: NodeProcess) {
    const started = Date.now();
    p.proc.kill("SIGTERM");
    const code = await p.exited;
    return { code, ms: Date.now() - started, last: msgOf(p.lines().at(-1) ?? "") };
  }

  it(
    "when its store was cut off, then SIGTERM still ends it within the deadline, its last log line written",
    { timeout: 120_000 },
    async () => {
      proxy.restore();
      const node = spawnNode(iso, "zhangzhou", join(logsDir, `${iso.topicPrefix}-cut.log`), {
        MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}/`,
        SHUTDOWN_DEADLINE_MS: "8000",
        NODE_LEASE_TTL_MS: "2000",
        NODE_LEASE_RENEW_MS: "400",
      });
      procs.push(node);
      await listening(node);
      proxy.cut();
      const { code, ms, last } = await terminate(node);
      // The deadline plus the bounded log flush.
      expect(ms).toBeLessThan(8_000 + 2_500);
      expect(["stopped", "shutdown deadline passed, exiting"]).toContain(last);
      expect(code).toBe(last === "stopped" ? 0 : 1);
      expect(node.lines().some((l) => msgOf(l) === "shutting down")).toBe(true);
    },
  );

  it(
    "when its store stops answering (a partition, not a reset), then the shutdown deadline ends it: the deadline line is the last in its log and the exit is non-zero",
    { timeout: 120_000 },
    async () => {
      const stalling = await startTcpProxy(new URL(iso.mongoUri).host);
      // Another city: zhangzhou's lease could not be released while its store was cut off.
      const node = spawnNode(iso, "xiamen", join(logsDir, `${iso.topicPrefix}-deadline.log`), {
        MONGODB_URI: `mongodb://127.0.0.1:${stalling.port}/`,
        SHUTDOWN_DEADLINE_MS: "1000",
        NODE_LEASE_TTL_MS: "2000",
        NODE_LEASE_RENEW_MS: "400",
      });
      procs.push(node);
      try {
        await listening(node);
        stalling.stall();
        const { code, ms, last } = await terminate(node);
        expect(last).toBe("shutdown deadline passed, exiting");
        expect(code).toBe(1);
        expect(ms).toBeGreaterThanOrEqual(1_000);
        expect(ms).toBeLessThan(1_000 + 2_500);
      } finally {
        await stalling.close();
      }
    },
  );
});
