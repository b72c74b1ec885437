import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningCerts, startCerts } from "@tongban/certs";
import { type CertificateRegistryServiceClient, VerificationOutcome } from "@tongban/contracts";
import type { Role } from "@tongban/identity";
import { createLogger } from "@tongban/log";
import { callUnary, devTlsSettings, errorReasonOf } from "@tongban/rpc";
import { kafkaPrincipals } from "@tongban/runtime";
import { type Isolation, isolation, network, provisionTopics, kafkaSettings } from "../support/testNetwork";
import { certWhere, purpose, query, registryClients } from "./support";

const O = VerificationOutcome;
const LIMIT = 3;
const WINDOW_MS = 2_500;
const XIAMEN_NODE = "spiffe://tongban/xiamen/node/xiamen";

const refusal = (p: Promise<unknown>): Promise<ServiceError> =>
  p.then(
    () => {
      throw new Error("the call was answered, not refused");
    },
    (e: ServiceError) => e,
  );

describe("certificate registry access: nodes verify for their own city, issuers revoke their own, auditors check the chain, mismatches are limited", () => {
  let iso: Isolation;
  let certs: RunningCerts;
  const clients = registryClients();
  const logLines: Record<string, unknown>[] = [];
  const as = (city: string, role: Role, name?: string): CertificateRegistryServiceClient => clients.as(certs.port, city, role, name);
  const audit = () => certs.audit.records;

  const valid = certWhere("valid in quanzhou", (c) => c.registryNode === "quanzhou" && c.status === "valid");
  const mismatch = (i: number) => query(valid, { name: `某某${i}`, id: valid.holderId });

  beforeAll(async () => {
    iso = isolation();
    await provisionTopics(iso);
    certs = await startCerts({
      config: {
        node: "quanzhou",
        topicPrefix: iso.topicPrefix,
        ...kafkaSettings(kafkaPrincipals.registry("quanzhou")),
        mongoUri: iso.mongoUri,
        mongoDb: iso.dbName("quanzhou"),
        certsPort: 0,
        seedDemo: true,
        mismatchLimit: LIMIT,
        mismatchWindowMs: WINDOW_MS,
        ...devTlsSettings("quanzhou", "registry", "quanzhou"),
      },
      network,
      logger: createLogger({ service: "certs", level: "info", destination: { write: (line: string) => logLines.push(JSON.parse(line)) } }),
    });
  });
  afterAll(async () => {
    clients.close();
    await certs.store.docs.db.dropDatabase();
    await certs.stop();
  });

  it("when a department that did not issue a certificate revokes it, then it is refused and audited, whatever issuer code it sends; its issuer can", async () => {
    const c = certWhere(
      "valid in quanzhou with a second issuer",
      (x) => x.registryNode === "quanzhou" && x.status === "valid" && x.typeName === "结婚证",
    );
    const other = certWhere("another quanzhou issuer", (x) => x.registryNode === "quanzhou" && x.issuerCode !== c.issuerCode).issuerCode;
    const xiamenIssuer = certWhere("a xiamen issuer", (x) => x.registryNode === "xiamen").issuerCode;
    const req = { certificateId: c.certificateId, issuerCode: "", reason: "测试 / test", operator: "official-qz-1" };

    const stranger = as("quanzhou", "issuer", other);
    // Naming the true issuer in the request no longer decides anything: the certificate does.
    for (const issuerCode of ["", c.issuerCode, other]) {
      const e = await refusal(callUnary(stranger, stranger.revoke, { ...req, issuerCode }));
      expect(e.code).toBe(status.PERMISSION_DENIED);
      expect(errorReasonOf(e)).toBe("NOT_ISSUER");
      expect(e.details).toMatch(/颁发机构.* \/ .*issu/);
    }
    // The issuer itself may not name another code either.
    const issuer = as("quanzhou", "issuer", c.issuerCode);
    expect((await refusal(callUnary(issuer, issuer.revoke, { ...req, issuerCode: other }))).code).toBe(status.PERMISSION_DENIED);
    // Neither another city's issuer nor a node gets past the access table.
    for (const client of [as("xiamen", "issuer", xiamenIssuer), as("quanzhou", "node")]) {
      expect((await refusal(callUnary(client, client.revoke, { ...req, issuerCode: c.issuerCode }))).code).toBe(status.PERMISSION_DENIED);
    }

    const refused = await audit().find({ action: "refuse", certificateId: c.certificateId }).toArray();
    expect(refused.map((r) => r.caller)).toEqual([
      ...Array(3).fill(`spiffe://tongban/quanzhou/issuer/${other}`),
      `spiffe://tongban/quanzhou/issuer/${c.issuerCode}`,
    ]);
    expect(refused.every((r) => r.outcome === "REFUSED" && r.purpose.requestingNode === "quanzhou")).toBe(true);
    expect(logLines.filter((l) => l.audit === "access-denied" && String(l.method).endsWith("/Revoke")).map((l) => l.caller)).toEqual(
      expect.arrayContaining([`spiffe://tongban/quanzhou/issuer/${other}`, "spiffe://tongban/quanzhou/node/quanzhou"]),
    );
    const node = as("xiamen", "node");
    expect((await callUnary(node, node.verify, { purpose: purpose("01STILLVALID"), query: query(c) })).outcome).toBe(
      O.VERIFICATION_OUTCOME_VALID,
    );

    const done = await callUnary(issuer, issuer.revoke, { ...req, issuerCode: c.issuerCode });
    expect(done.alreadyRevoked).toBe(false);
    expect((await callUnary(node, node.verify, { purpose: purpose("01NOWREVOKED"), query: query(c) })).outcome).toBe(
      O.VERIFICATION_OUTCOME_REVOKED,
    );
  });

  it("when a window, an authority, an issuer or another city's registry calls Verify, then it is refused; nodes of every city are answered", async () => {
    const callers: [string, Role, string?][] = [
      ["quanzhou", "window"],
      ["quanzhou", "authority"],
      ["quanzhou", "issuer", valid.issuerCode],
      ["xiamen", "registry"],
      ["quanzhou", "registry"],
    ];
    for (const [city, role, name] of callers) {
      const client = as(city, role, name);
      const e = await refusal(callUnary(client, client.verify, { purpose: purpose("01NOTANODE", ""), query: query(valid) }));
      expect(e.code, `${role} of ${city}`).toBe(status.PERMISSION_DENIED);
      const b = await refusal(callUnary(client, client.verifyBatch, { purpose: purpose("01NOTANODE", ""), queries: [query(valid)] }));
      expect(b.code, `${role} of ${city}`).toBe(status.PERMISSION_DENIED);
    }
    for (const city of ["xiamen", "quanzhou", "zhangzhou"]) {
      const client = as(city, "node");
      const r = await callUnary(client, client.verify, { purpose: purpose("01ANODE", city), query: query(valid) });
      expect(r.outcome).toBe(O.VERIFICATION_OUTCOME_VALID);
    }
  });

  it("when a node leaves the requesting node empty, then the registry takes it from the node's certificate; when it names another city, then it is refused", async () => {
    const node = as("xiamen", "node");
    const res = await callUnary(node, node.verify, { purpose: purpose("01FROMCERT", ""), query: query(valid) });
    expect(res.outcome).toBe(O.VERIFICATION_OUTCOME_VALID);
    expect(await audit().findOne({ _id: res.auditSeq })).toMatchObject({
      action: "verify",
      purpose: purpose("01FROMCERT", "xiamen"),
      caller: XIAMEN_NODE,
    });

    for (const call of [
      () => callUnary(node, node.verify, { purpose: purpose("01ONBEHALF", "zhangzhou"), query: query(valid) }),
      () => callUnary(node, node.verifyBatch, { purpose: purpose("01ONBEHALF", "zhangzhou"), queries: [query(valid), query(valid)] }),
    ]) {
      const e = await refusal(call());
      expect(e.code).toBe(status.PERMISSION_DENIED);
      expect(errorReasonOf(e)).toBe("REQUESTING_NODE_MISMATCH");
      expect(e.details).toMatch(/请求节点.*xiamen.* \/ the requesting node is the caller's city xiamen/);
    }
    const refused = await audit().find({ "purpose.caseId": "01ONBEHALF" }).toArray();
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => r.action === "refuse" && r.purpose.requestingNode === "xiamen" && r.caller === XIAMEN_NODE)).toBe(true);
  });

  it("when a node asks for the audit chain, then it is refused; the city's auditor and operator get it, another city's auditor does not", async () => {
    for (const [city, role] of [
      ["quanzhou", "node"],
      ["xiamen", "node"],
      ["xiamen", "auditor"],
      ["quanzhou", "window"],
    ] as const) {
      const client = as(city, role);
      expect((await refusal(callUnary(client, client.verifyAuditChain, {}))).code, `${role} of ${city}`).toBe(status.PERMISSION_DENIED);
    }
    for (const role of ["auditor", "operator"] as const) {
      const client = as("quanzhou", role);
      const chain = await callUnary(client, client.verifyAuditChain, {});
      expect(chain).toMatchObject({ ok: true, brokenSeq: 0 });
      expect(chain.checked).toBe(await audit().countDocuments({}));
    }
  });

  it("when a caller has had the limit of holder-mismatch answers, then every lookup of it is refused until the window frees up; other callers are unaffected", async () => {
    const xiamen = as("xiamen", "node");
    const verify = (client: CertificateRegistryServiceClient, q: ReturnType<typeof query>, caseId: string) =>
      callUnary(client, client.verify, { purpose: purpose(caseId, ""), query: q });
    for (let i = 0; i < LIMIT; i++) {
      expect((await verify(xiamen, mismatch(i), `01GUESS${i}`)).outcome).toBe(O.VERIFICATION_OUTCOME_HOLDER_MISMATCH);
    }
    // Over the limit, even a right guess gets no answer: a VALID would tell the guesser it was right.
    const e = await refusal(verify(xiamen, query(valid), "01GUESSRIGHT"));
    expect(e.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(errorReasonOf(e)).toBe("HOLDER_MISMATCH_LIMIT");
    expect(e.details).toMatch(/持证主体不符.*上限.* \/ too many holder-mismatch answers \(3 per 3 s\).*retry in \d+ s/);
    expect(await audit().findOne({ "purpose.caseId": "01GUESSRIGHT" })).toMatchObject({
      action: "refuse",
      outcome: "RATE_LIMITED",
      caller: XIAMEN_NODE,
    });
    expect(logLines.some((l) => l.audit === "access-denied" && l.code === "RESOURCE_EXHAUSTED" && l.caller === XIAMEN_NODE)).toBe(true);

    // Another city's node is answered as before.
    const zhangzhou = as("zhangzhou", "node");
    expect((await verify(zhangzhou, query(valid), "01OTHERCALLER")).outcome).toBe(O.VERIFICATION_OUTCOME_VALID);
    // Each entry of a batch counts: one with more mismatches than are left is refused whole.
    const batch = await refusal(
      callUnary(zhangzhou, zhangzhou.verifyBatch, {
        purpose: purpose("01BATCHGUESS", ""),
        queries: [query(valid), ...Array.from({ length: LIMIT + 1 }, (_, i) => mismatch(10 + i))],
      }),
    );
    expect(batch.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(await audit().countDocuments({ "purpose.caseId": "01BATCHGUESS", outcome: "RATE_LIMITED" })).toBe(LIMIT + 2);
    expect(await audit().countDocuments({ "purpose.caseId": "01BATCHGUESS", action: "verify" })).toBe(0);
    expect((await refusal(verify(zhangzhou, query(valid), "01AFTERBATCH"))).code).toBe(status.RESOURCE_EXHAUSTED);
    // The registry's own city's node has its own allowance.
    const quanzhou = as("quanzhou", "node");
    expect((await verify(quanzhou, mismatch(20), "01OWNCITY")).outcome).toBe(O.VERIFICATION_OUTCOME_HOLDER_MISMATCH);

    await new Promise((r) => setTimeout(r, WINDOW_MS + 200));
    expect((await verify(xiamen, query(valid), "01WINDOWFREE")).outcome).toBe(O.VERIFICATION_OUTCOME_VALID);
  });
});
