import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleSubmission } from "@tongban/demo";
import type { RunningMonitor } from "@tongban/monitor";
import { callUnary } from "@tongban/rpc";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";
import { getJson, startTestMonitor } from "../monitor/monitorSupport";

// 好差评 and 12345 close the loop: a poor rating or a 12345 complaint opens a problem (整改) the
// home authority must answer; ratings and problems reach the operators' monitor.

interface Feedback {
  ratings: { byPair: { key: string; counts: Record<string, number> }[]; byDepartment: { key: string }[] };
  problems: { caseId: string; problemId: number; source: string; overdue: boolean; answeredAt?: string }[];
  openProblems: number;
  overdueProblems: number;
}

describe("ratings, complaints and the problems they open", () => {
  let cities: CityNode[];
  let monitor: RunningMonitor;
  // The monitor's clock, moved forward to see an unanswered problem become overdue.
  let ahead = 0;
  const city = (id: string) => cities.find((c) => c.id === id)!;
  let n = 7300;

  beforeAll(async () => {
    const iso = isolation();
    cities = await startCities(iso, ["xiamen", "quanzhou"]);
    monitor = await startTestMonitor(iso, cities, () => new Date(Date.now() + ahead));
  });
  afterAll(async () => {
    await monitor.stop();
    await stopCities(cities);
  });

  const submit = async () => {
    const res = await apis(city("xiamen")).submit(sampleSubmission(network.node("xiamen")!, "quanzhou", n++, "FDBK"));
    await queuedIn(city("quanzhou"), res.caseId, "RECEIVED_BY_HOME");
    await apis(city("quanzhou")).claim(res.caseId);
    return res.caseId;
  };
  const complain = (caseId: string, ticketNo: string, description: string) => {
    const i = city("xiamen").intakeClient;
    return callUnary(i, i.recordComplaint, { caseId, requestId: randomUUID(), windowClerk: "w1", ticketNo, description });
  };
  const feedback = () => getJson<{ feedback: Feedback }>(monitor, "/api/overview").then((o) => o.feedback);

  it("when a refused case is rated DISSATISFIED, then it stays NOT_ACCEPTED, a problem opens for the home authority, and its answer travels back to the window", async () => {
    const caseId = await submit();
    const home = apis(city("quanzhou"));
    await home.exec(caseId, { $case: "refuse", value: { reasons: ["材料不属于本机关受理范围"] } });
    await sentCaseIn(city("xiamen"), caseId, "NOT_ACCEPTED");
    await apis(city("xiamen")).rate(caseId, "DISSATISFIED");

    const atHome = await eventually("the problem at home", async () => {
      const item = await home.queued(caseId);
      return item?.case?.problems.length ? item : undefined;
    });
    expect(atHome.case).toMatchObject({ state: "NOT_ACCEPTED", rating: "DISSATISFIED" });
    expect(atHome.case!.problems[0]).toMatchObject({ problemId: 1, source: "rating", reference: "DISSATISFIED", answer: "" });
    expect(atHome.case!.problems[0]!.answerDueAt!.getTime()).toBeGreaterThan(Date.now());

    await home.exec(caseId, { $case: "answerProblem", value: { problemId: 1, answer: "已复核不予受理理由并向申请人说明" } });
    const back = await eventually("the answer at the window", async () => {
      const c = await apis(city("xiamen")).sentCase(caseId);
      return c.problems[0]?.answeredAt ? c : undefined;
    });
    expect(back.state).toBe("NOT_ACCEPTED");
    expect(back.problems[0]!.answer).toBe("已复核不予受理理由并向申请人说明");

    // Rated once only.
    const again = await apis(city("xiamen"))
      .rate(caseId, "SATISFIED")
      .then(
        () => undefined,
        (e: { code?: number }) => e,
      );
    expect(again?.code).toBe(status.FAILED_PRECONDITION);

    // The monitor learns of each step from the tracking topic, the answer last.
    const f = await eventually("the rating and the answered problem in the monitor", async () => {
      const x = await feedback();
      const answered = x.problems.find((p) => p.caseId === caseId)?.answeredAt;
      return x.ratings.byPair.find((r) => r.key === "xiamen → quanzhou")?.counts.DISSATISFIED && answered ? x : undefined;
    });
    expect(f.problems.find((p) => p.caseId === caseId)).toMatchObject({ source: "rating", overdue: false });
  });

  it("when a 12345 complaint is recorded for a case under way, then a problem opens at home without moving the case, and the monitor shows it overdue once its five working days pass unanswered", async () => {
    const caseId = await submit();
    const home = apis(city("quanzhou"));
    await home.exec(caseId, { $case: "signForMaterials", value: {} });
    await home.exec(caseId, { $case: "accept", value: {} });
    await complain(caseId, "12345-20261129-0042", "申请人反映窗口未一次性告知所需材料");

    const atHome = await eventually("the complaint at home", async () => {
      const item = await home.queued(caseId);
      return item?.case?.problems.length ? item : undefined;
    });
    expect(atHome.case).toMatchObject({ state: "ACCEPTED" });
    expect(atHome.case!.problems[0]).toMatchObject({ source: "complaint_12345", reference: "12345-20261129-0042" });

    const open = await eventually("the open problem in the monitor", async () =>
      (await feedback()).problems.find((p) => p.caseId === caseId),
    );
    expect(open.overdue).toBe(false);
    ahead = 10 * 86_400_000; // two calendar weeks: past five working days whatever the holidays
    const late = await feedback();
    expect(late.problems.find((p) => p.caseId === caseId)?.overdue).toBe(true);
    expect(late.overdueProblems).toBeGreaterThanOrEqual(1);

    const blank = await complain(caseId, "", "x").then(
      () => undefined,
      (e: { code?: number }) => e,
    );
    expect(blank?.code).toBe(status.INVALID_ARGUMENT);
  });
});
