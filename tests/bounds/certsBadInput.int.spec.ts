import { type ServiceError, status } from "@grpc/grpc-js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERTS_MAX_RECEIVE_BYTES, MAX_CERTIFICATE_ID_LENGTH, MAX_VERIFY_BATCH } from "@tongban/bounds";
import { CertificateRegistryServiceClient } from "@tongban/contracts";
import { type Caller, callUnary, fieldViolationsOf } from "@tongban/rpc";
import { certWhere, purpose, query } from "../certs/support";
import { type CityRegistry, startRegistry, stopRegistry } from "../support/certsNetwork";
import { callerAs, isolation } from "../support/testNetwork";
import { clearAnswer, hostileString } from "./hostileInput";

describe("bounds of the certificate registry's API", () => {
  let r: CityRegistry;
  /** The registry's clients as the Xiamen node (lookups state Xiamen as the requesting node) and as the issuing department of `valid`. */
  let xiamen: CertificateRegistryServiceClient;
  let issuer: CertificateRegistryServiceClient;
  const clientAs = (caller: Caller) => new CertificateRegistryServiceClient(`localhost:${r.port}`, caller.credentials, caller.options);
  const valid = certWhere("valid in quanzhou", (c) => c.registryNode === "quanzhou" && c.status === "valid");
  const audit = () => r.certs.audit.records;
  const batch = (queries: ReturnType<typeof query>[], p: object | undefined = purpose()) =>
    callUnary(xiamen, xiamen.verifyBatch, { purpose: p as never, queries });

  beforeAll(async () => {
    r = await startRegistry(isolation(), "quanzhou");
    xiamen = clientAs(callerAs("xiamen", "node", "xiamen"));
    issuer = clientAs(callerAs("quanzhou", "issuer", valid.issuerCode));
  });
  afterAll(async () => {
    xiamen.close();
    issuer.close();
    await r.certs.store.docs.db.dropDatabase();
    await stopRegistry(r);
  });

  it("when a VerifyBatch carries 1,000 lookups, then it is refused at once naming the limit, with one audit record for the call", async () => {
    const before = await audit().countDocuments({});
    for (const p of [purpose(), undefined]) {
      const started = performance.now();
      const err = (await batch(Array(1_000).fill(query(valid)), p).catch((e) => e)) as ServiceError;
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(fieldViolationsOf(err)).toEqual([
        { field: "queries", description: `查验最多${MAX_VERIFY_BATCH}项 / at most ${MAX_VERIFY_BATCH} queries (got 1000)` },
      ]);
    }
    await r.certs.audit.idle();
    const refusals = await audit()
      .find({ _id: { $gt: before } })
      .toArray();
    expect(refusals.map((x) => [x.action, x.outcome, x.certificateId])).toEqual([
      ["refuse", "REFUSED", ""],
      ["refuse", "REFUSED", ""],
    ]);
    expect(refusals[0]!.purpose).toEqual(purpose());
  });

  it("when a lookup's fields are out of bounds, then INVALID_ARGUMENT names them, the refusal is audited once without the bad values", async () => {
    const before = await audit().countDocuments({});
    const err = (await batch(
      [
        { ...query(valid), certificateId: "1".repeat(MAX_CERTIFICATE_ID_LENGTH + 1) },
        { ...query(valid), holderName: "陈\u0000明" },
      ],
      { ...purpose(), operator: "o".repeat(10_000) },
    ).catch((e) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(err).map((v) => v.field)).toEqual(["purpose.operator", "queries[0].certificate_id", "queries[1].holder_name"]);
    await r.certs.audit.idle();
    const refusals = await audit()
      .find({ _id: { $gt: before } })
      .toArray();
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.purpose).toEqual({ ...purpose(), operator: "" });
  });

  it("when a revocation's fields are out of bounds, then INVALID_ARGUMENT names each", async () => {
    const err = (await callUnary(issuer, issuer.revoke, {
      certificateId: valid.certificateId,
      issuerCode: "I".repeat(100),
      reason: "\u202E注销",
      operator: "o".repeat(65),
    }).catch((e) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(err).map((v) => v.field)).toEqual(["issuer_code", "reason", "operator"]);
  });

  it("when a request is larger than the registry's message limit, then RESOURCE_EXHAUSTED before it is read", async () => {
    const err = (await batch([{ ...query(valid), holderName: "x".repeat(CERTS_MAX_RECEIVE_BYTES) }]).catch((e) => e)) as ServiceError;
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it("when 100 generated malformed Verify and Revoke requests arrive, then each gets a clear answer or a permission refusal", async () => {
    const text = fc.oneof(hostileString, fc.constant(valid.certificateId));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ caseId: hostileString, itemCode: hostileString, requestingNode: hostileString, operator: hostileString }),
        fc.record({ certificateId: text, number: hostileString, holderName: hostileString, holderIdNumber: hostileString }),
        fc.record({ certificateId: text, issuerCode: hostileString, reason: hostileString, operator: hostileString }),
        async (p, q, revoke) => {
          const calls: (() => Promise<unknown>)[] = [
            () => callUnary(xiamen, xiamen.verify, { purpose: p, query: q }),
            () => callUnary(issuer, issuer.revoke, revoke),
          ];
          for (const call of calls) {
            // A lookup without a complete purpose is PERMISSION_DENIED by design; anything else must be a clear answer.
            await clearAnswer(call().catch((e: ServiceError) => (e.code === status.PERMISSION_DENIED ? undefined : Promise.reject(e))));
          }
        },
      ),
      { numRuns: 100 },
    );
    expect((await callUnary(xiamen, xiamen.verify, { purpose: purpose(), query: query(valid) })).certificateId).toBe(valid.certificateId);
  });
});
