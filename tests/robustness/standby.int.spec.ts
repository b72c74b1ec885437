import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IntakeServiceClient } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { callUnary } from "@tongban/rpc";
import { freePort } from "../../deploy/local/localProcess";
import { queuedIn } from "../support/clients";
import {
  type CityNode,
  type Isolation,
  eventually,
  intakeClientOf,
  isolation,
  network,
  startCities,
  stopCities,
} from "../support/testNetwork";
import { type NodeProcess, listening, msgOf, spawnNode } from "./nodeProcess";

// A city survives losing its node process: a standby process of the same city waits on the
// writer lease and takes over when the active one is killed, while windows keep submitting.

const logs = new URL("../../test-artifacts/standby/", import.meta.url).pathname;
const xiamen = network.node("xiamen")!;

describe("a city's standby node process", () => {
  let iso: Isolation;
  let home: CityNode[];
  const running: NodeProcess[] = [];

  beforeAll(async () => {
    mkdirSync(logs, { recursive: true });
    iso = isolation();
    home = await startCities(iso, ["quanzhou"]);
  });
  afterAll(async () => {
    for (const p of running) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGTERM");
    await Promise.all(running.map((p) => p.exited));
    await stopCities(home);
  });

  it(
    "when the active Xiamen node is killed (SIGKILL) while windows submit, then the standby takes over within 15 s and every acknowledged case reaches Quanzhou exactly once",
    { timeout: 180_000 },
    async () => {
      const [intakePort, queuePort] = [await freePort(), await freePort()];
      const env = {
        INTAKE_GRPC_PORT: String(intakePort),
        QUEUE_GRPC_PORT: String(queuePort),
        NODE_LEASE_TTL_MS: "3000",
        NODE_LEASE_RENEW_MS: "500",
        KAFKA_SESSION_TIMEOUT_MS: "6000",
      };
      const active = spawnNode(iso, "xiamen", join(logs, `active-${iso.topicPrefix}.log`), env);
      running.push(active);
      await listening(active);
      const standby = spawnNode(iso, "xiamen", join(logs, `standby-${iso.topicPrefix}.log`), { ...env, NODE_STANDBY: "true" });
      running.push(standby);
      await eventually("the standby waiting", async () =>
        standby.lines().some((l) => msgOf(l) === "standby: the city's writer is alive; waiting to take over") ? true : undefined,
      );
      expect(standby.lines().some((l) => msgOf(l) === "exchange node listening")).toBe(false);

      // Windows submit without pause; a failed call is retried with the same receipt number on a
      // fresh channel (a retry of a case that was registered returns that case).
      const acked = new Map<string, string>();
      let n = 0;
      let stop = false;
      let firstAckAfterKill: number | undefined;
      let killedAt: number | undefined;
      let client: IntakeServiceClient = intakeClientOf("xiamen", intakePort);
      const window = async () => {
        while (!stop) {
          const req = sampleSubmission(xiamen, "quanzhou", n++, "STBY");
          for (;;) {
            // Only an attempt made after the kill proves the standby answers (an answer already on
            // its way from the killed node may still arrive).
            const attemptAt = performance.now();
            try {
              const res = await callUnary(client, client.submitCase, req, 3_000);
              acked.set(req.receiptNo, res.caseId);
              if (killedAt !== undefined && attemptAt > killedAt) firstAckAfterKill ??= performance.now();
              break;
            } catch {
              client.close();
              client = intakeClientOf("xiamen", intakePort);
              await new Promise((r) => setTimeout(r, 100));
            }
          }
        }
      };
      const windows = [window(), window(), window()];
      await eventually("30 cases acknowledged", async () => (acked.size >= 30 ? true : undefined));

      killedAt = performance.now();
      active.proc.kill("SIGKILL");
      await listening(standby, 60_000);
      const listeningAt = performance.now();
      await eventually("a case acknowledged by the standby", async () => (firstAckAfterKill !== undefined ? true : undefined), 60_000);
      const countAtTakeover = acked.size;
      await eventually("30 more cases acknowledged", async () => (acked.size >= countAtTakeover + 30 ? true : undefined), 60_000);
      stop = true;
      await Promise.all(windows);
      client.close();

      const takeoverMs = firstAckAfterKill! - killedAt;
      console.log(
        `[standby] takeover after SIGKILL: first submission acknowledged by the standby after ${Math.round(takeoverMs)} ms, fully started (consumers included) after ${Math.round(listeningAt - killedAt)} ms; ${acked.size} cases acknowledged`,
      );
      expect(takeoverMs).toBeLessThan(15_000);
      expect(standby.lines().some((l) => msgOf(l) === "standby taking over the city")).toBe(true);

      // Every acknowledged case reaches the home once: one case per receipt at both ends.
      const qz = home[0]!;
      for (const caseId of acked.values()) await queuedIn(qz, caseId, "RECEIVED_BY_HOME");
      const receipts = [...acked.keys()].map((r) => `xiamen:${r}`);
      const atHome = await qz.db.db.collection("cases").countDocuments({ receiptKey: { $in: receipts } });
      expect(atHome).toBe(acked.size);
      expect(await qz.db.db.collection("cases").countDocuments({})).toBe(acked.size);
      expect(new Set(acked.values()).size).toBe(acked.size);
    },
  );
});
