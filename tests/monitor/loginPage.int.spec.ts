import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPkiDir, idpFiles, signDevToken } from "@tongban/identity";
import { type RunningMonitor, startMonitor } from "@tongban/monitor";
import { connectMongo } from "@tongban/store";
import { type Isolation, isolation, network, provisionTopics, quietLogger } from "../support/testNetwork";
import { chromiumArgs, freePort, testMonitorConfig } from "./monitorSupport";

const artifacts = new URL("../../test-artifacts/monitor/", import.meta.url).pathname;
const UI_TIMEOUT = 20_000;

describe("the monitor's login page in a real browser", () => {
  let iso: Isolation;
  let monitor: RunningMonitor;
  let base: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    iso = isolation();
    await provisionTopics(iso);
    const port = await freePort();
    base = `http://127.0.0.1:${port}/`;
    monitor = await startMonitor({
      config: testMonitorConfig(iso, {
        httpHost: "0.0.0.0",
        httpPort: port,
        allowedOrigins: [new URL(base).origin],
        operatorJwks: { xiamen: idpFiles(defaultPkiDir, "xiamen").jwks },
      }),
      network,
      logger: quietLogger("monitor"),
    });
    profile = mkdtempSync(join(tmpdir(), "tongban-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await monitor?.stop();
    const mongo = await connectMongo(iso.mongoUri, iso.dbName("monitor"));
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it("when an operator pastes a token, then the dashboard opens with the operator's name; a clerk's token is refused; logout returns to the login page", async () => {
    await page.goto(base);
    await expect.poll(() => new URL(page.url()).pathname, { timeout: UI_TIMEOUT }).toBe("/login");

    const clerk = await signDevToken(defaultPkiDir, { city: "xiamen", id: "clerk-a", department: "gaj", roles: ["clerk"] });
    await page.locator('[data-testid="token"]').fill(clerk);
    await page.locator('[data-testid="login"]').click();
    await expect
      .poll(() => page.locator('[data-testid="login-message"]').textContent(), { timeout: UI_TIMEOUT })
      .toBe("需要运维人员角色 / the operator role is required");
    expect(new URL(page.url()).pathname).toBe("/login");

    const operator = await signDevToken(defaultPkiDir, { city: "xiamen", id: "op-1", name: "李运维", roles: ["operator"] });
    await page.locator('[data-testid="token"]').fill(operator);
    await page.locator('[data-testid="login"]').click();
    await expect.poll(() => page.locator("h1").textContent(), { timeout: UI_TIMEOUT }).toBe("通办交换运行监控");
    await expect.poll(() => page.locator('[data-testid="operator"]').textContent(), { timeout: UI_TIMEOUT }).toBe("李运维 (xiamen)");
    await expect.poll(() => page.locator("#live").getAttribute("class"), { timeout: UI_TIMEOUT }).toContain("on");
    const cookies = await context.cookies(base);
    expect(cookies).toEqual([expect.objectContaining({ name: "tongban_monitor_session", httpOnly: true, sameSite: "Strict" })]);
    await page.screenshot({ path: join(artifacts, "08-logged-in.png"), fullPage: true });

    await page.locator('[data-testid="logout"]').click();
    await expect.poll(() => new URL(page.url()).pathname, { timeout: UI_TIMEOUT }).toBe("/login");
    await page.goto(base);
    await expect.poll(() => new URL(page.url()).pathname, { timeout: UI_TIMEOUT }).toBe("/login");
  });
});
