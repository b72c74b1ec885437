import { type ServiceError, status } from "@grpc/grpc-js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTAKE_MAX_RECEIVE_BYTES, MAX_CERTIFICATES, MAX_LEGS, MAX_MATERIALS } from "@tongban/bounds";
import { ApplicantKind, CatalogServiceClient, type SubmitCaseRequest } from "@tongban/contracts";
import { demoCertificates, sampleJointSubmission, sampleSubmission } from "@tongban/demo";
import { ratingLevels } from "@tongban/lifecycle";
import { callUnary, checkHealth, fieldViolationsOf } from "@tongban/rpc";
import { apis, queuedIn } from "../support/clients";
import { type CityNode, callerAs, network, useCities } from "../support/testNetwork";
import { clearAnswer, hostileString } from "./hostileInput";

const xiamen = network.node("xiamen")!;
const RUNS = 100;

/** Mutations of a valid submission; each run applies at least one, so most runs are malformed. */
const mutations = {
  receiptNo: hostileString,
  itemCode: hostileString,
  receivingDivision: hostileString,
  homeNode: fc.oneof(hostileString, fc.constantFrom("xiamen", "fuzhou")),
  homeDepartment: hostileString,
  applicant: fc.option(
    fc.record({
      kind: fc.integer({ min: -1, max: 5 }) as unknown as fc.Arbitrary<ApplicantKind>,
      name: hostileString,
      idNumber: hostileString,
      phone: hostileString,
      address: hostileString,
    }),
    { nil: undefined },
  ),
  materials: fc.oneof(
    fc.array(fc.record({ name: hostileString, copies: fc.nat() }), { maxLength: 60 }),
    fc.integer({ min: MAX_MATERIALS + 1, max: 20_000 }).map((n) => Array.from({ length: n }, () => ({ name: "申请表", copies: 1 }))),
  ),
  certificates: fc.oneof(
    fc.array(fc.record({ certificateId: hostileString, number: hostileString }), { maxLength: 25 }),
    fc
      .integer({ min: MAX_CERTIFICATES + 1, max: 5_000 })
      .map((n) => Array.from({ length: n }, () => ({ certificateId: "1", number: "1" }))),
  ),
  mailTrackingNo: hostileString,
  windowClerk: hostileString,
  identityVerified: fc.constant(false),
  legs: fc.oneof(
    fc.array(
      fc.record({ role: fc.oneof(hostileString, fc.constantFrom("out", "in")), homeNode: hostileString, homeDepartment: hostileString }),
      {
        maxLength: 10,
      },
    ),
    fc
      .integer({ min: MAX_LEGS + 1, max: 20_000 })
      .map((k) => Array.from({ length: k }, () => ({ role: "out", homeNode: "quanzhou", homeDepartment: "rsj" }))),
  ),
};
type Mutation = keyof typeof mutations;
const malformedSubmission = fc
  .subarray(Object.keys(mutations) as Mutation[], { minLength: 1 })
  .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, mutations[k]])) as { [K in Mutation]: fc.Arbitrary<unknown> }))
  .map((m) => m as Partial<SubmitCaseRequest>);

