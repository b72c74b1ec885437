import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleSubmission } from "@tongban/demo";
import { startNode } from "@tongban/node";
import { apis, queuedIn } from "../support/clients";
import { type CityRegistry, certsTargetsOf, startRegistries, stopRegistries } from "../support/certsNetwork";
import {
  type CityNode,
  type Isolation,
  intakeClientOf,
  isolation,
  network,
  nodeConfig,
  queueClientOf,
  quietLogger,
  startCities,
  stopCities,
} from "../support/testNetwork";
import { certs } from "./support";

const xiamen = network.node("xiamen")!;

describe("a submission retried after the window node restarted", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let regs: CityRegistry[];
  const city = (id: string) => cities.find((c) => c.id === id)!;
  const auditRecords = () =>
    Promise.all(regs.map(async (r) => (await r.certs.audit.idle(), r.certs.audit.records.countDocuments()))).then((n) =>
      n.reduce((a, b) => a + b, 0),
    );

  beforeAll(async () => {
    iso = isolation();
    regs = await startRegistries(iso);
    cities = await startCities(iso, ["xiamen", "zhangzhou"], undefined, { certsTargets: certsTargetsOf(regs), certsCacheTtlMs: 0 });
  });
  afterAll(async () => {
    await stopRegistries(regs);
    await stopCities(cities);
  });

  it("when the same receipt comes again after a restart, then the first case is returned and its certificates are not looked up again", async () => {
    const cert = certs.find((c) => c.registryNode === "quanzhou")!;
    const request = sampleSubmission(xiamen, "zhangzhou", 311, "RETRY", { certificates: [cert] });
    const first = await apis(city("xiamen")).submit(request);
    await queuedIn(city("zhangzhou"), first.caseId, "RECEIVED_BY_HOME");
    const lookups = await auditRecords();

    // The window node restarts: what it knows of receipts is rebuilt from its store.
    const xm = city("xiamen");
    xm.intakeClient.close();
    xm.queueClient.close();
    await xm.node.stop();
    xm.node = await startNode({
      config: { ...nodeConfig(iso, "xiamen"), certsTargets: certsTargetsOf(regs), certsCacheTtlMs: 0 },
      network,
      logger: quietLogger("node"),
    });
    xm.intakeClient = intakeClientOf("xiamen", xm.node.intakePort);
    xm.queueClient = queueClientOf("xiamen", xm.node.queuePort);

    const again = await apis(xm).submit(request);
    expect(again.caseId).toBe(first.caseId);
    expect(await auditRecords()).toBe(lookups);
  });
});
