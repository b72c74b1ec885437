import { randomBytes, randomUUID } from "node:crypto";
import type { ServiceError } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bus, type InRecord, parseDeadLetter, readTopic } from "@tongban/bus";
import { IntakeResult, SubmitCaseRequest, groups, topics } from "@tongban/contracts";
import { sampleJointSubmission, sampleSubmission } from "@tongban/demo";
import { errorReasonOf, fieldViolationsOf } from "@tongban/rpc";
import { kafkaPrincipals } from "@tongban/runtime";
import { apis, queuedIn } from "../support/clients";
import { type CityNode, type Isolation, busAs, isolation, network, startCities, stopCities } from "../support/testNetwork";

// The Kafka intake channel (Kafka 收件通道): a Xiamen window system publishes submissions on
// Xiamen's intake topic as its own principal (window-xiamen) and reads the answers on
// intake-results with a consumer group of its own, against the real broker and store; the
// answers are compared with what SubmitCase answers over gRPC for the same request.

describe("the Kafka intake channel", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let windowBus: Bus;
  let adminBus: Bus;
  const city = (id: string) => cities.find((c) => c.id === id)!;
  const xiamen = network.node("xiamen")!;
  let n = 4200;

  beforeAll(async () => {
    iso = isolation();
    cities = await startCities(iso, ["xiamen", "quanzhou"]);
    windowBus = busAs("intake-channel-window", kafkaPrincipals.window("xiamen"));
    adminBus = busAs("intake-channel-test");
  });
  afterAll(async () => {
    await windowBus.close();
    await adminBus.close();
    await stopCities(cities);
  });

  const intakeTopic = () => topics.intake(iso.topicPrefix, "xiamen");
  const sample = (prefix: string) => sampleSubmission(xiamen, "quanzhou", n++, prefix);

  /** Publishes as Xiamen's window systems: the value a SubmitCaseRequest, keyed by its receipt number. */
  const publish = (req: SubmitCaseRequest) => publishRaw(Buffer.from(SubmitCaseRequest.encode(req).finish()), req.receiptNo);
  const publishRaw = (value: Buffer, key: string | undefined) => windowBus.publish([{ topic: intakeTopic(), key: key as string, value }]);

  /** The answers under `receiptNo` on intake-results, read as the window system with a group of its own, once there are `count`. */
  async function resultsFor(receiptNo: string, count = 1): Promise<IntakeResult[]> {
    const mine = (rs: readonly InRecord[]) => rs.filter((r) => r.key === receiptNo);
    const records = await readTopic(windowBus, topics.intakeResults(iso.topicPrefix, "xiamen"), {
      groupId: `${groups.window(iso.topicPrefix, "xiamen")}${randomUUID().slice(0, 8)}`,
      enough: (rs) => mine(rs).length >= count,
      timeoutMs: 30_000,
    });
    return mine(records).map((r) => IntakeResult.decode(r.value!));
  }

  /** SubmitCase over gRPC: the response, or the status it was refused with. */
  async function overGrpc(req: SubmitCaseRequest) {
    try {
      return { ok: await apis(city("xiamen")).submit(req) };
    } catch (err) {
      const e = err as ServiceError;
      return { code: e.code, message: e.details, violations: fieldViolationsOf(e), reason: errorReasonOf(e) };
    }
  }

  const casesWithReceipt = (receiptNo: string) => city("xiamen").db.db.collection("cases").countDocuments({ receiptNo });

  it("when a window publishes a valid submission and another one comes over gRPC, then both are accepted alike and both cases reach the home queue", async () => {
    const viaKafka = sample("KFK");
    const viaGrpc = sample("GRP");
    await publish(viaKafka);
    const grpc = await overGrpc(viaGrpc);
    const [result] = await resultsFor(viaKafka.receiptNo);

    expect(result!.receiptNo).toBe(viaKafka.receiptNo);
    expect(result!.record).toMatchObject({ topic: intakeTopic(), partition: expect.any(Number), offset: expect.any(Number) });
    expect(result!.outcome?.$case).toBe("accepted");
    const accepted = result!.outcome?.$case === "accepted" ? result!.outcome.value : undefined;
    expect(grpc.ok).toBeDefined();
    expect(accepted).toMatchObject({ duplicate: false, warnings: grpc.ok!.warnings, legs: [] });
    expect(accepted!.caseId).toMatch(/\S/);
    expect(accepted!.caseId).not.toBe(grpc.ok!.caseId);

    // Both travelled the same way: received by Quanzhou's node, the applicant opened for its clerks.
    const [k, g] = await Promise.all([
      queuedIn(city("quanzhou"), accepted!.caseId, "RECEIVED_BY_HOME"),
      queuedIn(city("quanzhou"), grpc.ok!.caseId, "RECEIVED_BY_HOME"),
    ]);
    expect(k.case!.receiptNo).toBe(viaKafka.receiptNo);
    expect(k.applicantName).toBe(viaKafka.applicant!.name);
    expect(k.applicantIdNumber).toBe(viaKafka.applicant!.idNumber);
    expect(k.case!.itemCode).toBe(viaKafka.itemCode);
    expect(g.case!.receiptNo).toBe(viaGrpc.receiptNo);
    // The window reads the Kafka-submitted case back over gRPC like any case it sent.
    expect((await apis(city("xiamen")).sentCase(accepted!.caseId)).receiptNo).toBe(viaKafka.receiptNo);
  });

  it("when a window publishes a joint application, then the answer names the application and each leg's case", async () => {
    const req = sampleJointSubmission(xiamen, "quanzhou", "xiamen", n++, "KJT");
    await publish(req);
    const [result] = await resultsFor(req.receiptNo);
    expect(result!.outcome?.$case).toBe("accepted");
    const accepted = result!.outcome?.$case === "accepted" ? result!.outcome.value : undefined;
    expect(accepted!.legs.map((l) => [l.role, l.homeNode])).toEqual([
      ["out", "quanzhou"],
      ["in", "xiamen"],
    ]);
    const out = accepted!.legs.find((l) => l.role === "out")!;
    expect(out.caseId).not.toBe(accepted!.caseId);
    await queuedIn(city("quanzhou"), out.caseId, "RECEIVED_BY_HOME");
  });

  it("when a window publishes an invalid submission, then it is refused with the status code, message and field violations SubmitCase gives", async () => {
    const broken = (prefix: string): SubmitCaseRequest => {
      const req = sample(prefix);
      return {
        ...req,
        applicant: { ...req.applicant!, idNumber: "350203198001011230" },
        mailTrackingNo: "",
        materials: [...req.materials, { name: "", copies: 0 }],
      };
    };
    const viaKafka = broken("KBD");
    const viaGrpc = broken("GBD");
    await publish(viaKafka);
    const grpc = await overGrpc(viaGrpc);
    const [result] = await resultsFor(viaKafka.receiptNo);

    expect(grpc.ok).toBeUndefined();
    expect(result!.outcome?.$case).toBe("refused");
    const refused = result!.outcome?.$case === "refused" ? result!.outcome.value : undefined;
    expect(refused).toEqual({
      code: grpc.code,
      status: "INVALID_ARGUMENT",
      message: grpc.message,
      fieldViolations: grpc.violations,
      reason: grpc.reason,
    });
    expect(refused!.fieldViolations.map((v) => v.field)).toEqual(
      expect.arrayContaining(["applicant.id_number", "mail_tracking_no", "materials[2].name"]),
    );
    expect(await casesWithReceipt(viaKafka.receiptNo)).toBe(0);
  });

  it("when a window publishes the same receipt number again, then it gets the same case, no second one, and a different application under it is refused as over gRPC", async () => {
    const req = sample("KDP");
    await publish(req);
    const [first] = await resultsFor(req.receiptNo);
    await publish(req);
    const [, second] = await resultsFor(req.receiptNo, 2);
    const caseIdOf = (r: IntakeResult | undefined) => (r?.outcome?.$case === "accepted" ? r.outcome.value.caseId : undefined);
    expect(caseIdOf(first)).toMatch(/\S/);
    expect(caseIdOf(second)).toBe(caseIdOf(first));
    expect(second!.outcome?.$case === "accepted" && second!.outcome.value.duplicate).toBe(true);
    expect(second!.record!.offset).toBeGreaterThan(first!.record!.offset);
    expect(await casesWithReceipt(req.receiptNo)).toBe(1);

    // The same receipt number for another application: ALREADY_EXISTS, on both channels alike.
    const other = { ...req, materials: [...req.materials, { name: "授权委托书", copies: 1 }] };
    await publish(other);
    const grpc = await overGrpc(other);
    const [, , third] = await resultsFor(req.receiptNo, 3);
    expect(third!.outcome).toEqual({
      $case: "refused",
      value: { code: grpc.code, status: "ALREADY_EXISTS", message: grpc.message, fieldViolations: grpc.violations, reason: grpc.reason },
    });
    expect(await casesWithReceipt(req.receiptNo)).toBe(1);
  });

  it("when a window publishes a record that is not a submission, or one without a key, then each is dead-lettered without its value and refused under its receipt number, and the next good record is taken in", async () => {
    const garbageKey = `KGB-${randomBytes(4).toString("hex")}`;
    await publishRaw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x08]), garbageKey);
    const unkeyed = sample("KNK");
    await publishRaw(Buffer.from(SubmitCaseRequest.encode(unkeyed).finish()), undefined);
    const good = sample("KOK");
    await publish(good);

    const [garbage] = await resultsFor(garbageKey);
    expect(garbage!.outcome).toMatchObject({
      $case: "refused",
      value: { status: "INVALID_ARGUMENT", fieldViolations: [expect.objectContaining({ field: "submission" })] },
    });
    const [missing] = await resultsFor(unkeyed.receiptNo);
    expect(missing!.outcome).toMatchObject({
      $case: "refused",
      value: { status: "INVALID_ARGUMENT", fieldViolations: [expect.objectContaining({ field: "key" })] },
    });
    const [ok] = await resultsFor(good.receiptNo);
    expect(ok!.outcome?.$case).toBe("accepted");
    expect(await casesWithReceipt(unkeyed.receiptNo)).toBe(0);

    const dlq = await readTopic(adminBus, topics.deadLetter(iso.topicPrefix, "xiamen"), { enough: (rs) => rs.length >= 2 });
    // A submission carries the applicant in clear: no dead letter keeps the record's value.
    expect(dlq.every((r) => (r.value?.length ?? 0) === 0)).toBe(true);
    const letters = dlq.map((r) => ({ key: r.key, ...parseDeadLetter(r.headers) }));
    expect(letters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: garbageKey, code: "UNDECODABLE", sourceTopic: intakeTopic() }),
        expect.objectContaining({ code: "MISSING_KEY", sourceTopic: intakeTopic() }),
      ]),
    );
  });

  it("when another city's window principal, or a node, writes Xiamen's intake topic, then the broker refuses it", async () => {
    for (const principal of [kafkaPrincipals.window("quanzhou"), kafkaPrincipals.node("quanzhou"), kafkaPrincipals.node("xiamen")]) {
      const bus = busAs(`intake-intruder-${principal}`, principal);
      try {
        const req = sample("KIN");
        const err = await bus
          .publish([{ topic: intakeTopic(), key: req.receiptNo, value: Buffer.from(SubmitCaseRequest.encode(req).finish()) }])
          .then(() => undefined, brokerErrorOf);
        expect(err, principal).toBe("TOPIC_AUTHORIZATION_FAILED");
      } finally {
        await bus.close();
      }
    }
    // Nor may Xiamen's window systems write a node's inbound topic or read another city's results.
    const err = await windowBus
      .publish([{ topic: topics.inbound(iso.topicPrefix, "quanzhou"), key: "forged", value: Buffer.from("x") }])
      .then(() => undefined, brokerErrorOf);
    expect(err).toBe("TOPIC_AUTHORIZATION_FAILED");
    const read = await readTopic(windowBus, topics.intakeResults(iso.topicPrefix, "quanzhou"), {
      groupId: `${groups.window(iso.topicPrefix, "xiamen")}${randomUUID().slice(0, 8)}`,
      timeoutMs: 5_000,
    }).then(() => undefined, brokerErrorOf);
    expect(read).toMatch(/AUTHORIZATION_FAILED|timed out/);
  });
});

/** The broker's error type inside what kafkajs threw (it wraps the broker's error when it gives up). */
function brokerErrorOf(err: unknown): string {
  let e = err as { type?: string; message?: string; originalError?: unknown; cause?: unknown; errors?: unknown[] };
  while (!e.type && (e.originalError ?? e.cause ?? e.errors?.[0])) e = (e.originalError ?? e.cause ?? e.errors?.[0]) as typeof e;
  return e.type ?? e.message ?? String(err);
}
