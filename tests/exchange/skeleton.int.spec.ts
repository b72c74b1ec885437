import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callUnary, fieldViolationsOf } from "@tongban/rpc";
import { sampleSubmission } from "@tongban/demo";
import type { QueueItem, SubmitCaseRequest, SubmitCaseResponse } from "@tongban/contracts";
import { type CityNode, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";

const xiamen = network.node("xiamen")!;

describe("walking skeleton: a window in Xiamen hands a case to Quanzhou", () => {
  let cities: CityNode[];
  let xm: CityNode;
  let qz: CityNode;

  beforeAll(async () => {
    cities = await startCities(isolation(), ["xiamen", "quanzhou"]);
    [xm, qz] = cities as [CityNode, CityNode];
  });
  afterAll(() => stopCities(cities));

  const submit = (req: SubmitCaseRequest) =>
    callUnary<typeof xm.intakeClient, SubmitCaseRequest, SubmitCaseResponse>(xm.intakeClient, xm.intakeClient.submitCase, req);
  const queued = (caseId: string) =>
    callUnary(qz.queueClient, qz.queueClient.getQueueItem, { caseId }).catch((err) => {
      if (err.code === status.NOT_FOUND) return undefined;
      throw err;
    });

  it("when a valid case is submitted, then it is recorded in Xiamen and appears once in Quanzhou's queue", async () => {
    const req = sampleSubmission(xiamen, "quanzhou", 1);
    const res = await submit(req);
    expect(res.duplicate).toBe(false);
    expect(res.caseId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    const sent = await xm.db.db.collection("sent_cases").findOne({ _id: res.caseId as never });
    expect(sent?.receiptNo).toBe(req.receiptNo);

    const item: QueueItem = await eventually("case in Quanzhou queue", () => queued(res.caseId));
    expect(item).toMatchObject({
      caseId: res.caseId,
      receiptNo: req.receiptNo,
      itemCode: req.itemCode,
      receivingNode: "xiamen",
      homeDepartment: req.homeDepartment,
      state: "RECEIVED",
      applicantName: req.applicant!.name,
    });
    expect(await qz.db.db.collection("queue").countDocuments({ receiptNo: req.receiptNo })).toBe(1);

    const status_ = await eventually("outbox drained", async () => {
      const s = await callUnary(xm.intakeClient, xm.intakeClient.getCase, { caseId: res.caseId });
      return s.forwarded ? s : undefined;
    });
    expect(status_.homeNode).toBe("quanzhou");
  });

  it("when the same window receipt number is submitted twice, then there is one case and one queue item", async () => {
    const req = sampleSubmission(xiamen, "quanzhou", 2);
    const first = await submit(req);
    const second = await submit(req);
    expect(second).toMatchObject({ caseId: first.caseId, duplicate: true });
    await eventually("case in Quanzhou queue", () => queued(first.caseId));
    // Let the relay run again: a second forwarding would have had its own event by now.
    await xm.intake.relay.idle();
    expect(await xm.db.db.collection("sent_cases").countDocuments({ receiptNo: req.receiptNo })).toBe(1);
    expect(await qz.db.db.collection("queue").countDocuments({ receiptNo: req.receiptNo })).toBe(1);
    expect(await qz.db.db.collection("inbox").countDocuments({ caseId: first.caseId })).toBe(1);
  });

  it("when a receipt number is reused for a different application, then ALREADY_EXISTS and the first case stays", async () => {
    const req = sampleSubmission(xiamen, "quanzhou", 3);
    const first = await submit(req);
    const err = await submit({ ...req, applicant: { ...req.applicant!, name: "另一人" } }).catch((e) => e);
    expect(err.code).toBe(status.ALREADY_EXISTS);
    expect(err.details).toContain(first.caseId);
  });

  it("when fields are missing or the city is unknown, then INVALID_ARGUMENT lists every field and nothing is written", async () => {
    const before = await xm.db.db.collection("sent_cases").countDocuments();
    const err = await submit({
      ...sampleSubmission(xiamen, "quanzhou", 4),
      homeNode: "fuzhou",
      receiptNo: "",
      applicant: undefined,
    }).catch((e) => e);
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const fields = fieldViolationsOf(err).map((v) => v.field);
    expect(fields).toEqual(expect.arrayContaining(["receipt_no", "home_node", "applicant"]));
    expect(fieldViolationsOf(err).find((v) => v.field === "home_node")?.description).toContain("未知的业务属地城市");
    expect(await xm.db.db.collection("sent_cases").countDocuments()).toBe(before);
  });

  it("when the ID number has a wrong check digit, then INVALID_ARGUMENT names applicant.id_number", async () => {
    const req = sampleSubmission(xiamen, "quanzhou", 5);
    const id = req.applicant!.idNumber;
    const wrong = id.slice(0, 17) + (id[17] === "0" ? "1" : "0");
    const err = await submit({ ...req, applicant: { ...req.applicant!, idNumber: wrong } }).catch((e) => e);
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(err).map((v) => v.field)).toContain("applicant.id_number");
  });
});
