import { status } from "@grpc/grpc-js";
import { MongoNetworkTimeoutError } from "mongodb";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { type InRecord, type OutRecord, PoisonMessage } from "@tongban/bus";
import { IntakeResult, SubmitCaseRequest, type SubmitCaseResponse } from "@tongban/contracts";
import { CaseError } from "@tongban/exchange";
import { INTAKE_POISON, intakeChannel } from "./intakeChannel";

// The intake channel's handler on its own: what each kind of record is answered with, what is
// dead-lettered, and what is left for the consumer to retry. The real broker and store are in
// tests/window/intakeChannel.int.spec.ts.

const at = new Date("2026-03-02T01:00:00Z");
const response: SubmitCaseResponse = { caseId: "01CASE", duplicate: false, acceptedAt: at, warnings: [], legs: [] };

function harness(submit: (req: SubmitCaseRequest) => Promise<SubmitCaseResponse> = async () => response, maxRecordBytes?: number) {
  const published: OutRecord[] = [];
  const channel = intakeChannel({
    nodeId: "xiamen",
    topicPrefix: "t",
    submit,
    publish: async (rs) => void published.push(...rs),
    now: () => at,
    log: pino({ level: "silent" }),
    ...(maxRecordBytes !== undefined ? { maxRecordBytes } : {}),
  });
  const record = (key: string | undefined, value: Buffer | null): InRecord => ({
    topic: "t.xiamen.intake",
    partition: 1,
    offset: "41",
    key,
    value,
    headers: {},
    timestamp: "0",
  });
  const handle = async (r: InRecord) => {
    try {
      await channel.handle(r);
    } finally {
      await channel.flush();
    }
  };
  const results = () => published.map((r) => ({ topic: r.topic, key: r.key, result: IntakeResult.decode(r.value) }));
  return { handle, record, results };
}

const request = (receiptNo: string) =>
  Buffer.from(SubmitCaseRequest.encode(SubmitCaseRequest.fromPartial({ receiptNo, itemCode: "X" })).finish());

const poisonOf = (p: Promise<void>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof PoisonMessage ? e.code : e),
  );

describe("the Kafka intake channel's handler", () => {
  it("when a submission is taken in, then the answer is SubmitCase's response under its receipt number, with the record's place", async () => {
    const h = harness();
    await h.handle(h.record("WIN-0001", request("WIN-0001")));
    expect(h.results()).toEqual([
      {
        topic: "t.xiamen.intake-results",
        key: "WIN-0001",
        result: {
          receiptNo: "WIN-0001",
          outcome: { $case: "accepted", value: response },
          processedAt: at,
          record: { topic: "t.xiamen.intake", partition: 1, offset: 41 },
        },
      },
    ]);
  });

  it("when SubmitCase refuses, then the answer carries its status, message, violations and reason, and nothing is dead-lettered", async () => {
    const h = harness(async () => {
      throw new CaseError("ALREADY_EXISTS", "收件编号已使用 / receipt number taken", "RECEIPT_NO_CONFLICT", [
        { field: "receipt_no", description: "已使用 / taken" },
      ]);
    });
    await h.handle(h.record("WIN-0002", request("WIN-0002")));
    expect(h.results()[0]!.result.outcome).toEqual({
      $case: "refused",
      value: {
        code: status.ALREADY_EXISTS,
        status: "ALREADY_EXISTS",
        message: "收件编号已使用 / receipt number taken",
        fieldViolations: [{ field: "receipt_no", description: "已使用 / taken" }],
        reason: "RECEIPT_NO_CONFLICT",
      },
    });
  });

  it("when the store is unreachable, then the record is left for the consumer to retry and nothing is answered", async () => {
    const h = harness(async () => {
      throw new MongoNetworkTimeoutError("connection timed out");
    });
    await expect(h.handle(h.record("WIN-0003", request("WIN-0003")))).rejects.toBeInstanceOf(MongoNetworkTimeoutError);
    expect(h.results()).toEqual([]);
  });

  it("when SubmitCase fails in an unknown way, then the answer is UNKNOWN with no internals, as over gRPC", async () => {
    const h = harness(async () => {
      throw new TypeError("secret internals");
    });
    await h.handle(h.record("WIN-0004", request("WIN-0004")));
    expect(h.results()[0]!.result.outcome).toMatchObject({
      $case: "refused",
      value: { code: status.UNKNOWN, status: "UNKNOWN", message: "内部错误 / internal error" },
    });
  });

  it("when a record is over the size limit, then it is refused RESOURCE_EXHAUSTED unread and dead-lettered", async () => {
    let submitted = 0;
    const h = harness(async () => {
      submitted++;
      return response;
    }, 16);
    expect(await poisonOf(h.handle(h.record("WIN-0005", Buffer.alloc(17))))).toBe(INTAKE_POISON.tooLarge);
    expect(submitted).toBe(0);
    expect(h.results()[0]).toMatchObject({
      key: "WIN-0005",
      result: { outcome: { $case: "refused", value: { code: status.RESOURCE_EXHAUSTED, status: "RESOURCE_EXHAUSTED" } } },
    });
  });

  it("when a record's key is not its receipt number, or is no receipt number at all, then it is dead-lettered and answered only under a receipt number", async () => {
    const h = harness();
    expect(await poisonOf(h.handle(h.record("WIN-0006", request("WIN-0007"))))).toBe(INTAKE_POISON.keyMismatch);
    expect(await poisonOf(h.handle(h.record(undefined, request("WIN-0008"))))).toBe(INTAKE_POISON.missingKey);
    // Neither key nor value names a receipt number: there is nothing to answer under.
    expect(await poisonOf(h.handle(h.record("x".repeat(500), request("\u0000"))))).toBe(INTAKE_POISON.keyMismatch);
    expect(await poisonOf(h.handle(h.record("WIN-0009", null)))).toBe(INTAKE_POISON.undecodable);
    expect(
      h.results().map((r) => [r.key, r.result.outcome?.$case === "refused" && r.result.outcome.value.fieldViolations[0]?.field]),
    ).toEqual([
      ["WIN-0006", "key"],
      ["WIN-0008", "key"],
      ["WIN-0009", "submission"],
    ]);
  });

  it("when publishing the answers fails, then they are kept and go out with the next flush, before the offsets are committed", async () => {
    const sent: string[][] = [];
    let down = true;
    const channel = intakeChannel({
      nodeId: "xiamen",
      topicPrefix: "t",
      submit: async () => response,
      publish: async (rs) => {
        if (down) throw new Error("broker unreachable");
        sent.push(rs.map((r) => r.key));
      },
      now: () => at,
      log: pino({ level: "silent" }),
    });
    const record = (key: string, offset: string): InRecord => ({
      topic: "t.xiamen.intake",
      partition: 0,
      offset,
      key,
      value: request(key),
      headers: {},
      timestamp: "0",
    });
    await channel.handle(record("WIN-0010", "1"));
    await expect(channel.flush()).rejects.toThrow("broker unreachable");
    await channel.handle(record("WIN-0011", "2"));
    down = false;
    await channel.flush();
    expect(sent).toEqual([["WIN-0010", "WIN-0011"]]);
  });
});
