import { type Metadata, type ServiceError, status } from "@grpc/grpc-js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_CODE_LENGTH, MAX_LIST_ENTRIES } from "@tongban/bounds";
import type { ExecuteCommandRequest } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { caseStatuses, suspensionKinds } from "@tongban/lifecycle";
import { callUnary, checkHealth, fieldViolationsOf } from "@tongban/rpc";
import { apis, queuedIn } from "../support/clients";
import { type CityNode, callerAs, clerkMetadata, network, useCities } from "../support/testNetwork";
import { clearAnswer, hostileString } from "./hostileInput";

const xiamen = network.node("xiamen")!;
const RUNS = 100;

const list = fc.oneof(
  fc.array(hostileString, { maxLength: 25 }),
  fc.integer({ min: MAX_LIST_ENTRIES + 1, max: 10_000 }).map((k) => Array.from({ length: k }, (_, i) => `理由${i}`)),
);
const command: fc.Arbitrary<ExecuteCommandRequest["command"]> = fc.oneof(
  fc.constant(undefined),
  fc
    .constantFrom("signForMaterials", "accept", "startReview", "resume", "deliverElectronically", "close")
    .map((c) => ({ $case: c, value: {} }) as ExecuteCommandRequest["command"]),
  fc.record({ $case: fc.constant("refuse" as const), value: fc.record({ reasons: list }) }),
  fc.record({ $case: fc.constant("requestCorrection" as const), value: fc.record({ items: list }) }),
  fc.record({
    $case: fc.constant("suspend" as const),
    value: fc.record({
      kind: fc.oneof(hostileString, fc.constantFrom(...suspensionKinds)),
      reason: hostileString,
      expectedResumeAt: fc.option(fc.date({ noInvalidDate: true }), { nil: undefined }),
    }),
  }),
  fc.record({ $case: fc.constant("extendDeadline" as const), value: fc.record({ reason: hostileString }) }),
  fc.record({
    $case: fc.constant("answerProblem" as const),
    value: fc.record({ problemId: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(4_294_967_295)), answer: hostileString }),
  }),
  fc.record({
    $case: fc.constant("decide" as const),
    value: fc.record({
      decision: fc.option(
        fc.record({ outcome: fc.oneof(hostileString, fc.constantFrom("approved", "denied")), documentRef: hostileString, reasons: list }),
        { nil: undefined },
      ),
    }),
  }),
  fc.record({
    $case: fc.constant("sendResult" as const),
    value: fc.record({
      channel: fc.option(fc.record({ kind: fc.oneof(hostileString, fc.constantFrom("mail", "electronic")), trackingNo: hostileString }), {
        nil: undefined,
      }),
    }),
  }),
);