describe("generated bad input at every intake method (形式审查 under attack)", () => {
  const net = useCities(["xiamen", "quanzhou"], "bounds-intake");
  let xm: CityNode;
  let qz: CityNode;
  let existing: string;
  let n = 1000;
  const accepted: string[] = [];
  const submit = (req: SubmitCaseRequest) => callUnary(xm.intakeClient, xm.intakeClient.submitCase, req, 10_000);

  let catalogClient: CatalogServiceClient | undefined;
  /** Xiamen's catalog API on its intake port, as its window systems reach it. */
  const catalog = () => {
    const w = callerAs("xiamen", "window");
    return (catalogClient ??= new CatalogServiceClient(`localhost:${xm.node.intakePort}`, w.credentials, w.options));
  };

  beforeAll(async () => {
    [xm, qz] = net.cities as [CityNode, CityNode];
    existing = (await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 1))).caseId;
  });
  afterAll(() => catalogClient?.close());

  const refusedAt = async (req: SubmitCaseRequest) => {
    const started = performance.now();
    const out = await clearAnswer(submit(req));
    return { out, ms: performance.now() - started };
  };

  it("when a submission lists 50,000 materials, then INVALID_ARGUMENT names materials and its limit, in well under a second", async () => {
    const req = {
      ...sampleSubmission(xiamen, "quanzhou", 2),
      materials: Array.from({ length: 50_000 }, () => ({ name: "申请表", copies: 1 })),
    };
    const { out, ms } = await refusedAt(req);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.err.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(out.err)).toEqual([
      { field: "materials", description: `材料最多${MAX_MATERIALS}项 / at most ${MAX_MATERIALS} materials (got 50000)` },
    ]);
    expect(ms).toBeLessThan(1_000);
  });

  it("when a submission references 10,000 certificates (about 1 MB, under the message limit), then INVALID_ARGUMENT names certificates at once, no registry asked", async () => {
    const certs = demoCertificates(network.nodes);
    const certificates = Array.from({ length: 10_000 }, (_, i) => {
      const c = certs[i % certs.length]!;
      return { certificateId: c.certificateId, number: c.number };
    });
    const { out, ms } = await refusedAt({ ...sampleSubmission(xiamen, "quanzhou", 3), certificates });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.err.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(out.err).map((v) => v.field)).toEqual(["certificates"]);
    expect(out.err.details).toContain(`at most ${MAX_CERTIFICATES} certificates`);
    expect(ms).toBeLessThan(1_000);
  });

  it("when the applicant's name holds NUL and U+202E, then INVALID_ARGUMENT names applicant.name", async () => {
    const req = sampleSubmission(xiamen, "quanzhou", 4);
    const out = await clearAnswer(submit({ ...req, applicant: { ...req.applicant!, name: "陈\u0000晓明\u202E" } }));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.err.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(out.err).map((v) => v.field)).toEqual(["applicant.name"]);
  });

  it("when a request is larger than the intake's message limit, then RESOURCE_EXHAUSTED before it is read", async () => {
    const materials = [{ name: "x".repeat(INTAKE_MAX_RECEIVE_BYTES), copies: 1 }];
    const err = await submit({ ...sampleSubmission(xiamen, "quanzhou", 5), materials }).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    expect(err?.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it(`when ${RUNS} generated malformed submissions arrive, then each gets a clear answer and nothing half-valid is kept`, async () => {
    await fc.assert(
      fc.asyncProperty(malformedSubmission, async (mutation) => {
        const req = { ...sampleSubmission(xiamen, "quanzhou", n++, "FUZZ"), ...mutation };
        const out = await clearAnswer(submit(req));
        if (out.ok) accepted.push(out.value.caseId);
      }),
      { numRuns: RUNS },
    );
  });

  it(`when ${RUNS} generated malformed joint applications arrive, then each gets a clear answer and every one accepted starts its first leg`, async () => {
    await fc.assert(
      fc.asyncProperty(malformedSubmission, async (mutation) => {
        // Transfer out of Quanzhou into Xiamen, applied for at Xiamen's window (the in leg is local).
        const req = { ...sampleJointSubmission(xiamen, "quanzhou", "xiamen", n++, "FUZJ"), ...mutation };
        const out = await clearAnswer(submit(req));
        if (out.ok) accepted.push(out.value.legs.find((l) => l.role === "out")!.caseId);
      }),
      { numRuns: RUNS },
    );
  });

  const caseId = () => fc.oneof(hostileString, fc.constant(existing), fc.constant("01NOSUCHCASE00000000000000"));
  const ids = () => ({
    caseId: caseId(),
    requestId: fc.oneof(hostileString, fc.uuid()),
    windowClerk: fc.oneof(hostileString, fc.constant("w1")),
  });
  const items = fc.oneof(
    fc.array(hostileString, { maxLength: 25 }),
    fc.integer({ min: 21, max: 10_000 }).map((k) => Array.from({ length: k }, (_, i) => `补正${i}`)),
  );
  const methods: Record<string, fc.Arbitrary<() => Promise<unknown>>> = {
    SubmitCorrection: fc.record({ ...ids(), items }).map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.submitCorrection, r)),
    WithdrawCase: fc
      .record({ ...ids(), reason: hostileString })
      .map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.withdrawCase, r)),
    RecordDelivery: fc.record(ids()).map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.recordDelivery, r)),
    RecordRating: fc
      .record({ ...ids(), level: fc.oneof(hostileString, fc.constantFrom(...ratingLevels)), comment: hostileString })
      .map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.recordRating, r)),
    GetCase: fc.record({ caseId: caseId() }).map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.getCase, r)),
    RecordComplaint: fc
      .record({ ...ids(), ticketNo: hostileString, description: hostileString })
      .map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.recordComplaint, r)),
    ListSentCases: fc
      .record({
        state: hostileString,
        homeNode: fc.oneof(hostileString, fc.constant("quanzhou")),
        itemCode: hostileString,
        overdueOnly: fc.boolean(),
        updatedSince: fc.option(fc.date({ noInvalidDate: true }), { nil: undefined }),
        pageSize: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(4_294_967_295)),
        pageToken: hostileString,
      })
      .map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.listSentCases, r)),
    ListItems: fc
      .record({
        batch: fc.oneof(hostileString, fc.constantFrom("2020", "later")),
        remoteReceiptOnly: fc.boolean(),
        ifNoneMatch: hostileString,
      })
      .map((r) => () => callUnary(catalog(), catalog().listItems, r)),
    GetJointCase: fc.record({ jointId: caseId() }).map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.getJointCase, r)),
    WithdrawJointCase: fc
      .record({
        jointId: caseId(),
        requestId: fc.oneof(hostileString, fc.uuid()),
        windowClerk: fc.oneof(hostileString, fc.constant("w1")),
        reason: hostileString,
      })
      .map((r) => () => callUnary(xm.intakeClient, xm.intakeClient.withdrawJointCase, r)),
    GetItem: fc
      .record({ code: fc.oneof(hostileString, fc.constant("TB-2020-010")) })
      .map((r) => () => callUnary(catalog(), catalog().getItem, r)),
  };

  it.each(Object.keys(methods))(`when ${RUNS} generated malformed %s requests arrive, then each gets a clear answer`, async (method) => {
    await fc.assert(
      fc.asyncProperty(methods[method]!, async (call) => void (await clearAnswer(call()))),
      { numRuns: RUNS },
    );
  });

  it("when the storm is over, then both nodes still serve and a valid case (and every generated one accepted) reaches the home queue within seconds", async () => {
    for (const c of [xm, qz]) {
      expect(await checkHealth(`localhost:${c.node.intakePort}`, callerAs(c.id, "window"), "tongban.v1.IntakeService")).toBe("SERVING");
    }
    const started = Date.now();
    const valid = await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 99_999));
    await queuedIn(qz, valid.caseId, "RECEIVED_BY_HOME");
    expect(Date.now() - started).toBeLessThan(10_000);
    await Promise.all(accepted.map((id) => queuedIn(qz, id, "RECEIVED_BY_HOME")));
  });
});
