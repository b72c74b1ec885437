import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tongban/bus";
import { sampleSubmission } from "@tongban/demo";
import type { RunningMonitor } from "@tongban/monitor";
import { connectMongo } from "@tongban/store";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, type Isolation, isolation, network, nodeIds, startCities, stopCities, busAs } from "../support/testNetwork";
import { chromiumArgs, orphanCase, startTestMonitor } from "./monitorSupport";

const artifacts = new URL("../../test-artifacts/monitor/", import.meta.url).pathname;
const DAY = 24 * 3600 * 1000;
const UI_TIMEOUT = 20_000;

describe("the operators' dashboard in a real browser", () => {
  const clock = { offsetMs: 0 };
  const now = () => new Date(Date.now() + clock.offsetMs);
  let iso: Isolation;
  let cities: CityNode[];
  let monitor: RunningMonitor;
  let bus: Bus;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const city = (id: string) => cities.find((c) => c.id === id)!;
  const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  const attr = (selector: string, name: string) => page.locator(selector).first().getAttribute(name, { timeout: UI_TIMEOUT });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    iso = isolation();
    cities = await startCities(iso, nodeIds, now);
    monitor = await startTestMonitor(iso, cities, now);
    bus = busAs("dashboard-test");
    profile = mkdtempSync(join(tmpdir(), "tongban-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1440, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await bus?.close();
    await monitor?.stop();
    const mongo = await connectMongo(iso.mongoUri, iso.dbName("monitor"));
    await mongo.db.dropDatabase();
    await mongo.close();
    await stopCities(cities);
  });

  it("when cases move between the three cities, then the page shows them live, a timeline, an overdue case and a replayed dead letter", async () => {
    await page.goto(monitor.url);
    await expect.poll(() => page.locator("h1").textContent(), { timeout: UI_TIMEOUT }).toBe("通办交换运行监控");
    await expect.poll(() => page.locator("#live").getAttribute("class"), { timeout: UI_TIMEOUT }).toContain("on");
    await shot("01-empty");

    // Cases between all three cities, in every direction; the page must update by itself.
    const caseOf = new Map<string, string>();
    let n = 8100;
    for (const from of nodeIds) {
      for (const to of nodeIds) {
        if (from === to) continue;
        const { caseId } = await apis(city(from)).submit(sampleSubmission(network.node(from)!, to, n++, "UI"));
        caseOf.set(`${from}>${to}`, caseId);
      }
    }
    for (const [pair] of caseOf) {
      const [from, to] = pair.split(">");
      const row = `[data-testid="pair-${from}-${to}"]`;
      await expect.poll(async () => Number(await attr(`${row} [data-testid="in-flight"]`, "data-total")), { timeout: UI_TIMEOUT }).toBe(1);
      await expect.poll(async () => Number(await attr(`${row} [data-testid="latency"]`, "data-count")), { timeout: UI_TIMEOUT }).toBe(1);
    }
    // The delivery charts (uPlot) drew for the window.
    await expect.poll(() => page.locator('[data-testid="chart-throughput"] canvas').count(), { timeout: UI_TIMEOUT }).toBe(1);
    await expect.poll(() => page.locator('[data-testid="chart-latency"] canvas').count(), { timeout: UI_TIMEOUT }).toBe(1);
    await shot("02-cases-in-flight");

    // A case moves: Quanzhou accepts the case from Xiamen, and its row follows.
    const moving = caseOf.get("xiamen>quanzhou")!;
    const movingRow = `[data-testid="case-row"][data-case-id="${moving}"]`;
    await expect.poll(() => attr(movingRow, "data-state"), { timeout: UI_TIMEOUT }).toBe("RECEIVED_BY_HOME");
    await apis(city("quanzhou")).claim(moving);
    await apis(city("quanzhou")).exec(moving, { $case: "accept", value: {} });
    await sentCaseIn(city("xiamen"), moving, "ACCEPTED");
    await expect.poll(() => attr(movingRow, "data-state"), { timeout: UI_TIMEOUT }).toBe("ACCEPTED");

    // One click from the case to its cross-city timeline.
    await page.locator(`${movingRow} a.case`).click();
    await expect
      .poll(() => page.locator('[data-testid="timeline-step"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-step"))), {
        timeout: UI_TIMEOUT,
      })
      .toEqual(["case.submitted", "case.forwarded", "case.received", "case.accepted"]);
    expect(await page.locator('[data-testid="timeline-case"]').textContent()).toBe(moving);
    // Steps are named as operators say them (已收件 …), not by their event types.
    expect(await page.locator('[data-testid="timeline-step"] td:nth-child(2)').allTextContents()).toEqual([
      "已收件",
      "已转递",
      "主管地已接收",
      "已受理",
    ]);
    await shot("03-timeline");

    // Thirty days later (injected clock) the cases not answered are overdue at the correction stage.
    clock.offsetMs = 30 * DAY;
    const open = caseOf.get("zhangzhou>quanzhou")!;
    const overdueRow = `[data-testid="overdue-row"][data-case-id="${open}"]`;
    await page.locator(overdueRow).first().waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator(`${overdueRow} td`).nth(4).textContent()).toBe("补正告知");
    await page.locator(`${overdueRow} a.case`).click();
    await expect.poll(() => page.locator('[data-testid="timeline-case"]').textContent(), { timeout: UI_TIMEOUT }).toBe(open);
    await page.locator('[data-testid="timeline-overdue"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator('[data-testid="materials-row"]').count()).toBeGreaterThanOrEqual(5);
    await shot("04-overdue");
    clock.offsetMs = 0;

    // A forwarding for a case Quanzhou does not know yet is dead-lettered; it shows up with its reason.
    const orphanId = "01DASHBOARDORPHAN000000001";
    const orphan = orphanCase(
      sampleSubmission(network.node("xiamen")!, "quanzhou", 8199, "UI"),
      "xiamen",
      "quanzhou",
      orphanId,
      iso.topicPrefix,
    );
    await bus.publish([orphan.forwarded]);
    const deadRow = `[data-testid="dead-letter"][data-node="quanzhou"][data-case-id="${orphanId}"]`;
    await expect.poll(() => attr(`${deadRow} [data-testid="dl-status"]`, "data-status"), { timeout: UI_TIMEOUT }).toBe("dead");
    expect(await page.locator(`${deadRow} td`).nth(1).textContent()).toBe("UNKNOWN_CASE");
    await page.locator(`${deadRow} [data-testid="inspect"]`).click();
    await expect.poll(() => page.locator('[data-testid="inspect"] pre').first().textContent(), { timeout: UI_TIMEOUT }).toContain(orphanId);
    await shot("05-dead-letter");

    // The fix: the submission arrives; replaying the dead letter now delivers it.
    await bus.publish([orphan.submitted]);
    await expect.poll(async () => (await fetch(new URL(`/api/cases/${orphanId}`, monitor.url))).status, { timeout: UI_TIMEOUT }).toBe(200);
    await page.locator(`${deadRow} [data-testid="replay"]`).click();
    await expect.poll(() => attr(`${deadRow} [data-testid="dl-status"]`, "data-status"), { timeout: UI_TIMEOUT }).toBe("delivered");
    await queuedIn(city("quanzhou"), orphanId, "RECEIVED_BY_HOME");
    await shot("06-replayed");

    // Every node's intake and queue answer SERVING; then the English switch.
    for (const id of nodeIds) {
      for (const api of ["intake", "queue"]) {
        await expect
          .poll(() => attr(`[data-testid="health-row"][data-node="${id}"][data-api="${api}"]`, "data-state"), { timeout: UI_TIMEOUT })
          .toBe("SERVING");
      }
    }
    await page.locator('[data-testid="lang-toggle"]').click();
    await expect.poll(() => page.locator("h1").textContent(), { timeout: UI_TIMEOUT }).toBe("Tongban Exchange monitor");
    expect(await page.locator('[data-testid="lang-toggle"]').textContent()).toBe("中文");
    await shot("07-english");
  });
});