describe("generated bad input at every queue method (the home authority's API under attack)", () => {
  const net = useCities(["xiamen", "quanzhou"], "bounds-queue");
  let xm: CityNode;
  let qz: CityNode;
  let existing: string;
  /** Tokens the calls carry: the claiming clerk's, a colleague's of the same department, a clerk's of another department. */
  let tokens: Metadata[];

  beforeAll(async () => {
    [xm, qz] = net.cities as [CityNode, CityNode];
    const first = sampleSubmission(xiamen, "quanzhou", 1);
    existing = (await apis(xm).submit(first)).caseId;
    await queuedIn(qz, existing, "RECEIVED_BY_HOME");
    await apis(qz).claim(existing, "clerk-a");
    tokens = await Promise.all([
      clerkMetadata("quanzhou", "clerk-a", first.homeDepartment),
      clerkMetadata("quanzhou", "clerk-b", first.homeDepartment),
      clerkMetadata("quanzhou", "clerk-c", "zz-other"),
    ]);
  });

  const q = () => qz.queueClient;
  const token = fc.integer({ min: 0, max: 2 });
  const caseId = () => fc.oneof(hostileString, fc.constant(existing), fc.constant("01NOSUCHCASE00000000000000"));
  const clerk = () => fc.oneof(hostileString, fc.constantFrom("", "clerk-a", "clerk-b"));
  /** A clerk naming someone else, or asking for another department, is refused as PERMISSION_DENIED: also a clear answer. */
  const clear = (p: Promise<unknown>) => clearAnswer(p, [status.PERMISSION_DENIED]);
  const methods: Record<string, fc.Arbitrary<() => Promise<unknown>>> = {
    ListQueue: fc
      .record({
        department: hostileString,
        state: fc.oneof(hostileString, fc.constantFrom(...caseStatuses)),
        itemCode: hostileString,
        overdueOnly: fc.boolean(),
        pageSize: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        pageToken: hostileString,
      })
      .chain((r) => token.map((t) => () => callUnary(q(), q().listQueue, r, 5_000, tokens[t]!))),
    GetQueueItem: fc
      .record({ caseId: caseId() })
      .chain((r) => token.map((t) => () => callUnary(q(), q().getQueueItem, r, 5_000, tokens[t]!))),
    ClaimItem: fc
      .record({ caseId: caseId(), clerk: clerk(), leaseSeconds: fc.integer({ min: 0, max: 2 ** 32 - 1 }) })
      .chain((r) => token.map((t) => () => callUnary(q(), q().claimItem, r, 5_000, tokens[t]!))),
    ReleaseItem: fc
      .record({ caseId: caseId(), clerk: clerk() })
      .chain((r) => token.map((t) => () => callUnary(q(), q().releaseItem, r, 5_000, tokens[t]!))),
    ExecuteCommand: fc
      .record({ caseId: caseId(), requestId: fc.oneof(hostileString, fc.uuid()), clerk: clerk(), command })
      .chain((r) => token.map((t) => () => callUnary(q(), q().executeCommand, r, 5_000, tokens[t]!))),
  };

  it.each(Object.keys(methods))(`when ${RUNS} generated malformed %s requests arrive, then each gets a clear answer`, async (method) => {
    await fc.assert(
      fc.asyncProperty(methods[method]!, async (call) => void (await clear(call()))),
      { numRuns: RUNS },
    );
  });

  /** Opens a watch; resolves with its error, or with undefined when it is still open after a moment (then cancels it). */
  const watch = (department: string, t = 0) =>
    new Promise<ServiceError | undefined>((resolve) => {
      const stream = q().watchQueue({ department }, tokens[t]!);
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        stream.cancel();
        resolve(undefined);
      }, 30);
      stream.on("data", () => undefined);
      stream.on("error", (err: ServiceError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(err);
      });
    });

  it(`when ${RUNS} WatchQueue streams open with generated departments, then an out-of-bounds one ends at once with INVALID_ARGUMENT`, async () => {
    const tooLong = await watch("d".repeat(MAX_CODE_LENGTH + 1));
    expect(tooLong?.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(tooLong).map((v) => v.field)).toEqual(["department"]);
    await fc.assert(
      fc.asyncProperty(hostileString, token, async (department, t) => {
        const err = await watch(department, t);
        if (err) await clear(Promise.reject(err));
      }),
      { numRuns: RUNS },
    );
  });

  it("when a refusal lists 2,000 reasons, then INVALID_ARGUMENT names refuse.reasons and its limit; 10,000 exceed the queue's message limit", async () => {
    const reasons = (k: number) => Array.from({ length: k }, (_, i) => `理由${i}`);
    const out = await clearAnswer(apis(qz).exec(existing, { $case: "refuse", value: { reasons: reasons(2_000) } }));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.err.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(out.err)).toEqual([
      { field: "refuse.reasons", description: `理由最多${MAX_LIST_ENTRIES}项 / at most ${MAX_LIST_ENTRIES} reasons (got 2000)` },
    ]);
    const huge = await clearAnswer(apis(qz).exec(existing, { $case: "refuse", value: { reasons: reasons(10_000) } }));
    expect(huge.ok ? undefined : huge.err.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it("when the storm is over, then the node still serves and a valid case reaches the home queue within seconds", async () => {
    expect(await checkHealth(`localhost:${qz.node.queuePort}`, callerAs("quanzhou", "authority"), "tongban.v1.AuthorityQueueService")).toBe(
      "SERVING",
    );
    const started = Date.now();
    const valid = await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 99_999));
    await queuedIn(qz, valid.caseId, "RECEIVED_BY_HOME");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
