import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "@tongban/calendar";
import { sampleSubmission } from "@tongban/demo";
import { apis, queuedIn } from "../support/clients";
import { type CityNode, eventually, isolation, network, startCities, stopCities } from "../support/testNetwork";
import type { RunningMonitor } from "@tongban/monitor";
import { getJson, startTestMonitor } from "./monitorSupport";

// The holiday data covers the years it names; a due date computed into another year is counted on
// weekends only, and operators are told (the node's /healthz, the monitor's overview).

describe("a due date outside the calendar's years", () => {
  const calendar = WorkingDayCalendar.default();
  const lastYear = Math.max(...calendar.coveredYears());
  // A few days before the end of the last covered year: the 5-day correction clock runs into the next.
  const clock = () => new Date(`${lastYear}-12-28T02:00:00Z`);
  let cities: CityNode[];
  let monitor: RunningMonitor;

  beforeAll(async () => {
    const iso = isolation();
    cities = await startCities(iso, ["xiamen", "quanzhou"], clock);
    monitor = await startTestMonitor(iso, cities, clock);
  });
  afterAll(async () => {
    await monitor.stop();
    await stopCities(cities);
  });

  it("when a case's due date falls into the year after the last covered one, then the home node's /healthz and the monitor alert that the year is missing, and the node keeps serving", async () => {
    const [xm, qz] = cities as [CityNode, CityNode];
    const { caseId } = await apis(xm).submit(sampleSubmission(network.node("xiamen")!, "quanzhou", 4401, "CAL"));
    const queued = await queuedIn(qz, caseId, "RECEIVED_BY_HOME");
    expect(queued.case!.dueAt!.getTime()).toBeGreaterThan(new Date(`${lastYear + 1}-01-01T00:00:00+08:00`).getTime());

    const res = await fetch(`http://127.0.0.1:${qz.node.metricsPort}/healthz`);
    const body = (await res.json()) as { status: string; alerts: string[] };
    expect(res.status).toBe(200);
    expect(body.status).toBe("SERVING");
    expect(body.alerts).toEqual([expect.stringContaining(`工作日历缺少 ${lastYear + 1} 年节假日安排`)]);

    const alerts = await eventually("the monitor's calendar alert", async () => {
      const o = await getJson<{ calendarAlerts: { year: number; cases: number; zh: string; en: string }[] }>(monitor, "/api/overview");
      return o.calendarAlerts.find((a) => a.year === lastYear + 1 && a.cases >= 1);
    });
    expect(alerts.en).toContain(`calendar for ${lastYear + 1} missing`);
  });
});
