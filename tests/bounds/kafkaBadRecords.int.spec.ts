import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OutRecord } from "@tongban/bus";
import { CertificateRevoked, EventEnvelope, encodeEnvelope, encodeRevocation, signMessage, topics } from "@tongban/contracts";
import { demoCertificates, sampleSubmission } from "@tongban/demo";
import { checkHealth } from "@tongban/rpc";
import { apis, queuedIn } from "../support/clients";
import { devSigner, signedEnvelope } from "../support/devSigning";
import { readTopic } from "../support/readTopic";
import { type CityNode, callerAs, eventually, network, useCities } from "../support/testNetwork";

const xiamen = network.node("xiamen")!;
const RANDOM_RECORDS = 30;
// Kafka header values are bytes; kafkajs passes a Buffer through as it is.
const rawHeader = (bytes: number[]) => Buffer.from(bytes) as unknown as string;

/** One kind of bad record, with the dead-letter code it must get (none given: any code, as long as there is a reason). */
interface BadRecord {
  kind: string;
  record: Omit<OutRecord, "topic">;
  code?: string;
}

describe("generated bad records on a node's topics (inbound and revocations)", () => {
  const net = useCities(["xiamen", "quanzhou"], "bounds-kafka");

  it("when malformed records of every kind arrive, then each is dead-lettered with its reason or ignored as a duplicate, no consumer stops and valid cases behind them are delivered", async () => {
    const [xm, qz] = net.cities as [CityNode, CityNode];
    const prefix = net.iso.topicPrefix;
    const inbound = topics.inbound(prefix, "quanzhou");
    const revokedTopic = topics.certsRevoked(prefix);
    const existing = (await apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 1))).caseId;
    const before = await queuedIn(qz, existing, "RECEIVED_BY_HOME");
    const [original] = await readTopic(net.bus, inbound, (rs) => rs.some((r) => r.key === existing));

    // Signed by Xiamen's node, as its relay would publish them.
    const env = (over: Partial<EventEnvelope>) =>
      signedEnvelope({
        eventId: `01BAD${Math.random().toString(36).slice(2, 18)}`,
        caseId: existing,
        sourceNode: "xiamen",
        targetNode: "quanzhou",
        schemaVersion: 1,
        occurredAt: new Date(),
        ...over,
      });
    const closed = { event: { $case: "closed" as const, value: { closedAt: new Date() } } };
    const forwarded = { event: { $case: "forwarded" as const, value: { trackingNo: "1", forwardedAt: new Date() } } };
    // A record keyed by its case (as a node keys them) carries its kind in a header.
    const kindOf = (r: { key?: string | null; headers?: Record<string, string | undefined> }) => r.headers?.["test-kind"] ?? r.key;
    const validEnvelope = env({ type: "case.closed", caseSeq: before.case!.seq + 1, payload: closed });
    // Field 12 (payload), length-delimited, holding bytes that are no CaseEvent.
    const garbagePayload = Buffer.concat([env({ type: "case.accepted", caseSeq: 9 }), Buffer.from([0x62, 0x04, 0xff, 0xff, 0xff, 0xff])]);

    const inboundKinds: BadRecord[] = [
      { kind: "empty", record: { key: "poison-empty", value: Buffer.alloc(0) }, code: "UNDECODABLE" },
      { kind: "garbage", record: { key: "poison-garbage", value: Buffer.from("not a protobuf \xff\xfe\x00") }, code: "UNDECODABLE" },
      { kind: "truncated", record: { key: "poison-truncated", value: validEnvelope.subarray(0, validEnvelope.length - 7) } },
      {
        kind: "unknown-type",
        record: { key: existing, value: env({ type: "case.teleported", caseSeq: 4 }) },
        code: "UNKNOWN_TYPE",
      },
      {
        kind: "wrong-target",
        record: { key: existing, value: env({ type: "case.closed", targetNode: "zhangzhou", caseSeq: 4, payload: closed }) },
        code: "MISROUTED",
      },
      {
        kind: "no-headers",
        record: {
          key: "01NOSUCHCASE00000000000001",
          value: env({ caseId: "01NOSUCHCASE00000000000001", type: "case.closed", caseSeq: 4, payload: closed }),
        },
        code: "UNKNOWN_CASE",
      },
      { kind: "huge-key", record: { key: `poison-huge-key-${"k".repeat(100_000)}`, value: Buffer.from([0xff, 0x00, 0x13]) } },
      { kind: "garbage-payload", record: { key: "poison-garbage-payload", value: garbagePayload } },
      {
        kind: "unknown-case",
        record: {
          key: "01NOSUCHCASE00000000000002",
          value: env({
            caseId: "01NOSUCHCASE00000000000002",
            type: "case.accepted",
            caseSeq: 5,
            payload: {
              event: { $case: "accepted", value: { acceptedAt: new Date(), decisionDueAt: new Date(), onElectronicCopies: false } },
            },
          }),
          headers: { "event-type": "case.accepted" },
        },
        code: "UNKNOWN_CASE",
      },
      {
        kind: "out-of-order",
        record: { key: existing, value: env({ type: "case.forwarded", caseSeq: before.case!.seq + 5, payload: forwarded }) },
        code: "OUT_OF_ORDER",
      },
      {
        kind: "non-utf8-headers",
        record: {
          key: "poison-non-utf8-headers",
          value: Buffer.from([0x0a, 0xff]),
          headers: { "event-type": rawHeader([0xc3, 0x28, 0xff, 0xfe]) },
        },
      },
      {
        kind: "missing-ids",
        record: {
          key: "poison-missing-ids",
          value: encodeEnvelope(EventEnvelope.fromPartial({ type: "case.closed", targetNode: "quanzhou" })),
        },
        code: "UNDECODABLE",
      },
    ];
    const randomKinds: BadRecord[] = fc
      .sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: RANDOM_RECORDS, seed: 9 })
      .map((bytes, i) => ({ kind: `random-${i}`, record: { key: `poison-random-${i}`, value: Buffer.from(bytes) } }));

    // A certificate of Xiamen's registry that no case here relies on, revoked by that registry.
    const xiamenCert = demoCertificates(network.nodes).find((c) => c.registryNode === "xiamen")!;
    const revocation = CertificateRevoked.fromPartial({
      eventId: "01REVOKEDBAD0000000000000",
      certificateId: xiamenCert.certificateId,
      registryNode: "xiamen",
      reason: "测试",
      revokedAt: new Date(),
    });
    const signedRevocation = (r: CertificateRevoked, registry: string) =>
      Buffer.from(encodeRevocation(signMessage(r, encodeRevocation, devSigner(registry, "registry"))));
    const revocationBytes = signedRevocation(revocation, "xiamen");
    const revokedKinds: BadRecord[] = [
      { kind: "rev-empty", record: { key: "poison-rev-empty", value: Buffer.alloc(0) }, code: "UNDECODABLE" },
      {
        kind: "rev-garbage",
        record: { key: "poison-rev-garbage", value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x01]) },
        code: "UNDECODABLE",
      },
      { kind: "rev-truncated", record: { key: "poison-rev-truncated", value: revocationBytes.subarray(0, 9) }, code: "UNDECODABLE" },
      {
        kind: "rev-missing-ids",
        record: {
          key: "poison-rev-missing-ids",
          value: Buffer.from(CertificateRevoked.encode({ ...revocation, eventId: "", certificateId: "" }).finish()),
        },
        code: "UNDECODABLE",
      },
      {
        kind: "rev-huge-key",
        record: { key: `poison-rev-huge-key-${"k".repeat(100_000)}`, value: Buffer.from([0x0a]) },
        code: "UNDECODABLE",
      },
      // Fake revocations: unsigned, and one signed by a registry that did not issue the certificate.
      {
        kind: "rev-unsigned",
        record: { key: "poison-rev-unsigned", value: Buffer.from(encodeRevocation({ ...revocation, eventId: "01REVUNSIGNED" })) },
        code: "SIGNATURE_MISSING",
      },
      {
        kind: "rev-not-issuer",
        record: {
          key: "poison-rev-not-issuer",
          value: signedRevocation({ ...revocation, eventId: "01REVNOTISSUER", registryNode: "quanzhou" }, "quanzhou"),
        },
        code: "NOT_ISSUING_REGISTRY",
      },
      {
        kind: "rev-non-utf8-headers",
        record: { key: "poison-rev-non-utf8-headers", value: Buffer.from("?"), headers: { "x-origin": rawHeader([0xff, 0xfe, 0x80]) } },
        code: "UNDECODABLE",
      },
    ];

    await net.bus.publish([
      ...[...inboundKinds, ...randomKinds].map((k) => ({
        topic: inbound,
        ...k.record,
        ...(k.record.key === existing ? { headers: { ...k.record.headers, "test-kind": k.kind } } : {}),
      })),
      // The very event the home node already applied, again: a duplicate, ignored.
      { topic: inbound, key: existing, value: original!.value!, headers: original!.headers },
      ...revokedKinds.map((k) => ({ topic: revokedTopic, ...k.record })),
      // A well-formed revocation of a certificate nobody relied on: applied, flags nothing.
      { topic: revokedTopic, key: revocation.certificateId, value: revocationBytes },
    ]);

    // Valid cases behind the poison, spread over the partitions, still arrive within seconds.
    const started = Date.now();
    const after = await Promise.all(Array.from({ length: 6 }, (_, i) => apis(xm).submit(sampleSubmission(xiamen, "quanzhou", 10 + i))));
    await Promise.all(after.map((r) => queuedIn(qz, r.caseId, "RECEIVED_BY_HOME")));
    expect(Date.now() - started).toBeLessThan(15_000);

    const expected = [...inboundKinds, ...randomKinds, ...revokedKinds];
    const keyOf = (k: BadRecord) => (k.record.key === existing ? k.kind : k.record.key);
    const dead = await readTopic(net.bus, topics.deadLetter(prefix, "quanzhou"), (rs) =>
      expected.every((k) => rs.some((r) => kindOf(r) === keyOf(k))),
    );
    for (const k of expected) {
      const d = dead.filter((r) => kindOf(r) === keyOf(k));
      expect(d, k.kind).toHaveLength(1);
      expect(d[0]!.headers["x-dlq-reason"], k.kind).toBeTruthy();
      expect(d[0]!.headers["x-dlq-source-topic"], k.kind).toBe(revokedKinds.includes(k) ? revokedTopic : inbound);
      if (k.code) expect(d[0]!.headers["x-dlq-code"], k.kind).toBe(k.code);
    }
    // Neither the duplicate nor the harmless revocation is a dead letter, and the case did not move.
    expect(dead.filter((r) => kindOf(r) === existing || r.key === revocation.certificateId)).toEqual([]);
    expect((await apis(qz).queued(existing))!.case!.seq).toBe(before.case!.seq);

    // Both consumers went past everything (no partition stuck) and the node still serves.
    await eventually("inbound consumer caught up", async () =>
      (await net.bus.lag(`${prefix}.quanzhou.node`, inbound)) === 0 ? true : undefined,
    );
    await eventually("revocations consumer caught up", async () =>
      (await net.bus.lag(`${prefix}.quanzhou.certs-revoked`, revokedTopic)) === 0 ? true : undefined,
    );
    expect(await checkHealth(`localhost:${qz.node.intakePort}`, callerAs("quanzhou", "window"), "tongban.v1.IntakeService")).toBe(
      "SERVING",
    );
  });
});
