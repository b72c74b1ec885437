import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VerificationOutcome } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { callUnary } from "@tongban/rpc";
import { apis, queuedIn } from "../support/clients";
import { type CityRegistry, certsTargetsOf, startRegistries, startRegistry, stopRegistries, stopRegistry } from "../support/certsNetwork";
import { type CityNode, type Isolation, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";
import { certOf, registryClients, unknownCertificateId } from "./support";

const O = VerificationOutcome;
const xiamen = network.node("xiamen")!;

describe("intake verifies referenced certificates with the issuing cities' registries", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let regs: CityRegistry[];
  const clients = registryClients();
  const city = (id: string) => cities.find((c) => c.id === id)!;
  const reg = (id: string) => regs.find((r) => r.id === id)!;

  beforeAll(async () => {
    iso = isolation();
    regs = await startRegistries(iso);
    cities = await startCities(iso, undefined, undefined, {
      certsTargets: certsTargetsOf(regs),
      certsBudgetMs: 1_500,
      certsDeadlineMs: 500,
      certsHalfOpenMs: 300,
      certsReverifyMs: 300,
      // Every lookup reaches its registry here; the positive cache is covered by unit tests.
      certsCacheTtlMs: 0,
    });
  });
  afterAll(async () => {
    clients.close();
    await stopRegistries(regs);
    await stopCities(cities);
  });

  it("when a Xiamen window submits a Zhangzhou case citing certificates of three cities, then the home authority sees each outcome, who verified it and when", async () => {
    const own = certOf("郑雅琴", "quanzhou", "职业资格证书");
    const revoked = certOf("郑雅琴", "zhangzhou", "职业资格证书");
    const local = certOf("郑雅琴", "xiamen", "机动车驾驶证");
    const someoneElses = certOf("蔡振华", "quanzhou", "不动产权证书");
    const req = sampleSubmission(xiamen, "zhangzhou", 101, "CERT", { certificates: [own, revoked, local, someoneElses] });
    req.certificates.push({ certificateId: unknownCertificateId("quanzhou"), number: own.number });

    const res = await apis(city("xiamen")).submit(req);
    const item = await queuedIn(city("zhangzhou"), res.caseId, "RECEIVED_BY_HOME");
    const checks = item.certificateChecks;
    expect(checks.map((c) => [c.certificateId, c.outcome, c.verifiedBy])).toEqual([
      [own.certificateId, O.VERIFICATION_OUTCOME_VALID, "quanzhou"],
      [revoked.certificateId, O.VERIFICATION_OUTCOME_REVOKED, "zhangzhou"],
      [local.certificateId, O.VERIFICATION_OUTCOME_VALID, "xiamen"],
      [someoneElses.certificateId, O.VERIFICATION_OUTCOME_HOLDER_MISMATCH, "quanzhou"],
      [unknownCertificateId("quanzhou"), O.VERIFICATION_OUTCOME_NOT_FOUND, "quanzhou"],
    ]);
    for (const c of checks) {
      expect(c).toMatchObject({ requestedBy: "xiamen", operator: req.windowClerk });
      expect(c.verifiedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(checks[0]).toMatchObject({ issuerName: own.issuerName, issuerCode: own.issuerCode, typeName: own.typeName });
    expect(item.case!.certificatesUnverified).toBe(0);

    // The registry's audit names this case, its item and the clerk as the purpose of the lookup.
    const audited = await reg("quanzhou").certs.audit.records.find({ "purpose.caseId": res.caseId }).toArray();
    expect(audited).toHaveLength(3);
    expect(audited[0]!.purpose).toEqual({
      caseId: res.caseId,
      itemCode: req.itemCode,
      requestingNode: "xiamen",
      operator: req.windowClerk,
    });
    expect(audited.map((a) => a.caller)).toEqual(Array(3).fill("spiffe://tongban/xiamen/node/xiamen"));
  });

  it("when the issuing registry is down during intake, then the case is still forwarded at once, UNVERIFIED, and re-verified when the registry is back", async () => {
    const cert = certOf("洪建平", "quanzhou", "机动车驾驶证");
    const qz = reg("quanzhou");
    const port = qz.port;
    await stopRegistry(qz);
    regs = regs.filter((r) => r !== qz);

    const req = sampleSubmission(xiamen, "zhangzhou", 102, "CERT", { certificates: [cert] });
    const started = Date.now();
    const res = await apis(city("xiamen")).submit(req);
    expect(Date.now() - started).toBeLessThan(2_500);

    const item = await queuedIn(city("zhangzhou"), res.caseId, "RECEIVED_BY_HOME");
    expect(item.certificateChecks[0]).toMatchObject({
      certificateId: cert.certificateId,
      outcome: O.VERIFICATION_OUTCOME_UNVERIFIED,
      registryNode: "quanzhou",
      verifiedBy: "",
      detail: expect.stringContaining("quanzhou"),
    });
    expect(item.case!.certificatesUnverified).toBe(1);
    expect((await apis(city("xiamen")).sentCase(res.caseId)).certificatesUnverified).toBe(1);

    regs.push(await startRegistry(iso, "quanzhou", port));

    const verified = await eventually("zhangzhou learns the re-verification", async () => {
      const it = await apis(city("zhangzhou")).queued(res.caseId);
      return it?.certificateChecks[0]?.outcome === O.VERIFICATION_OUTCOME_VALID ? it : undefined;
    });
    expect(verified.certificateChecks[0]).toMatchObject({ verifiedBy: "quanzhou", requestedBy: "xiamen", issuerCode: cert.issuerCode });
    expect(verified.case!.certificatesUnverified).toBe(0);
    expect(verified.case!.state).toBe("RECEIVED_BY_HOME");
    const sent = await eventually("xiamen records it", async () => {
      const c = await apis(city("xiamen")).sentCase(res.caseId);
      return c.certificatesUnverified === 0 ? c : undefined;
    });
    expect(sent.seq).toBe(item.case!.seq);
  });

  it("when Quanzhou revokes a certificate an open Zhangzhou case relies on, then the case is flagged for the Zhangzhou authority and the Xiamen window", async () => {
    const cert = certOf("洪建平", "quanzhou", "职业资格证书");
    const other = sampleSubmission(xiamen, "zhangzhou", 104, "CERT", { certificates: [certOf("洪建平", "zhangzhou", "职业资格证书")] });
    const req = sampleSubmission(xiamen, "zhangzhou", 103, "CERT", { certificates: [cert] });
    const res = await apis(city("xiamen")).submit(req);
    const unrelated = await apis(city("xiamen")).submit(other);
    const item = await queuedIn(city("zhangzhou"), res.caseId, "RECEIVED_BY_HOME");
    expect(item.certificateChecks[0]!.outcome).toBe(O.VERIFICATION_OUTCOME_VALID);
    await queuedIn(city("zhangzhou"), unrelated.caseId, "RECEIVED_BY_HOME");

    // The issuing department revokes with its own certificate.
    const issuer = clients.as(reg("quanzhou").port, "quanzhou", "issuer", cert.issuerCode);
    await callUnary(issuer, issuer.revoke, {
      certificateId: cert.certificateId,
      issuerCode: cert.issuerCode,
      reason: "资格证书被撤销 / qualification withdrawn",
      operator: "official-qz-1",
    });

    const flagged = await eventually("zhangzhou flags the case", async () => {
      const it = await apis(city("zhangzhou")).queued(res.caseId);
      return it?.case?.certificateAlerts.length ? it : undefined;
    });
    expect(flagged.case!.certificateAlerts).toEqual([
      expect.objectContaining({ certificateId: cert.certificateId, kind: "REVOKED", registryNode: "quanzhou", reason: expect.any(String) }),
    ]);
    const window = await eventually("xiamen flags its sent case", async () => {
      const c = await apis(city("xiamen")).sentCase(res.caseId);
      return c.certificateAlerts.length ? c : undefined;
    });
    expect(window.certificateAlerts[0]!.certificateId).toBe(cert.certificateId);
    expect((await apis(city("zhangzhou")).queued(unrelated.caseId))!.case!.certificateAlerts).toEqual([]);

    // A later lookup of the revoked certificate says so.
    const again = await apis(city("xiamen")).submit(sampleSubmission(xiamen, "zhangzhou", 105, "CERT", { certificates: [cert] }));
    const later = await queuedIn(city("zhangzhou"), again.caseId, "RECEIVED_BY_HOME");
    expect(later.certificateChecks[0]!.outcome).toBe(O.VERIFICATION_OUTCOME_REVOKED);
  });
});
