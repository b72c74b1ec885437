import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VerificationOutcome, type VerifyResponse } from "@tongban/contracts";
import { callUnary, fieldViolationsOf } from "@tongban/rpc";
import { type CityRegistry, startRegistries, stopRegistries } from "../support/certsNetwork";
import { type Isolation, isolation, kafkaEnv } from "../support/testNetwork";
import { certWhere, purpose, query, registryClients, unknownCertificateId } from "./support";
import { chainLink, verifyAuditChain } from "@tongban/certs";
import { kafkaPrincipals } from "@tongban/runtime";

const run = promisify(execFile);
const O = VerificationOutcome;

describe("certificate registries: purpose-bound, minimum-necessary, audited lookups", () => {
  let iso: Isolation;
  let regs: CityRegistry[];
  const clients = registryClients();
  const reg = (id: string) => regs.find((r) => r.id === id)!;
  // Lookups are made as the Xiamen node, as Xiamen's intake would; the audit chain is read by the registry city's auditor.
  const xiamenNode = (r: CityRegistry) => clients.as(r.port, "xiamen", "node");
  const auditor = (r: CityRegistry) => clients.as(r.port, r.id, "auditor");
  const batch = (r: CityRegistry, queries: ReturnType<typeof query>[], p: object | null = purpose()) => {
    const c = xiamenNode(r);
    return callUnary(c, c.verifyBatch, { purpose: (p ?? undefined) as never, queries }).then((x) => x.results);
  };
  const verifyChain = (r: CityRegistry) => {
    const c = auditor(r);
    return callUnary(c, c.verifyAuditChain, {});
  };
  const audit = (r: CityRegistry) => r.certs.audit.records;

  beforeAll(async () => {
    iso = isolation();
    regs = await startRegistries(iso);
  });
  afterAll(async () => {
    clients.close();
    for (const r of regs) await r.certs.store.docs.db.dropDatabase();
    await stopRegistries(regs);
  });

  it("when each city's registry starts empty, then it is seeded with that city's demo certificates only", async () => {
    for (const r of regs) {
      const docs = await r.certs.store.docs.find({}, { projection: { territoryCode: 1 } }).toArray();
      expect(docs.length).toBeGreaterThan(0);
      const division = r.id === "xiamen" ? "3502" : r.id === "quanzhou" ? "3505" : "3506";
      expect(docs.every((d) => d.territoryCode.startsWith(division))).toBe(true);
    }
  });

  it("when a batch asks about valid, expired, revoked, unknown and someone else's certificates, then each gets its outcome", async () => {
    const valid = certWhere("valid in quanzhou", (c) => c.registryNode === "quanzhou" && c.status === "valid");
    const expired = certWhere("expired in quanzhou", (c) => c.registryNode === "quanzhou" && c.status === "expired");
    const revoked = certWhere("revoked in quanzhou", (c) => c.registryNode === "quanzhou" && c.status === "revoked");
    const other = certWhere("another holder's", (c) => c.registryNode === "quanzhou" && c.holderId !== valid.holderId);
    const results = await batch(reg("quanzhou"), [
      query(valid),
      query(expired),
      query(revoked),
      { ...query(valid), certificateId: unknownCertificateId("quanzhou") },
      query(other, { name: valid.holderName, id: valid.holderId }),
    ]);
    expect(results.map((r) => r.outcome)).toEqual([
      O.VERIFICATION_OUTCOME_VALID,
      O.VERIFICATION_OUTCOME_EXPIRED,
      O.VERIFICATION_OUTCOME_REVOKED,
      O.VERIFICATION_OUTCOME_NOT_FOUND,
      O.VERIFICATION_OUTCOME_HOLDER_MISMATCH,
    ]);
    expect(results[0]).toMatchObject({
      certificateId: valid.certificateId,
      issuerName: valid.issuerName,
      issuerCode: valid.issuerCode,
      typeName: valid.typeName,
      territoryCode: valid.territoryCode,
      validFrom: valid.validFrom,
      verifiedBy: "quanzhou",
    });
    expect(results[1]!.validTo!.getTime()).toBe(expired.validTo!.getTime());
    const seqs = results.map((r) => r.auditSeq);
    expect(new Set(seqs).size).toBe(5);
  });

  it("when the caller has not proved number and holder, then the answer says nothing about the certificate, and never echoes holder data", async () => {
    const valid = certWhere("valid in xiamen", (c) => c.registryNode === "xiamen" && c.status === "valid");
    const [mismatch] = await batch(reg("xiamen"), [query(valid, { name: "某某某", id: valid.holderId })]);
    expect(mismatch).toMatchObject({ outcome: O.VERIFICATION_OUTCOME_HOLDER_MISMATCH, issuerName: "", issuerCode: "", typeName: "" });
    expect(mismatch!.validFrom).toBeUndefined();
    const [ok] = await batch(reg("xiamen"), [query(valid)]);
    const wire = JSON.stringify(ok);
    expect(wire).not.toContain(valid.holderName);
    expect(wire).not.toContain(valid.holderId);
    expect(Object.keys(ok as VerifyResponse)).not.toEqual(expect.arrayContaining(["holderName"]));
  });

  it("when a single Verify is made, then it is answered and audited like a batch of one", async () => {
    const c = certWhere("valid in zhangzhou", (x) => x.registryNode === "zhangzhou" && x.status === "valid");
    const r = reg("zhangzhou");
    const client = xiamenNode(r);
    const res = await callUnary(client, client.verify, { purpose: purpose("01SINGLE"), query: query(c) });
    expect(res.outcome).toBe(O.VERIFICATION_OUTCOME_VALID);
    const rec = await audit(r).findOne({ _id: res.auditSeq });
    expect(rec).toMatchObject({
      action: "verify",
      certificateId: c.certificateId,
      outcome: "VALID",
      purpose: purpose("01SINGLE"),
      caller: "spiffe://tongban/xiamen/node/xiamen",
    });
    // The audit keeps the purpose and the answer, not the holder data the caller sent.
    expect(JSON.stringify(rec)).not.toContain(c.holderId);
  });

  it("when a lookup carries no purpose, or an incomplete one, then the registry refuses it, names what is missing and audits the refusal", async () => {
    const c = certWhere("valid in quanzhou", (x) => x.registryNode === "quanzhou" && x.status === "valid");
    const r = reg("quanzhou");
    const before = await audit(r).countDocuments({ action: "refuse" });
    const none = await batch(r, [query(c)], null).catch((e) => e);
    expect(none.code).toBe(status.PERMISSION_DENIED);
    expect(none.details).toContain("用证事由");
    // The requesting node is never missing: it is the caller's city.
    expect(fieldViolationsOf(none).map((v) => v.field)).toEqual(["purpose.case_id", "purpose.item_code", "purpose.operator"]);
    const client = xiamenNode(r);
    const partial = await callUnary(client, client.verify, { purpose: { ...purpose(), operator: "" }, query: query(c) }).catch((e) => e);
    expect(partial.code).toBe(status.PERMISSION_DENIED);
    expect(fieldViolationsOf(partial).map((v) => v.field)).toEqual(["purpose.operator"]);
    expect(await audit(r).countDocuments({ action: "refuse" })).toBe(before + 2);
  });

  it("when many lookups arrive at once, then every one gets its own audit record and the chain stays intact", async () => {
    const c = certWhere("valid in xiamen", (x) => x.registryNode === "xiamen" && x.status === "valid");
    const r = reg("xiamen");
    const client = xiamenNode(r);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => callUnary(client, client.verify, { purpose: purpose(`01BURST${i}`), query: query(c) })),
    );
    expect(new Set(answers.map((a) => a.auditSeq)).size).toBe(40);
    const chain = await verifyChain(r);
    expect(chain).toMatchObject({ ok: true, brokenSeq: 0 });
    expect(chain.checked).toBe(await audit(r).countDocuments({}));
  });

  it("when the issuer revokes a certificate, then lookups say REVOKED; another department cannot revoke; revoking twice is a no-op", async () => {
    const c = certWhere("valid in zhangzhou", (x) => x.registryNode === "zhangzhou" && x.status === "valid" && x.typeName === "结婚证");
    const r = reg("zhangzhou");
    const stranger = certWhere("from another issuer", (x) => x.registryNode === "zhangzhou" && x.issuerCode !== c.issuerCode);
    const strangerClient = clients.as(r.port, "zhangzhou", "issuer", stranger.issuerCode);
    const denied = await callUnary(strangerClient, strangerClient.revoke, {
      certificateId: c.certificateId,
      issuerCode: "",
      reason: "test",
      operator: "official-1",
    }).catch((e) => e);
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    const issuer = clients.as(r.port, "zhangzhou", "issuer", c.issuerCode);
    const req = {
      certificateId: c.certificateId,
      issuerCode: c.issuerCode,
      reason: "婚姻登记撤销 / registration annulled",
      operator: "official-1",
    };
    const first = await callUnary(issuer, issuer.revoke, req);
    expect(first.alreadyRevoked).toBe(false);
    const second = await callUnary(issuer, issuer.revoke, { ...req, issuerCode: "" });
    expect(second).toMatchObject({ alreadyRevoked: true, revokedAt: first.revokedAt });
    const [answer] = await batch(r, [query(c)]);
    expect(answer!.outcome).toBe(O.VERIFICATION_OUTCOME_REVOKED);
    expect(await audit(r).find({ action: "revoke", certificateId: c.certificateId }).toArray()).toEqual([
      expect.objectContaining({ caller: `spiffe://tongban/zhangzhou/issuer/${c.issuerCode}`, outcome: "REVOKED" }),
    ]);
  });

  it("when the audit chain is intact, then the CLI and the API say OK; after a stored record is altered, both name the first broken link", async () => {
    const r = reg("quanzhou");
    const c = certWhere("valid in quanzhou", (x) => x.registryNode === "quanzhou" && x.status === "valid");
    for (let i = 0; i < 3; i++) await batch(r, [query(c)], purpose(`01CHAIN${i}`));
    const env = {
      ...process.env,
      MONGODB_URI: iso.mongoUri,
      MONGODB_DB: iso.dbName("quanzhou"),
      ...kafkaEnv(kafkaPrincipals.registry("quanzhou")),
      TONGBAN_TOPIC_PREFIX: iso.topicPrefix,
      LOG_LEVEL: "silent",
    };
    const cli = () =>
      run(process.execPath, ["--import", "tsx", "services/certs/src/auditCli.ts", "quanzhou"], { env }).then(
        (x) => ({ code: 0, out: x.stdout }),
        (e) => ({ code: e.code as number, out: String(e.stdout) }),
      );

    expect(await verifyChain(r)).toMatchObject({ ok: true });
    const ok = await cli();
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK quanzhou/);

    // Someone with database access rewrites what an operator asked for.
    const victim = await audit(r).findOne({ "purpose.caseId": "01CHAIN1" });
    await audit(r).updateOne({ _id: victim!._id }, { $set: { outcome: "NOT_FOUND" } });

    const broken = await verifyChain(r);
    expect(broken).toMatchObject({ ok: false, brokenSeq: victim!._id, reason: expect.stringContaining("altered") });
    const bad = await cli();
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`BROKEN quanzhou`);
    expect(bad.out).toContain(`seq ${victim!._id}`);
  });

  it("when the registry has anchored its chain head and someone rewrites the whole tail with recomputed hashes, then the API and the CLI detect it", async () => {
    const r = reg("zhangzhou");
    const c = certWhere("valid in zhangzhou", (x) => x.registryNode === "zhangzhou" && x.status === "valid");
    for (let i = 0; i < 4; i++) await batch(r, [query(c)], purpose(`01TAIL${i}`));
    const anchored = await r.certs.anchors.anchorNow();
    expect(await verifyChain(r)).toMatchObject({ ok: true, anchorsChecked: 1 });

    // Database access is enough to rewrite every record from the first of these on and re-chain
    // them: each links to the one before and matches its own hash.
    const records = await audit(r)
      .find({}, { sort: { _id: 1 } })
      .toArray();
    const from = records.find((x) => x.purpose.caseId === "01TAIL0")!._id;
    let prev = records.find((x) => x._id === from - 1);
    for (const rec of records.filter((x) => x._id >= from)) {
      const { _id, prevHash: _p, hash: _h, ...entry } = rec;
      const forged = chainLink(prev && { seq: prev._id, hash: prev.hash }, { ...entry, outcome: "NOT_FOUND" });
      await audit(r).replaceOne({ _id }, forged);
      prev = forged;
    }
    expect(
      verifyAuditChain(
        await audit(r)
          .find({}, { sort: { _id: 1 } })
          .toArray(),
      ),
    ).toMatchObject({ ok: true });

    const broken = await verifyChain(r);
    expect(broken).toMatchObject({ ok: false, reason: expect.stringContaining("rewritten") });
    expect(Number(broken.brokenSeq)).toBeLessThanOrEqual(anchored);
    const env = {
      ...process.env,
      MONGODB_URI: iso.mongoUri,
      MONGODB_DB: iso.dbName("zhangzhou"),
      ...kafkaEnv(kafkaPrincipals.registry("zhangzhou")),
      TONGBAN_TOPIC_PREFIX: iso.topicPrefix,
      LOG_LEVEL: "silent",
    };
    const cli = await run(process.execPath, ["--import", "tsx", "services/certs/src/auditCli.ts", "zhangzhou"], { env }).then(
      (x) => ({ code: 0, out: x.stdout }),
      (e) => ({ code: e.code as number, out: String(e.stdout) }),
    );
    expect(cli.code).toBe(1);
    expect(cli.out).toContain("BROKEN zhangzhou");
    expect(cli.out).toContain("rewritten");
  });
});
