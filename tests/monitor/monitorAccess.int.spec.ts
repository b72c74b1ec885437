import { createSign, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tongban/bus";
import { loadConfig } from "@tongban/config";
import { EventEnvelope, encodeEnvelope, topics } from "@tongban/contracts";
import { TOKEN_AUDIENCE, defaultPkiDir, devIssuerOf, idpFiles, signDevToken } from "@tongban/identity";
import { createLogger } from "@tongban/log";
import { type RunningMonitor, monitorConfigSpec, startMonitor } from "@tongban/monitor";
import { connectMongo } from "@tongban/store";
import { readTopic } from "../support/readTopic";
import { type Isolation, eventually, isolation, network, provisionTopics, quietLogger, busAs } from "../support/testNetwork";
import { freePort, getJson, originOf, testMonitorConfig } from "./monitorSupport";

const evil = "https://evil.example";
const json = (r: Response): Promise<any> => r.json();

/** Log lines of a monitor, to find its audit lines. */
function capturedLogger() {
  const lines: any[] = [];
  const logger = createLogger({ service: "monitor", level: "info", destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
  return { logger, denials: () => lines.filter((l) => l.audit === "access-denied") };
}

/** A token naming Xiamen's identity provider as issuer (and its key id) but signed with another key. */
function forgedXiamenToken(): string {
  const { kid } = JSON.parse(readFileSync(idpFiles(defaultPkiDir, "xiamen").jwks, "utf8")).keys[0];
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const iat = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: "ES256", kid, typ: "JWT" })}.${b64({
    iss: devIssuerOf("xiamen"),
    aud: TOKEN_AUDIENCE,
    sub: "op-forged",
    city: "xiamen",
    roles: ["operator"],
    iat,
    exp: iat + 3600,
  })}`;
  const sig = createSign("sha256").update(input).sign({ key: privateKey, dsaEncoding: "ieee-p1363" });
  return `${input}.${sig.toString("base64url")}`;
}

async function dropMonitorDb(iso: Isolation, name: string) {
  const mongo = await connectMongo(iso.mongoUri, iso.dbName(name));
  await mongo.db.dropDatabase();
  await mongo.close();
}

describe("the monitor on loopback: Origin, CSRF and where a replay may go", () => {
  let iso: Isolation;
  let monitor: RunningMonitor;
  let bus: Bus;
  const log = capturedLogger();
  let seq = 0;

  /** A record on quanzhou's dead-letter topic that claims to come from `sourceTopic`; the id the monitor gives it. */
  async function deadLetter(sourceTopic: string): Promise<string> {
    const caseId = `01ACCESSCASE${String(++seq).padStart(14, "0")}`;
    const envelope = EventEnvelope.fromPartial({
      eventId: `${caseId}-2`,
      caseId,
      type: "case.forwarded",
      caseSeq: 2,
      sourceNode: "xiamen",
      targetNode: "quanzhou",
      schemaVersion: 1,
      occurredAt: new Date(),
    });
    await bus.publish([
      {
        topic: topics.deadLetter(iso.topicPrefix, "quanzhou"),
        key: caseId,
        value: encodeEnvelope(envelope),
        headers: {
          "event-type": "case.forwarded",
          "x-dlq-code": "UNKNOWN_CASE",
          "x-dlq-reason": `UNKNOWN_CASE: ${caseId}`,
          "x-dlq-source-topic": sourceTopic,
          "x-dlq-source-partition": "0",
          "x-dlq-source-offset": "0",
          "x-dlq-group": `${iso.topicPrefix}.quanzhou.node`,
        },
      },
    ]);
    const dl = await eventually("the dead letter listed", async () =>
      (await getJson(monitor, "/api/dead-letters?node=quanzhou")).deadLetters.find((d: any) => d.event?.caseId === caseId),
    );
    return dl._id;
  }

  const replayPath = (id: string) => `/api/dead-letters/${encodeURIComponent(id)}/replay`;
  const csrf = async () => (await getJson(monitor, "/api/csrf")).token as string;
  const post = (path: string, headers: Record<string, string>) => fetch(new URL(path, monitor.url), { method: "POST", headers });
  const replaysOf = async (id: string) => (await getJson(monitor, replayPath(id).replace(/\/replay$/, ""))).replays;
  /** Replays of the spec's dead letters that reached `node`'s inbound topic. */
  const replayedTo = async (node: string) =>
    (await readTopic(bus, topics.inbound(iso.topicPrefix, node)))
      .filter((r) => r.headers["x-replay-of"])
      .map((r) => r.headers["x-replay-of"]);

  beforeAll(async () => {
    iso = isolation();
    await provisionTopics(iso);
    monitor = await startMonitor({ config: testMonitorConfig(iso), network, logger: log.logger });
    bus = busAs("monitor-access-test");
  });
  afterAll(async () => {
    await bus?.close();
    await monitor?.stop();
    await dropMonitorDb(iso, "monitor");
  });

  it("when nothing is configured, then the monitor binds to 127.0.0.1 and needs no login there", async () => {
    expect(loadConfig(monitorConfigSpec, {}, {}).httpHost).toBe("127.0.0.1");
    expect(new URL(monitor.url).hostname).toBe("127.0.0.1");
    expect(await getJson(monitor, "/api/session")).toEqual({ loginRequired: false });
    expect((await fetch(new URL("/api/overview", monitor.url))).status).toBe(200);
  });

  it("when a page of another site posts a replay, even with a valid CSRF token, then 403 in Chinese and English, an audit line, and nothing is replayed", async () => {
    const id = await deadLetter(topics.inbound(iso.topicPrefix, "quanzhou"));
    const token = await csrf();
    const before = log.denials().length;
    const crossSite = await post(replayPath(id), { origin: evil, "x-csrf-token": token });
    expect(crossSite.status).toBe(403);
    expect((await json(crossSite)).error).toBe(`请求来源不被允许 / origin not allowed: ${evil}`);
    const byReferer = await post(replayPath(id), { referer: `${evil}/page.html`, "x-csrf-token": token });
    expect(byReferer.status).toBe(403);
    const neither = await post(replayPath(id), { "x-csrf-token": token });
    expect(neither.status).toBe(403);
    expect((await json(neither)).error).toContain("missing Origin or Referer");
    const all = await post(`/api/dead-letters/replay-all?node=quanzhou`, { origin: evil, "x-csrf-token": token });
    expect(all.status).toBe(403);

    expect(log.denials().slice(before)).toHaveLength(4);
    expect(log.denials().at(-1)).toMatchObject({ status: 403, method: "POST", path: "/api/dead-letters/replay-all", origin: evil });
    expect(await replaysOf(id)).toEqual([]);
    expect(await replayedTo("quanzhou")).toEqual([]);
  });

  it("when a replay comes from the monitor's own origin without a CSRF token, or with a made-up one, then 403 and nothing is replayed", async () => {
    const id = await deadLetter(topics.inbound(iso.topicPrefix, "quanzhou"));
    const missing = await post(replayPath(id), { origin: originOf(monitor) });
    expect(missing.status).toBe(403);
    expect((await json(missing)).error).toContain("缺少或无效的 CSRF 令牌");
    const madeUp = await post(replayPath(id), { origin: originOf(monitor), "x-csrf-token": "AAAA.BBBB" });
    expect(madeUp.status).toBe(403);
    expect(await replaysOf(id)).toEqual([]);
  });

  it("when a replay carries a CSRF token and an allowed Origin (or Referer), then it reaches the node's inbound topic", async () => {
    const id = await deadLetter(topics.inbound(iso.topicPrefix, "quanzhou"));
    const res = await post(replayPath(id), { origin: `http://localhost:${monitor.port}`, "x-csrf-token": await csrf() });
    expect(res.status).toBe(200);
    const [replay] = (await json(res)).replays;
    expect(replay).toMatchObject({ deadLetterId: id, node: "quanzhou", sourceTopic: topics.inbound(iso.topicPrefix, "quanzhou") });
    expect(await replayedTo("quanzhou")).toContain(id);

    const other = await deadLetter(topics.inbound(iso.topicPrefix, "quanzhou"));
    const viaReferer = await post(replayPath(other), { referer: `${monitor.url}#case=x`, "x-csrf-token": await csrf() });
    expect(viaReferer.status).toBe(200);
    expect(await replaysOf(other)).toHaveLength(1);
  });

  it("when a dead letter of Quanzhou names another topic as its source, then replaying it is refused with 409 and nothing is published anywhere", async () => {
    const toXiamen = await deadLetter(topics.inbound(iso.topicPrefix, "xiamen"));
    const toTracking = await deadLetter(topics.tracking(iso.topicPrefix));
    const headers = { origin: originOf(monitor), "x-csrf-token": await csrf() };
    for (const id of [toXiamen, toTracking]) {
      const res = await post(replayPath(id), headers);
      expect(res.status).toBe(409);
      expect((await json(res)).error).toContain(`不是节点 quanzhou 的入站主题 ${topics.inbound(iso.topicPrefix, "quanzhou")}`);
      expect(await replaysOf(id)).toEqual([]);
    }
    const all = await post(`/api/dead-letters/replay-all?node=quanzhou`, headers);
    expect(all.status).toBe(200);
    expect((await json(all)).replays.map((r: any) => r.deadLetterId)).not.toEqual(expect.arrayContaining([toXiamen]));
    expect(await replaysOf(toXiamen)).toEqual([]);
    expect(await replaysOf(toTracking)).toEqual([]);
    expect(await replayedTo("xiamen")).toEqual([]);
    const tracking = await readTopic(bus, topics.tracking(iso.topicPrefix));
    expect(tracking.filter((r) => r.headers["x-replay-of"])).toEqual([]);
  });
});

