import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleSubmission } from "@tongban/demo";
import { fieldViolationsOf } from "@tongban/rpc";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";

const xiamen = network.node("xiamen")!;

describe("intake: a window in Xiamen hands a case to Quanzhou", () => {
  let cities: CityNode[];
  let xm: CityNode;
  let qz: CityNode;
  const count = (city: CityNode, filter: object) => city.db.db.collection("cases").countDocuments(filter);

  beforeAll(async () => {
    cities = await startCities(isolation(), ["xiamen", "quanzhou"]);
    [xm, qz] = cities as [CityNode, CityNode];
  });
  afterAll(() => stopCities(cities));

  it("when a valid case is submitted, then Xiamen records it and it appears once in Quanzhou's queue, received", async () => {
    const req = sampleSubmission(xiamen, "quanzhou", 1);
    const res = await apis(xm).submit(req);
    expect(res.duplicate).toBe(false);
    expect(res.caseId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    const item = await queuedIn(qz, res.caseId, "RECEIVED_BY_HOME");
    expect(item).toMatchObject({
      applicantName: req.applicant!.name,
      applicantIdNumber: req.applicant!.idNumber,
      windowClerk: req.windowClerk,
    });
    expect(item.case).toMatchObject({
      receiptNo: req.receiptNo,
      itemCode: req.itemCode,
      receivingNode: "xiamen",
      homeDepartment: req.homeDepartment,
      seq: 3,
    });
    expect(item.case!.dueAt!.getTime()).toBeGreaterThan(Date.now());

    const sent = await sentCaseIn(xm, res.caseId, "RECEIVED_BY_HOME");
    expect(sent).toMatchObject({ homeNode: "quanzhou", seq: 3, stateZh: expect.any(String) });
    await eventually("the outbox drained", async () => ((await apis(xm).sentCase(res.caseId)).forwarded ? true : undefined));
    expect(await count(qz, { receiptNo: req.receiptNo })).toBe(1);
  });

  it("when the same window receipt number is submitted twice, then there is one case and one queue item", async () => {
    const req = sampleSubmission(xiamen, "quanzhou", 2);
    const first = await apis(xm).submit(req);
    const second = await apis(xm).submit(req);
    expect(second).toMatchObject({ caseId: first.caseId, duplicate: true });
    await queuedIn(qz, first.caseId, "RECEIVED_BY_HOME");
    await sentCaseIn(xm, first.caseId, "RECEIVED_BY_HOME");
    expect(await count(xm, { receiptNo: req.receiptNo })).toBe(1);
    expect(await count(qz, { receiptNo: req.receiptNo })).toBe(1);
    // submitted + forwarded at the home node, received back at the window: three events, each applied once.
    expect(await qz.db.db.collection("inbox").countDocuments({ caseId: first.caseId })).toBe(2);
    expect(await xm.db.db.collection("inbox").countDocuments({ caseId: first.caseId })).toBe(1);
  });

  it("when a receipt number is reused for a different application, then ALREADY_EXISTS and the first case stays", async () => {
    const req = sampleSubmission(xiamen, "quanzhou", 3);
    const first = await apis(xm).submit(req);
    const err = await apis(xm)
      .submit({ ...req, applicant: { ...req.applicant!, name: "另一人" } })
      .catch((e) => e);
    expect(err.code).toBe(status.ALREADY_EXISTS);
    expect(err.details).toContain(first.caseId);
  });

  it("when fields are missing or the city is unknown, then INVALID_ARGUMENT lists every field and nothing is written", async () => {
    const before = await count(xm, {});
    const err = await apis(xm)
      .submit({
        ...sampleSubmission(xiamen, "quanzhou", 4),
        homeNode: "fuzhou",
        receiptNo: "",
        applicant: undefined,
        identityVerified: false,
      })
      .catch((e) => e);
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const fields = fieldViolationsOf(err).map((v) => v.field);
    expect(fields).toEqual(expect.arrayContaining(["receipt_no", "home_node", "applicant", "identity_verified"]));
    expect(fieldViolationsOf(err).find((v) => v.field === "home_node")?.description).toContain("未知的业务属地城市");
    expect(await count(xm, {})).toBe(before);
  });

  it.each([
    [
      "a wrong ID check digit",
      "applicant.id_number",
      (r: ReturnType<typeof sampleSubmission>) => {
        const id = r.applicant!.idNumber;
        return { ...r, applicant: { ...r.applicant!, idNumber: id.slice(0, 17) + (id[17] === "0" ? "1" : "0") } };
      },
    ],
    [
      "a bad credit code",
      "applicant.id_number",
      (r: ReturnType<typeof sampleSubmission>) => ({
        ...r,
        applicant: { ...r.applicant!, kind: "APPLICANT_KIND_ORGANIZATION" as never, idNumber: "91110000MA0000001I" },
      }),
    ],
    [
      "an item not eligible for remote receipt",
      "item_code",
      (r: ReturnType<typeof sampleSubmission>) => ({ ...r, itemCode: "TB-2020-001" }),
    ],
    ["the same home and receiving city", "home_node", (r: ReturnType<typeof sampleSubmission>) => ({ ...r, homeNode: "xiamen" })],
    ["an unknown department", "home_department", (r: ReturnType<typeof sampleSubmission>) => ({ ...r, homeDepartment: "nope" })],
  ])("when the submission has %s, then INVALID_ARGUMENT names %s and nothing is written", async (_what, field, mutate) => {
    const before = await count(xm, {});
    const err = await apis(xm)
      .submit(mutate(sampleSubmission(xiamen, "quanzhou", 5)))
      .catch((e) => e);
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(err).map((v) => v.field)).toContain(field);
    expect(await count(xm, {})).toBe(before);
  });
});
