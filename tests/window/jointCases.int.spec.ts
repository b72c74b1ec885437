import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JointCaseView, SubmitCaseRequest } from "@tongban/contracts";
import { sampleJointSubmission, sampleSubmission } from "@tongban/demo";
import { callUnary } from "@tongban/rpc";
import { apis, approveCase, queuedIn, sentCaseIn } from "../support/clients";
import {
  type CityNode,
  type Isolation,
  eventually,
  haltCity,
  isolation,
  network,
  restartCity,
  startCities,
  stopCities,
} from "../support/testNetwork";

// 多地联办: one application, a transfer-out leg and a transfer-in leg, each an ordinary case at its
// home; the transfer-in leg starts once the transfer-out leg is approved, with its decision.

describe("joint applications (多地联办)", () => {
  let iso: Isolation;
  let cities: CityNode[];
  const city = (id: string) => cities.find((c) => c.id === id)!;
  let n = 700;

  beforeAll(async () => {
    iso = isolation();
    cities = await startCities(iso);
  });
  afterAll(() => stopCities(cities));

  const submitJoint = async (at: string, out: string, into: string) => {
    const req = sampleJointSubmission(network.node(at)!, out, into, n++);
    const res = await apis(city(at)).submit(req);
    return {
      req,
      jointId: res.caseId,
      legs: res.legs,
      out: res.legs.find((l) => l.role === "out")!,
      in: res.legs.find((l) => l.role === "in")!,
    };
  };
  const joint = (at: string, jointId: string): Promise<JointCaseView> =>
    callUnary(city(at).intakeClient, city(at).intakeClient.getJointCase, { jointId }).then((r) => r.joint!);
  const jointIn = (at: string, jointId: string, state: string, legs: Record<string, string> = {}) =>
    eventually(`${at} sees joint ${jointId} ${state} ${JSON.stringify(legs)}`, async () => {
      const j = await joint(at, jointId);
      const ok = j.state === state && Object.entries(legs).every(([role, s]) => j.legs.find((l) => l.role === role)?.state === s);
      return ok ? j : undefined;
    });
  /** The home runs a leg from received to decided (approved, with its document). */
  const approve = (home: string, caseId: string, documentRef: string) => approveCase(city(home), caseId, documentRef);
  /** Result sent, delivered at the window, closed. */
  const finish = async (at: string, home: string, caseId: string) => {
    const h = apis(city(home));
    await h.exec(caseId, { $case: "sendResult", value: { channel: { kind: "mail", trackingNo: "EA123456785CN" } } });
    await sentCaseIn(city(at), caseId, "RESULT_SENT");
    await apis(city(at)).recordDelivery(caseId);
    await queuedIn(city(home), caseId, "DELIVERED");
    await h.exec(caseId, { $case: "close", value: {} });
  };

  it("when a Zhangzhou window takes a transfer from Xiamen (out) to Quanzhou (in), then the in leg starts only after the out leg's approval, carries its document, and the application completes with every city seeing every leg", async () => {
    const app = await submitJoint("zhangzhou", "xiamen", "quanzhou");
    expect(app.legs.map((l) => [l.role, l.homeNode, l.waitsFor])).toEqual([
      ["out", "xiamen", []],
      ["in", "quanzhou", ["out"]],
    ]);
    await queuedIn(city("xiamen"), app.out.caseId, "RECEIVED_BY_HOME");
    const started = await joint("zhangzhou", app.jointId);
    expect(started).toMatchObject({ state: "IN_PROGRESS", stateZh: "办理中", receiptNo: app.req.receiptNo, itemCode: app.req.itemCode });
    expect(started.legs.find((l) => l.role === "in")).toMatchObject({ state: "WAITING", stateZh: "待前序办结", caseId: app.in.caseId });
    // The application's id is no case id: GetCase says where to read it and names the legs' cases.
    const asCase = await apis(city("zhangzhou"))
      .sentCase(app.jointId)
      .catch((e: { code: number; details: string }) => e);
    expect(asCase).toMatchObject({ code: status.NOT_FOUND });
    expect((asCase as { details: string }).details).toContain("GetJointCase");
    expect((asCase as { details: string }).details).toContain(app.out.caseId);
    // The out leg's home sees that the in leg waits for it; the in leg's home has nothing yet.
    const outAtHome = (await apis(city("xiamen")).queued(app.out.caseId))!.case!;
    expect(outAtHome.legRole).toBe("out");
    expect(outAtHome.joint?.legs.map((l) => [l.role, l.homeNode, l.state])).toEqual([
      ["out", "xiamen", "RECEIVED_BY_HOME"],
      ["in", "quanzhou", "WAITING"],
    ]);
    await apis(city("xiamen")).claim(app.out.caseId);
    await apis(city("xiamen")).exec(app.out.caseId, { $case: "signForMaterials", value: {} });
    await apis(city("xiamen")).exec(app.out.caseId, { $case: "accept", value: {} });
    await sentCaseIn(city("zhangzhou"), app.out.caseId, "ACCEPTED");
    expect(await apis(city("quanzhou")).queued(app.in.caseId)).toBeUndefined();

    await apis(city("xiamen")).exec(app.out.caseId, { $case: "startReview", value: {} });
    await apis(city("xiamen")).exec(app.out.caseId, {
      $case: "decide",
      value: { decision: { outcome: "approved", documentRef: "厦公迁出〔2026〕0001号", reasons: [] } },
    });

    // The in leg arrives at Quanzhou with the out leg's decision.
    const inAtHome = (await queuedIn(city("quanzhou"), app.in.caseId, "RECEIVED_BY_HOME")).case!;
    expect(inAtHome.receiptNo).toBe(app.req.receiptNo);
    const outLeg = inAtHome.joint!.legs.find((l) => l.role === "out")!;
    expect(outLeg).toMatchObject({ state: "DECIDED", decision: "approved", decisionRef: "厦公迁出〔2026〕0001号", homeNode: "xiamen" });
    expect(outLeg.decidedAt).toBeInstanceOf(Date);
    const inItem = (await apis(city("quanzhou")).queued(app.in.caseId))!;
    expect(inItem.applicantName).toBe(app.req.applicant!.name);

    await approve("quanzhou", app.in.caseId, "泉公迁入〔2026〕0001号");
    await finish("zhangzhou", "xiamen", app.out.caseId);
    await finish("zhangzhou", "quanzhou", app.in.caseId);

    const done = await jointIn("zhangzhou", app.jointId, "COMPLETED", { out: "CLOSED", in: "CLOSED" });
    expect(done.stateZh).toBe("已办结");
    expect(done.legs.find((l) => l.role === "in")).toMatchObject({ decision: "approved", decisionRef: "泉公迁入〔2026〕0001号" });
    // Each home follows the whole application from the window's reports.
    await eventually("xiamen sees the application completed", async () => {
      const j = (await apis(city("xiamen")).queued(app.out.caseId))?.case?.joint;
      return j?.state === "COMPLETED" && j.legs.find((l) => l.role === "in")?.state === "CLOSED" ? j : undefined;
    });
    await eventually("quanzhou sees the application completed", async () => {
      const j = (await apis(city("quanzhou")).queued(app.in.caseId))?.case?.joint;
      return j?.state === "COMPLETED" ? j : undefined;
    });
    // One case per leg at each side, nothing at the third city.
    for (const [c, id] of [
      ["xiamen", app.out.caseId],
      ["quanzhou", app.in.caseId],
    ] as const)
      expect(
        await city(c)
          .db.db.collection("cases")
          .countDocuments({ _id: id as never }),
      ).toBe(1);
    expect(
      await city("xiamen")
        .db.db.collection("cases")
        .countDocuments({ _id: app.in.caseId as never }),
    ).toBe(0);
  });

  it("when the transfer-out leg is not accepted, then the application ends with its reasons at the window and the transfer-in leg never starts", async () => {
    const app = await submitJoint("zhangzhou", "xiamen", "quanzhou");
    await queuedIn(city("xiamen"), app.out.caseId, "RECEIVED_BY_HOME");
    await apis(city("xiamen")).claim(app.out.caseId);
    await apis(city("xiamen")).exec(app.out.caseId, { $case: "refuse", value: { reasons: ["迁出地无该申请人户籍登记记录"] } });

    const ended = await jointIn("zhangzhou", app.jointId, "REFUSED", { out: "NOT_ACCEPTED", in: "CANCELLED" });
    expect(ended).toMatchObject({ stateZh: "未通过", endedByLeg: "out", reasons: ["迁出地无该申请人户籍登记记录"] });
    expect(ended.legs.find((l) => l.role === "in")!.stateZh).toBe("未启动（申请已终止）");
    // The window's view of the leg tells the same.
    const leg = await sentCaseIn(city("zhangzhou"), app.out.caseId, "NOT_ACCEPTED");
    expect(leg.refusalReasons).toEqual(["迁出地无该申请人户籍登记记录"]);
    await eventually("the leg's own view carries the ended application", async () =>
      (await apis(city("zhangzhou")).sentCase(app.out.caseId)).joint?.state === "REFUSED" ? true : undefined,
    );
    // Nothing reached Quanzhou, and withdrawing the ended application is refused.
    expect(
      await city("quanzhou")
        .db.db.collection("cases")
        .countDocuments({ _id: app.in.caseId as never }),
    ).toBe(0);
    const err = await callUnary(city("zhangzhou").intakeClient, city("zhangzhou").intakeClient.withdrawJointCase, {
      jointId: app.jointId,
      requestId: randomUUID(),
      windowClerk: "w1",
      reason: "",
    }).catch((e: { code: number; details: string }) => e);
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION });
  });

  it("when the application is made at the move-in city's own window, then the in leg is homed locally: it starts after the out leg's approval, is worked in Quanzhou's queue, and completes", async () => {
    const app = await submitJoint("quanzhou", "xiamen", "quanzhou");
    await queuedIn(city("xiamen"), app.out.caseId, "RECEIVED_BY_HOME");
    expect(await apis(city("quanzhou")).queued(app.in.caseId)).toBeUndefined();
    await approve("xiamen", app.out.caseId, "厦公迁出〔2026〕0002号");

    const local = (await queuedIn(city("quanzhou"), app.in.caseId, "RECEIVED_BY_HOME")).case!;
    expect(local).toMatchObject({ homeNode: "quanzhou", receivingNode: "quanzhou", legRole: "in" });
    // The window reads the same local case.
    expect((await apis(city("quanzhou")).sentCase(app.in.caseId)).state).toBe("RECEIVED_BY_HOME");
    await approve("quanzhou", app.in.caseId, "泉公迁入〔2026〕0002号");
    await finish("quanzhou", "quanzhou", app.in.caseId);
    await finish("quanzhou", "xiamen", app.out.caseId);
    await jointIn("quanzhou", app.jointId, "COMPLETED", { out: "CLOSED", in: "CLOSED" });
    // The local leg's rating is the applicant's word at the same node.
    await apis(city("quanzhou")).rate(app.in.caseId, "SATISFIED");
    await queuedIn(city("quanzhou"), app.in.caseId, "RATED");
  });

  it("when the applicant withdraws while the out leg is under review, then that leg is withdrawn, the in leg never starts, and a retry of the request is a duplicate", async () => {
    const app = await submitJoint("xiamen", "zhangzhou", "quanzhou");
    await queuedIn(city("zhangzhou"), app.out.caseId, "RECEIVED_BY_HOME");
    await apis(city("zhangzhou")).claim(app.out.caseId);
    await apis(city("zhangzhou")).exec(app.out.caseId, { $case: "signForMaterials", value: {} });
    await apis(city("zhangzhou")).exec(app.out.caseId, { $case: "accept", value: {} });
    await apis(city("zhangzhou")).exec(app.out.caseId, { $case: "startReview", value: {} });
    // A leg alone cannot be withdrawn: the application is.
    const single = await apis(city("xiamen"))
      .withdraw(app.out.caseId)
      .catch((e: { code: number }) => e);
    expect(single).toMatchObject({ code: status.FAILED_PRECONDITION });

    const requestId = randomUUID();
    const w = { jointId: app.jointId, requestId, windowClerk: "w1", reason: "申请人已在原籍地办理" };
    const first = await callUnary(city("xiamen").intakeClient, city("xiamen").intakeClient.withdrawJointCase, w);
    expect(first).toMatchObject({ duplicate: false, joint: { state: "WITHDRAWN", reasons: ["申请人已在原籍地办理"] } });
    const again = await callUnary(city("xiamen").intakeClient, city("xiamen").intakeClient.withdrawJointCase, w);
    expect(again.duplicate).toBe(true);
    await queuedIn(city("zhangzhou"), app.out.caseId, "WITHDRAWN");
    await jointIn("xiamen", app.jointId, "WITHDRAWN", { out: "WITHDRAWN", in: "CANCELLED" });
    expect(
      await city("quanzhou")
        .db.db.collection("cases")
        .countDocuments({ _id: app.in.caseId as never }),
    ).toBe(0);
  });

  it("when the transfer-in city's node and the window's node are down while the out leg is decided, then after they restart the in leg starts once and arrives once", async () => {
    const app = await submitJoint("zhangzhou", "xiamen", "quanzhou");
    await queuedIn(city("xiamen"), app.out.caseId, "RECEIVED_BY_HOME");
    await apis(city("xiamen")).claim(app.out.caseId);
    await apis(city("xiamen")).exec(app.out.caseId, { $case: "signForMaterials", value: {} });
    await apis(city("xiamen")).exec(app.out.caseId, { $case: "accept", value: {} });
    await apis(city("xiamen")).exec(app.out.caseId, { $case: "startReview", value: {} });
    await sentCaseIn(city("zhangzhou"), app.out.caseId, "UNDER_REVIEW");

    await haltCity(city("quanzhou"));
    await haltCity(city("zhangzhou"));
    await apis(city("xiamen")).exec(app.out.caseId, {
      $case: "decide",
      value: { decision: { outcome: "approved", documentRef: "厦公迁出〔2026〕0003号", reasons: [] } },
    });
    // The window's node comes back first: it applies the decision and starts the in leg while its home is still down.
    await restartCity(iso, city("zhangzhou"));
    await sentCaseIn(city("zhangzhou"), app.in.caseId, "FORWARDED");
    await restartCity(iso, city("quanzhou"));
    const arrived = (await queuedIn(city("quanzhou"), app.in.caseId, "RECEIVED_BY_HOME")).case!;
    expect(arrived.joint!.legs.find((l) => l.role === "out")!.decisionRef).toBe("厦公迁出〔2026〕0003号");
    await approve("quanzhou", app.in.caseId, "泉公迁入〔2026〕0003号");
    await sentCaseIn(city("zhangzhou"), app.in.caseId, "DECIDED");
    expect(
      await city("quanzhou")
        .db.db.collection("cases")
        .countDocuments({ receiptKey: { $regex: `^zhangzhou:${app.req.receiptNo}` } }),
    ).toBe(1);
    const rows = await city("zhangzhou").db.db.collection("case_log").countDocuments({ caseId: app.in.caseId, rev: 1 });
    expect(rows).toBe(1);
  });

  it("when a joint item comes without its legs, with a leg twice, or with both legs in one city, or a single-home item comes with legs, then the formal check names each field", async () => {
    const base = sampleJointSubmission(network.node("zhangzhou")!, "xiamen", "quanzhou", n++);
    const refused = (req: SubmitCaseRequest) =>
      apis(city("zhangzhou"))
        .submit(req)
        .then(
          () => undefined,
          (e: { code: number; details: string }) => e,
        );
    const noLegs = await refused({ ...base, legs: [] });
    expect(noLegs?.code).toBe(status.INVALID_ARGUMENT);
    expect(noLegs?.details).toContain("leg 'out' is missing");
    const twice = await refused({ ...base, legs: [base.legs[0]!, base.legs[0]!] });
    expect(twice?.details).toContain("named twice");
    const sameCity = await refused({ ...base, legs: base.legs.map((l) => ({ ...l, homeNode: "xiamen" })) });
    expect(sameCity?.details).toContain("within one city");
    const withHome = await refused({ ...base, homeNode: "xiamen" });
    expect(withHome?.details).toContain("name each leg's home in legs");
    const single = sampleSubmission(network.node("zhangzhou")!, "xiamen", n++);
    const singleWithLegs = await refused({ ...single, legs: base.legs });
    expect(singleWithLegs?.details).toContain("legs apply only to jointly handled items");
    // A receipt number is one application: a single case cannot reuse a joint application's.
    const app = await apis(city("zhangzhou")).submit(base);
    const reused = await refused({ ...single, receiptNo: base.receiptNo });
    expect(reused?.code).toBe(status.ALREADY_EXISTS);
    expect((await apis(city("zhangzhou")).submit(base)).caseId).toBe(app.caseId);
  });
});
