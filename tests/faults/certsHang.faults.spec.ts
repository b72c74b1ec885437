import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VerificationOutcome } from "@tongban/contracts";
import { demoCertificates, sampleSubmission } from "@tongban/demo";
import { FaultNetwork, network } from "./support/faultNetwork";
import type { LoadGenerator } from "./support/loadGenerator";
import { recordVerdict, runScenario } from "./support/scenario";

const BUDGET_MS = 1_500;
const HANG_MS = 15_000;
const UNVERIFIED = VerificationOutcome.VERIFICATION_OUTCOME_UNVERIFIED;
/** Person certificates held by Quanzhou's registry: every case cites one, so every intake asks Quanzhou. */
const quanzhouCerts = demoCertificates(network.nodes).filter((c) => c.registryNode === "quanzhou" && c.holderIdType !== "CREDIT_CODE");

/** Breaker transitions for one target, in the order a node logged them. */
function breakerLog(file: string, target: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line) => {
      try {
        const e = JSON.parse(line) as { msg?: string; target?: string };
        return e.target === target && e.msg?.startsWith("certificate registry circuit") ? [e.msg.split(" ")[3]!.replace(",", "")] : [];
      } catch {
        return [];
      }
    });
}

describe("a certificate registry that hangs", () => {
  const net = new FaultNetwork({
    registries: true,
    env: Object.fromEntries(
      network.nodes.map((n) => [
        n.id,
        { CERTS_VERIFY_BUDGET_MS: String(BUDGET_MS), CERTS_CACHE_TTL_MS: "0", CERTS_REVERIFY_INTERVAL_MS: "2000" },
      ]),
    ),
  });
  beforeAll(() => net.start());
  afterAll(() => net.stop());

  it("when Quanzhou's registry hangs (SIGSTOP) under load, then intake answers within its budget with UNVERIFIED, the breaker opens, half-opens and closes, and every case is re-verified once it answers", async () => {
    const registry = net.city("quanzhou").registry;
    let hang = { at: 0, until: 0 };
    let load: LoadGenerator | undefined;
    const v = await runScenario(net, {
      id: "certs-hang",
      fault: `certificate registry hangs (SIGSTOP, ${HANG_MS / 1_000} s); intake budget ${BUDGET_MS} ms`,
      load: {
        concurrency: 12,
        request: (from, to, n, prefix) =>
          sampleSubmission(network.node(from)!, to, n, prefix, { certificates: [quanzhouCerts[n % quanzhouCerts.length]!] }),
      },
      inject: async (l) => {
        load = l;
        const at = Date.now();
        registry.pause();
        await new Promise((r) => setTimeout(r, HANG_MS));
        registry.resume();
        hang = { at, until: Date.now() };
        return { at, healedAt: hang.until };
      },
    });
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0, deadLetters: 0 });
    expect(v.delivered).toBe(v.acknowledged);

    // Every case re-verified on the window's side and the home authority told.
    const pending = async () => {
      let n = 0;
      for (const c of net.cities) {
        n += await c.db.collection("cases").countDocuments({ role: "receiving", certificatesPending: true });
        n += await c.db.collection("cases").countDocuments({ role: "home", certificateChecks: { $elemMatch: { outcome: UNVERIFIED } } });
      }
      return n;
    };
    const deadline = Date.now() + 90_000;
    while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    const reverifiedAfterS = Math.round((Date.now() - hang.until) / 100) / 10;
    expect(await pending()).toBe(0);

    // Cases taken in during the hang were answered within the budget (plus scheduling slack), UNVERIFIED.
    const during = [];
    for (const c of net.cities) {
      during.push(
        ...(await c.db
          .collection("cases")
          .find(
            { role: "receiving", createdAt: { $gte: new Date(hang.at + 3_000), $lte: new Date(hang.until) } },
            { projection: { submission: 1 } },
          )
          .toArray()),
      );
    }
    const unverifiedAtIntake = during.filter((d) =>
      d.submission.certificateChecks.some((c: { outcome: VerificationOutcome }) => c.outcome === UNVERIFIED),
    );
    expect(during.length).toBeGreaterThan(20);
    expect(unverifiedAtIntake.length).toBe(during.length);
    const latencies = load!.acked
      .filter((a) => a.ackedAt >= hang.at + 3_000 && a.ackedAt <= hang.until)
      .map((a) => a.latencyMs)
      .sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? 0;
    const max = latencies[latencies.length - 1] ?? 0;
    const before = load!.acked
      .filter((a) => a.ackedAt < hang.at)
      .map((a) => a.latencyMs)
      .sort((a, b) => a - b);
    const p95Before = before[Math.floor(before.length * 0.95)] ?? 0;

    const transitions = net.cities.map((c) => breakerLog(c.node.logFile, "quanzhou"));
    const sawCycle = transitions.some((t) => {
      const opened = t.indexOf("opened");
      const half = t.indexOf("half-open", opened);
      return opened >= 0 && half > opened && t.indexOf("closed", half) > half;
    });
    expect(sawCycle).toBe(true);
    recordVerdict({
      ...v,
      notes: {
        intakeP95MsBefore: p95Before,
        intakeP95MsDuringHang: p95,
        intakeMaxMsDuringHang: max,
        unverifiedAtIntake: unverifiedAtIntake.length,
        reverifiedAfterSeconds: reverifiedAfterS,
        breaker: transitions,
      },
    });
    // Intake never failed a call, and the hang added no more than the budget to its answers (the
    // rest of an answer's time is the machine's own queueing under this load, measured before the hang).
    expect([...load!.refusals.keys()]).toEqual([]);
    expect(p95).toBeLessThanOrEqual(p95Before + BUDGET_MS + 1_000);
  });
});
