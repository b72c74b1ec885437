import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WatchQueueResponse } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, clerkMetadata, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";

describe("the authority queue API", () => {
  let cities: CityNode[];
  let xm: CityNode;
  let zz: CityNode;
  const clock = { offsetMs: 0 };
  let n = 900;
  const submit = async () => {
    const res = await apis(xm).submit(sampleSubmission(network.node("xiamen")!, "zhangzhou", n++, "QAPI"));
    return res.caseId;
  };

  beforeAll(async () => {
    cities = await startCities(isolation(), ["xiamen", "zhangzhou"], () => new Date(Date.now() + clock.offsetMs));
    [xm, zz] = cities as [CityNode, CityNode];
  });
  afterAll(() => stopCities(cities));

  it("when a clerk watches the queue, then new and changed cases of the department stream in", async () => {
    const caseId = await submit();
    const first = await queuedIn(zz, caseId, "RECEIVED_BY_HOME");
    const dept = first.case!.homeDepartment;
    const seen: WatchQueueResponse[] = [];
    const stream = zz.queueClient.watchQueue({ department: dept }, await clerkMetadata("zhangzhou", "clerk-a", dept));
    stream.on("data", (m: WatchQueueResponse) => seen.push(m));
    stream.on("error", () => undefined);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const next = await submit();
      await eventually("the new case streamed", async () =>
        seen.some((m) => m.item?.case?.caseId === next && m.item.case.state === "RECEIVED_BY_HOME") ? true : undefined,
      );
      await apis(zz).claim(next);
      await apis(zz).exec(next, { $case: "signForMaterials", value: {} });
      await apis(zz).exec(next, { $case: "accept", value: {} });
      await eventually("its acceptance streamed", async () =>
        seen.some((m) => m.item?.case?.caseId === next && m.item.case.state === "ACCEPTED") ? true : undefined,
      );
      expect(seen.every((m) => m.item!.case!.homeDepartment === dept)).toBe(true);
      expect(seen.find((m) => m.item?.case?.caseId === next)?.change).toBe("created");
    } finally {
      stream.cancel();
    }
  });

  it("when working days pass without an answer, then the case is listed as overdue at its stage", async () => {
    const caseId = await submit();
    const first = await queuedIn(zz, caseId, "RECEIVED_BY_HOME");
    const dept = first.case!.homeDepartment;
    expect((await apis(zz).list(dept, { overdueOnly: true })).items.map((i) => i.case!.caseId)).not.toContain(caseId);
    clock.offsetMs = 30 * 24 * 3600 * 1000;
    try {
      const overdue = await apis(zz).list(dept, { overdueOnly: true });
      const item = overdue.items.find((i) => i.case!.caseId === caseId);
      expect(item?.case?.overdueStage).toBe("correction");
      expect(item!.case!.dueAt!.getTime()).toBeLessThan(Date.now() + clock.offsetMs);
    } finally {
      clock.offsetMs = 0;
    }
  });

  it("when the window withdraws while the authority decides, then the home node orders the two and both sides agree", async () => {
    const caseId = await submit();
    await queuedIn(zz, caseId, "RECEIVED_BY_HOME");
    const home = apis(zz);
    await home.claim(caseId);
    await home.exec(caseId, { $case: "signForMaterials", value: {} });
    await home.exec(caseId, { $case: "accept", value: {} });
    await home.exec(caseId, { $case: "startReview", value: {} });
    await sentCaseIn(xm, caseId, "UNDER_REVIEW");
    const [withdraw, decide] = await Promise.allSettled([
      apis(xm).withdraw(caseId),
      home.exec(caseId, { $case: "decide", value: { decision: { outcome: "approved", documentRef: "漳许〔2026〕1号", reasons: [] } } }),
    ]);
    const final = await eventually("both sides agree", async () => {
      const h = (await home.queued(caseId))!.case!;
      const w = await apis(xm).sentCase(caseId);
      return h.seq === w.seq && h.state === w.state && (h.state === "WITHDRAWN" || w.lastRejection) ? { h, w } : undefined;
    });
    if (final.h.state === "DECIDED") {
      // The decision came first: the withdrawal was refused by the home node and the window was told why.
      expect(decide.status).toBe("fulfilled");
      expect(final.w.lastRejection).toContain("DECIDED");
    } else {
      // The withdrawal came first: deciding a withdrawn case is refused.
      expect(withdraw.status).toBe("fulfilled");
      expect(final.h.state).toBe("WITHDRAWN");
      expect(decide.status === "rejected" && (decide.reason as { code: number }).code).toBe(9);
    }
  });
});
