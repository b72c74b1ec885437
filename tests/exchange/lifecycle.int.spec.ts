import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleSubmission } from "@tongban/demo";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";

describe("a case's whole life between two cities (收受分离)", () => {
  let cities: CityNode[];
  const city = (id: string) => cities.find((c) => c.id === id)!;
  let n = 100;
  const submit = async (from: string, to: string) => {
    const res = await apis(city(from)).submit(sampleSubmission(network.node(from)!, to, n++, "LIFE"));
    await queuedIn(city(to), res.caseId, "RECEIVED_BY_HOME");
    await apis(city(to)).claim(res.caseId);
    return res.caseId;
  };

  beforeAll(async () => {
    cities = await startCities(isolation());
  });
  afterAll(() => stopCities(cities));

  const pairs = [
    ["xiamen", "quanzhou"],
    ["xiamen", "zhangzhou"],
    ["quanzhou", "xiamen"],
    ["quanzhou", "zhangzhou"],
    ["zhangzhou", "xiamen"],
    ["zhangzhou", "quanzhou"],
  ] as const;

  it.each(pairs)("when a window in %s receives a case homed in %s, then it lives received → … → rated on both sides", async (from, to) => {
    const win = apis(city(from));
    const home = apis(city(to));
    const caseId = await submit(from, to);

    await home.exec(caseId, { $case: "signForMaterials", value: {} });
    await home.exec(caseId, { $case: "accept", value: {} });
    await sentCaseIn(city(from), caseId, "ACCEPTED");
    await home.exec(caseId, { $case: "startReview", value: {} });
    await home.exec(caseId, {
      $case: "decide",
      value: { decision: { outcome: "approved", documentRef: `${to}许字〔2026〕${n}号`, reasons: [] } },
    });
    await home.exec(caseId, { $case: "sendResult", value: { channel: { kind: "mail", trackingNo: "EA123456785CN" } } });

    await sentCaseIn(city(from), caseId, "RESULT_SENT");
    await win.recordDelivery(caseId);
    await queuedIn(city(to), caseId, "DELIVERED");
    await home.exec(caseId, { $case: "close", value: {} });
    await sentCaseIn(city(from), caseId, "CLOSED");
    await win.rate(caseId, "VERY_SATISFIED");

    const homeView = (await queuedIn(city(to), caseId, "RATED")).case!;
    const windowView = await sentCaseIn(city(from), caseId, "RATED");
    expect(homeView.seq).toBe(windowView.seq);
    expect(windowView).toMatchObject({ decision: "approved", rating: "VERY_SATISFIED", homeNode: to, receivingNode: from });
    expect(homeView.materialsSignedAt).toBeInstanceOf(Date);
  });

  it("when the home authority asks for corrections twice, then each round travels to the window and back", async () => {
    const caseId = await submit("quanzhou", "xiamen");
    const home = apis(city("xiamen"));
    const win = apis(city("quanzhou"));
    for (const round of [1, 2]) {
      await home.exec(caseId, { $case: "requestCorrection", value: { items: [`第${round}轮：身份证复印件不清晰`, "缺少委托书"] } });
      await sentCaseIn(city("quanzhou"), caseId, "CORRECTION_REQUESTED");
      await win.submitCorrection(caseId, ["身份证复印件（重新提供）", "委托书"]);
      await queuedIn(city("xiamen"), caseId, "RECEIVED_BY_HOME");
    }
    // No scans and no paper yet: acceptance waits for the paper (材料签收).
    const early = await home.exec(caseId, { $case: "accept", value: {} }).catch((e) => e);
    expect(early.code).toBe(status.FAILED_PRECONDITION);
    expect(early.details).toContain("纸质材料尚未签收");
    await home.exec(caseId, { $case: "signForMaterials", value: {} });
    await home.exec(caseId, { $case: "accept", value: {} });
    const view = await sentCaseIn(city("quanzhou"), caseId, "ACCEPTED");
    expect(view.seq).toBe((await home.queued(caseId))!.case!.seq);
  });

  it("when the home authority refuses with reasons, then the window sees NOT_ACCEPTED and further commands fail", async () => {
    const caseId = await submit("zhangzhou", "quanzhou");
    await apis(city("quanzhou")).exec(caseId, { $case: "refuse", value: { reasons: ["不属于本机关职权范围"] } });
    await sentCaseIn(city("zhangzhou"), caseId, "NOT_ACCEPTED");
    const err = await apis(city("quanzhou"))
      .exec(caseId, { $case: "accept", value: {} })
      .catch((e) => e);
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toContain("不予受理");
    expect(err.details).toContain("NOT_ACCEPTED");
  });

  it("when the applicant withdraws before decision, then both sides end WITHDRAWN; after it, withdrawal is refused at once", async () => {
    const caseId = await submit("xiamen", "zhangzhou");
    await apis(city("zhangzhou")).exec(caseId, { $case: "signForMaterials", value: {} });
    await apis(city("zhangzhou")).exec(caseId, { $case: "accept", value: {} });
    await sentCaseIn(city("xiamen"), caseId, "ACCEPTED");
    const ack = await apis(city("xiamen")).withdraw(caseId);
    expect(ack.case!.state).toBe("ACCEPTED");
    await queuedIn(city("zhangzhou"), caseId, "WITHDRAWN");
    await sentCaseIn(city("xiamen"), caseId, "WITHDRAWN");
    const err = await apis(city("xiamen"))
      .withdraw(caseId)
      .catch((e) => e);
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toContain("WITHDRAWN");
  });

  it("when review is suspended for testing and resumed, then the decision due date moves later", async () => {
    const caseId = await submit("quanzhou", "zhangzhou");
    const home = apis(city("zhangzhou"));
    await home.exec(caseId, { $case: "signForMaterials", value: {} });
    await home.exec(caseId, { $case: "accept", value: {} });
    const before = (await home.exec(caseId, { $case: "startReview", value: {} })).item!.case!.dueAt!;
    const expectedResumeAt = new Date(Date.now() + 14 * 86_400_000);
    const past = await home
      .exec(caseId, { $case: "suspend", value: { kind: "testing", reason: "产品送检", expectedResumeAt: new Date(Date.now() - 60_000) } })
      .then(
        () => undefined,
        (e: { code?: number }) => e,
      );
    expect(past?.code).toBe(status.INVALID_ARGUMENT);
    await home.exec(caseId, { $case: "suspend", value: { kind: "testing", reason: "产品送检", expectedResumeAt } });
    const suspended = await sentCaseIn(city("quanzhou"), caseId, "SUSPENDED");
    expect(suspended.dueAt).toBeUndefined();
    // The window can tell the applicant why, and until when the authority expects to take.
    expect(suspended.suspensions).toEqual([
      {
        kind: "testing",
        kindZh: "检验检测",
        kindEn: expect.any(String),
        reason: "产品送检",
        suspendedAt: expect.any(Date),
        resumedAt: undefined,
        expectedResumeAt,
      },
    ]);
    const resumed = (await home.exec(caseId, { $case: "resume", value: {} })).item!.case!;
    expect(resumed.state).toBe("UNDER_REVIEW");
    expect(resumed.dueAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    const back = await sentCaseIn(city("quanzhou"), caseId, "UNDER_REVIEW");
    expect(back.suspensions[0]!.resumedAt).toBeInstanceOf(Date);
  });

  it("when a command is retried with the same request id, then it is applied once", async () => {
    const caseId = await submit("zhangzhou", "xiamen");
    const home = apis(city("xiamen"));
    await home.exec(caseId, { $case: "signForMaterials", value: {} }, "clerk-a", "req-sign-1");
    const first = await home.exec(caseId, { $case: "accept", value: {} }, "clerk-a", "req-accept-1");
    const retry = await home.exec(caseId, { $case: "accept", value: {} }, "clerk-a", "req-accept-1");
    expect(retry.duplicate).toBe(true);
    expect(retry.item!.case!.seq).toBe(first.item!.case!.seq);
    await home.exec(caseId, { $case: "requestCorrection", value: { items: ["x"] } }).catch(() => undefined);
    await home.exec(caseId, { $case: "startReview", value: {} });
    await home.exec(caseId, { $case: "suspend", value: { kind: "hearing", reason: "听证", expectedResumeAt: undefined } });
    await sentCaseIn(city("zhangzhou"), caseId, "SUSPENDED");
    const win = apis(city("zhangzhou"));
    const a = await win.withdraw(caseId, "不再需要", "req-w-1");
    const b = await win.withdraw(caseId, "不再需要", "req-w-1");
    expect([a.duplicate, b.duplicate]).toEqual([false, true]);
    await queuedIn(city("xiamen"), caseId, "WITHDRAWN");
    // The inbox record is written with its consumed batch, just after the case it was applied to.
    const inbox = () => city("xiamen").db.db.collection("inbox").countDocuments({ caseId, type: "case.command_requested" });
    await eventually("the withdrawal's inbox record", async () => ((await inbox()) > 0 ? true : undefined));
    expect(await inbox()).toBe(1);
  });

  it("when another clerk holds the lease, then commands and claims by a second clerk are refused", async () => {
    const caseId = await submit("xiamen", "quanzhou");
    const home = apis(city("quanzhou"));
    const claim = await home.claim(caseId, "clerk-b").catch((e) => e);
    expect(claim.code).toBe(status.FAILED_PRECONDITION);
    expect(claim.details).toContain("clerk-a");
    const exec = await home.exec(caseId, { $case: "accept", value: {} }, "clerk-b").catch((e) => e);
    expect(exec.code).toBe(status.FAILED_PRECONDITION);
    await home.release(caseId, "clerk-a");
    expect((await home.claim(caseId, "clerk-b")).case!.claimedBy).toBe("clerk-b");
  });

  it("when the queue is listed by department, state and page, then pages are disjoint and filtered", async () => {
    const home = apis(city("zhangzhou"));
    const ids = [await submit("xiamen", "zhangzhou"), await submit("quanzhou", "zhangzhou"), await submit("xiamen", "zhangzhou")];
    const deptOf = new Map<string, string>();
    for (const id of ids) deptOf.set(id, (await queuedIn(city("zhangzhou"), id, "RECEIVED_BY_HOME")).case!.homeDepartment);
    const dept = deptOf.get(ids[0]!)!;
    const seen: string[] = [];
    let token = "";
    do {
      const page = await home.list(dept, { state: "RECEIVED_BY_HOME", pageSize: 1, pageToken: token });
      expect(page.items.length).toBeLessThanOrEqual(1);
      expect(page.items.every((i) => i.case!.homeDepartment === dept)).toBe(true);
      seen.push(...page.items.map((i) => i.case!.caseId));
      token = page.nextPageToken;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids.filter((id) => deptOf.get(id) === dept)));
    expect(seen.filter((id) => ids.includes(id) && deptOf.get(id) !== dept)).toEqual([]);
    const bad = await home.list(dept, { state: "NOPE" }).catch((e) => e);
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
  });
});