describe("the monitor on a non-loopback address: operators log in", () => {
  let iso: Isolation;
  let monitor: RunningMonitor;
  let base: string;
  const log = capturedLogger();
  const operatorToken = (city: string, extra: { ttlSeconds?: number; issuedAt?: number } = {}) =>
    signDevToken(defaultPkiDir, { city, id: `op-${city}`, name: `运维 ${city}`, roles: ["operator"], ...extra });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, base), { headers, redirect: "manual" });
  const post = (path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(new URL(path, base), {
      method: "POST",
      headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const csrf = async (headers: Record<string, string> = {}) => (await json(await get("/api/csrf", headers))).token as string;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    iso = isolation();
    await provisionTopics(iso);
    const port = await freePort();
    base = `http://127.0.0.1:${port}/`;
    monitor = await startMonitor({
      config: testMonitorConfig(iso, {
        httpHost: "0.0.0.0",
        httpPort: port,
        allowedOrigins: [new URL(base).origin],
        operatorJwks: { xiamen: idpFiles(defaultPkiDir, "xiamen").jwks, quanzhou: idpFiles(defaultPkiDir, "quanzhou").jwks },
      }),
      network,
      logger: log.logger,
    });
  });
  afterAll(async () => {
    await monitor?.stop();
    await dropMonitorDb(iso, "monitor");
  });

  it("when it would bind to every interface without operators' identity providers or without allowed origins, then it refuses to start and says what to set", async () => {
    const iso2 = isolation();
    const refused = (extra: Parameters<typeof testMonitorConfig>[1]) =>
      startMonitor({ config: testMonitorConfig(iso2, extra), network, logger: quietLogger("monitor") }).then(
        () => "started",
        (e: Error) => e.message,
      );
    expect(await refused({ httpHost: "0.0.0.0", allowedOrigins: ["http://monitor.example:8080"] })).toMatch(
      /MONITOR_HTTP_HOST=0\.0\.0\.0 is not a loopback address.*set MONITOR_OPERATOR_JWKS/,
    );
    expect(await refused({ httpHost: "10.1.2.3" })).toContain("set MONITOR_OPERATOR_JWKS");
    expect(await refused({ httpHost: "0.0.0.0", operatorJwks: { xiamen: idpFiles(defaultPkiDir, "xiamen").jwks } })).toContain(
      "set MONITOR_ALLOWED_ORIGINS",
    );
  });

  it("when a request has no token, then the API answers 401 in Chinese and English and the dashboard redirects to the login page", async () => {
    const api = await get("/api/overview");
    expect(api.status).toBe(401);
    expect((await json(api)).error).toBe("需要登录（运维人员令牌）/ login required (an operator's token)");
    for (const path of ["/api/dead-letters", "/api/health", "/api/events", "/dashboard.js"]) expect((await get(path)).status).toBe(401);
    const page = await get("/");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login");
    const login = await get("/login");
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("粘贴运维人员令牌");
    expect(await json(await get("/api/session"))).toEqual({ loginRequired: true });
    const replay = await post("/api/dead-letters/replay-all?node=quanzhou", { origin: new URL(base).origin, "x-csrf-token": await csrf() });
    expect(replay.status).toBe(401);
  });

  it("when an operator of Xiamen or Quanzhou sends a Bearer token, then the API answers; a clerk's token gets 403", async () => {
    for (const city of ["xiamen", "quanzhou"]) {
      const res = await get("/api/overview", bearer(await operatorToken(city)));
      expect(res.status).toBe(200);
      expect(await json(res)).toHaveProperty("pairs");
    }
    const clerk = await signDevToken(defaultPkiDir, { city: "xiamen", id: "clerk-a", department: "gaj", roles: ["clerk"] });
    const res = await get("/api/overview", bearer(clerk));
    expect(res.status).toBe(403);
    expect((await json(res)).error).toBe("需要运维人员角色 / the operator role is required");
    expect(log.denials().at(-1)).toMatchObject({ status: 403, path: "/api/overview", person: "xiamen/clerk-a" });
  });

  it("when a token has expired, is signed by a key not of its issuer, or comes from a city not configured, then 401", async () => {
    const expired = await operatorToken("xiamen", { issuedAt: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 600 });
    const res = await get("/api/overview", bearer(expired));
    expect(res.status).toBe(401);
    expect((await json(res)).error).toContain("令牌已过期 / token expired");
    const forged = await get("/api/overview", bearer(forgedXiamenToken()));
    expect(forged.status).toBe(401);
    expect((await json(forged)).error).toContain("invalid token");
    const zhangzhou = await get("/api/overview", bearer(await operatorToken("zhangzhou")));
    expect(zhangzhou.status).toBe(401);
    expect((await json(zhangzhou)).error).toContain("issuer is not trusted");
    expect((await get("/api/overview", bearer("not-a-token"))).status).toBe(401);
  });

  it("when an operator logs in on the page's origin, then a session cookie (HttpOnly, SameSite=Strict, not the token) opens the dashboard until logout", async () => {
    const token = await operatorToken("quanzhou", { ttlSeconds: 1800 });
    const origin = new URL(base).origin;
    expect((await post("/login", { origin: evil, "x-csrf-token": await csrf() }, { token })).status).toBe(403);
    expect((await post("/login", { origin }, { token })).status).toBe(403);
    const clerk = await signDevToken(defaultPkiDir, { city: "quanzhou", id: "clerk-b", department: "gaj", roles: ["clerk"] });
    const clerkLogin = await post("/login", { origin, "x-csrf-token": await csrf() }, { token: clerk });
    expect(clerkLogin.status).toBe(403);
    expect(clerkLogin.headers.get("set-cookie")).toBeNull();

    const login = await post("/login", { origin, "x-csrf-token": await csrf() }, { token });
    expect(login.status).toBe(200);
    const body = await json(login);
    expect(body.operator).toEqual({ id: "op-quanzhou", name: "运维 quanzhou", city: "quanzhou" });
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^tongban_monitor_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=(\d+)$/);
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeGreaterThan(1700);
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeLessThanOrEqual(1800);
    expect(setCookie).not.toContain(token.split(".")[1]!.slice(0, 20));
    const cookie = { cookie: setCookie.split(";")[0]! };

    expect((await get("/api/overview", cookie)).status).toBe(200);
    expect((await get("/", cookie)).status).toBe(200);
    expect(await json(await get("/api/session", cookie))).toMatchObject({ loginRequired: true, operator: { id: "op-quanzhou" } });
    // A CSRF token is bound to the session: one fetched without the cookie is refused with it.
    const anonymous = await post("/api/dead-letters/replay-all?node=quanzhou", { ...cookie, origin, "x-csrf-token": await csrf() });
    expect(anonymous.status).toBe(403);
    const session = await csrf(cookie);
    const replayAll = await post("/api/dead-letters/replay-all?node=quanzhou", { ...cookie, origin, "x-csrf-token": session });
    expect(replayAll.status).toBe(200);
    expect(body.csrfToken).toBeTruthy();
    expect((await post("/api/dead-letters/replay-all?node=quanzhou", { ...cookie, origin, "x-csrf-token": body.csrfToken })).status).toBe(
      200,
    );

    const logout = await post("/logout", { ...cookie, origin, "x-csrf-token": session });
    expect(logout.status).toBe(200);
    expect(logout.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await get("/api/overview", cookie)).status).toBe(401);
    expect((await get("/", cookie)).status).toBe(302);
  });

  it("when an API client sends a Bearer token and no Origin, then a state-changing call still needs its CSRF token", async () => {
    const auth = bearer(await operatorToken("xiamen"));
    const without = await post("/api/dead-letters/replay-all?node=quanzhou", auth);
    expect(without.status).toBe(403);
    const token = await csrf(auth);
    const withToken = await post("/api/dead-letters/replay-all?node=quanzhou", { ...auth, "x-csrf-token": token });
    expect(withToken.status).toBe(200);
    expect(await json(withToken)).toEqual({ replays: [] });
  });
});
