import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tongban/bus";
import { handlingOf, item } from "@tongban/catalog";
import { sampleJointSubmission, sampleSubmission } from "@tongban/demo";
import type { RunningMonitor } from "@tongban/monitor";
import { connectMongo } from "@tongban/store";
import { apis, approveCase, queuedIn, sentCaseIn } from "../support/clients";
import { type CityNode, type Isolation, isolation, network, nodeIds, startCities, stopCities, busAs } from "../support/testNetwork";
import { chromiumArgs, getJson, orphanCase, startTestMonitor } from "./monitorSupport";

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
    await apis(city("quanzhou")).exec(moving, { $case: "signForMaterials", value: {} });
    await apis(city("quanzhou")).exec(moving, { $case: "accept", value: {} });
    await sentCaseIn(city("xiamen"), moving, "ACCEPTED");
    await expect.poll(() => attr(movingRow, "data-state"), { timeout: UI_TIMEOUT }).toBe("ACCEPTED");

    // One click from the case to its cross-city timeline.
    await page.locator(`${movingRow} a.case`).click();
    await expect
      .poll(() => page.locator('[data-testid="timeline-step"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-step"))), {
        timeout: UI_TIMEOUT,
      })
      .toEqual(["case.submitted", "case.forwarded", "case.received", "case.materials_signed", "case.accepted"]);
    expect(await page.locator('[data-testid="timeline-case"]').textContent()).toBe(moving);
    // Steps are named as operators say them (已收件 …), not by their event types.
    expect(await page.locator('[data-testid="timeline-step"] td:nth-child(2)').allTextContents()).toEqual([
      "已收件",
      "已转递",
      "主管地已接收",
      "纸质材料已签收",
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

  it("when a joint application received in Zhangzhou moves out of Xiamen into Quanzhou, then its legs are marked in the case list and a leg's timeline shows every leg with its home, state, clock and steps", async () => {
    const texts = (selector: string) => page.locator(selector).allTextContents();
    const attrs = (selector: string, name: string) =>
      page.locator(selector).evaluateAll((els, n) => els.map((e) => e.getAttribute(n)), name);
    // The first scenario ended in English; the operator switches back to Chinese.
    if ((await page.locator("h1").textContent()) !== "通办交换运行监控") await page.locator('[data-testid="lang-toggle"]').click();
    await expect.poll(() => page.locator("h1").textContent(), { timeout: UI_TIMEOUT }).toBe("通办交换运行监控");

    const req = sampleJointSubmission(network.node("zhangzhou")!, "xiamen", "quanzhou", 8300, "UIJ");
    const app = await apis(city("zhangzhou")).submit(req);
    const outLeg = app.legs.find((l) => l.role === "out")!;
    const inLeg = app.legs.find((l) => l.role === "in")!;
    const handling = handlingOf(item(req.itemCode)!);
    if (handling.kind !== "joint") throw new Error(`${req.itemCode} is not handled jointly`);
    const names = Object.fromEntries(handling.legs.map((l) => [l.role, l.name]));

    // The out leg's row in the case list carries its badge.
    const outBadge = `[data-testid="case-row"][data-case-id="${outLeg.caseId}"] [data-testid="leg-badge"]`;
    await expect
      .poll(() => page.locator(outBadge).first().textContent({ timeout: UI_TIMEOUT }), { timeout: UI_TIMEOUT })
      .toBe(`联办·${names.out!.zh}`);
    expect(await attr(outBadge, "data-joint-id")).toBe(app.caseId);

    // Until the out leg is approved, its timeline shows the in leg waiting for it.
    await queuedIn(city("xiamen"), outLeg.caseId, "RECEIVED_BY_HOME");
    await page.locator(`[data-testid="case-row"][data-case-id="${outLeg.caseId}"] a.case`).first().click();
    await expect.poll(() => page.locator('[data-testid="timeline-case"]').textContent(), { timeout: UI_TIMEOUT }).toBe(outLeg.caseId);
    const waitingLeg = '[data-testid="joint-panel"] [data-testid="joint-leg"][data-role="in"]';
    await expect.poll(() => attr(waitingLeg, "data-state"), { timeout: UI_TIMEOUT }).toBe("WAITING");
    expect(await attr(waitingLeg, "data-case-id")).toBe("");
    expect((await page.locator(`${waitingLeg} [data-testid="leg-state"]`).textContent())!.trim()).toBe(
      `待前序办结（前序：${names.out!.zh}）`,
    );

    // Xiamen approves the out leg; the in leg starts and reaches Quanzhou.
    await approveCase(city("xiamen"), outLeg.caseId, "厦公迁出〔2026〕0801号");
    await queuedIn(city("quanzhou"), inLeg.caseId, "RECEIVED_BY_HOME");

    const inRow = `[data-testid="case-row"][data-case-id="${inLeg.caseId}"]`;
    await expect.poll(() => attr(inRow, "data-state"), { timeout: UI_TIMEOUT }).toBe("RECEIVED_BY_HOME");
    expect(await attr(`${inRow} [data-testid="leg-badge"]`, "data-role")).toBe("in");
    await page.locator(`${inRow} a.case`).first().click();

    // The in leg's timeline, then the application: both legs with their homes, states and steps.
    await expect.poll(() => page.locator('[data-testid="timeline-case"]').textContent(), { timeout: UI_TIMEOUT }).toBe(inLeg.caseId);
    const legRows = '[data-testid="joint-panel"] [data-testid="joint-leg"]';
    expect(await attr('[data-testid="joint-panel"]', "data-joint-id")).toBe(app.caseId);
    await expect
      .poll(() => attrs(`${legRows}[data-role="out"] [data-testid="leg-step"]`, "data-step"), { timeout: UI_TIMEOUT })
      .toEqual([
        "case.submitted",
        "case.forwarded",
        "case.received",
        "case.materials_signed",
        "case.accepted",
        "case.review_started",
        "case.decided",
      ]);
    await expect
      .poll(() => attrs(`${legRows}[data-role="in"] [data-testid="leg-step"]`, "data-step"), { timeout: UI_TIMEOUT })
      .toEqual(["case.submitted", "case.forwarded", "case.received"]);
    expect(await attrs(legRows, "data-role")).toEqual(["out", "in"]);
    expect(await attrs(legRows, "data-case-id")).toEqual([outLeg.caseId, inLeg.caseId]);
    expect(await attrs(legRows, "data-home")).toEqual(["xiamen", "quanzhou"]);
    expect(await texts(`${legRows} [data-testid="leg-name"]`)).toEqual([names.out!.zh, `${names.in!.zh} 本件`]);
    expect(await texts(`${legRows} [data-testid="leg-home"]`)).toEqual(["厦门市", "泉州市"]);
    expect((await texts(`${legRows} [data-testid="leg-state"]`)).map((x) => x.trim())).toEqual(["已决定", "已接收"]);
    expect(await attrs(`${legRows} [data-testid="leg-due"]`, "data-stage")).toEqual(["delivery", "correction"]);
    expect(await texts(`${legRows}[data-role="in"] [data-testid="leg-step"]`)).toEqual([
      expect.stringMatching(/^已收件 /),
      expect.stringMatching(/^已转递 /),
      expect.stringMatching(/^主管地已接收 /),
    ]);

    // Between the in leg's correction limit and the out leg's delivery limit only the in leg is overdue, highlighted as elsewhere on the page.
    const { legs } = await getJson(monitor, `/api/joints/${app.caseId}`);
    const [outDue, inDue] = legs.map((l: any) => new Date(l.summary.dueAt).getTime());
    expect(inDue).toBeLessThan(outDue);
    clock.offsetMs = (inDue + outDue) / 2 - Date.now();
    try {
      await expect.poll(() => attrs(`${legRows} [data-testid="leg-due"]`, "data-overdue"), { timeout: UI_TIMEOUT }).toEqual(["0", "1"]);
      const [outClass, inClass] = await attrs(`${legRows} [data-testid="leg-due"]`, "class");
      expect(outClass).not.toContain("bad");
      expect(inClass).toBe("bad");
      expect(await page.locator(`${legRows}[data-role="in"] [data-testid="leg-due"]`).textContent()).toMatch(/补正告知 .*已超期 \+\d+/s);
      await shot("joint-case");

      // The list of joint applications opens the application by its own id.
      const jointRow = `[data-testid="joint-row"][data-joint-id="${app.caseId}"]`;
      expect(await attrs(`${jointRow} .chip`, "data-state")).toEqual(["DECIDED", "RECEIVED_BY_HOME"]);
      await page.locator(`${jointRow} a.case`).click();
      await expect.poll(() => page.locator('[data-testid="timeline-joint"]').textContent(), { timeout: UI_TIMEOUT }).toBe(app.caseId);
      expect(await attrs(legRows, "data-case-id")).toEqual([outLeg.caseId, inLeg.caseId]);

      await page.locator('[data-testid="lang-toggle"]').click();
      await expect
        .poll(() => page.locator('[data-testid="timeline"] h2').textContent(), { timeout: UI_TIMEOUT })
        .toBe(`Joint application · ${app.caseId}`);
      expect(await page.locator('[data-testid="joint-panel"] h3').textContent()).toMatch(/Received at\s+Zhangzhou · /);
      expect(await texts(`${legRows} [data-testid="leg-name"]`)).toEqual([names.out!.en, names.in!.en]);
      expect(await page.locator(outBadge).first().textContent()).toBe(`Joint·${names.out!.en}`);
      await shot("joint-case-en");
    } finally {
      clock.offsetMs = 0;
    }
  });
});
