import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { MAX_DEAD_LETTER_ID_LENGTH, MAX_ID_LENGTH, MAX_SEARCH_LENGTH, MONITOR_MAX_BODY_BYTES } from "@tongban/bounds";
import { createLogger } from "@tongban/log";
import type { OpsProbe } from "../adapters/opsProbe";
import type { MonitorViews } from "../monitorViews";
import type { Replayer } from "../replayer";
import { HttpAccess } from "./httpAccess";
import { LiveEvents } from "./liveEvents";
import { monitorApi } from "./monitorApi";

describe("bounds of the monitor's HTTP API", () => {
  const asked: string[] = [];
  let app: FastifyInstance;
  const live = new LiveEvents();
  const origin = "http://monitor.test:8080";
  /** Headers of an allowed state-changing request: the bounds below are checked after the access checks. */
  let allowed: Record<string, string>;

  beforeAll(async () => {
    // Views that only record what reached them: a refused parameter must never get this far.
    const views = {
      search: (q: string, legsOnly: boolean) => (asked.push(`search:${q}${legsOnly ? ":joint" : ""}`), []),
      joint: async (id: string) => (asked.push(`joint:${id}`), undefined),
      joints: (q: string) => (asked.push(`joints:${q}`), []),
      caseDetail: async (id: string) => (asked.push(`case:${id}`), undefined),
      deadLetter: async (id: string) => (asked.push(`dl:${id}`), undefined),
      deadLetters: async (node?: string) => (asked.push(`dls:${node}`), []),
    } as unknown as MonitorViews;
    const replayer = { replay: async (id: string) => (asked.push(`replay:${id}`), {}) } as unknown as Replayer;
    const log = createLogger({ service: "t", level: "silent" });
    const access = new HttpAccess({ host: "127.0.0.1", allowedOrigins: [origin], log });
    app = await monitorApi({ views, replayer, probe: {} as OpsProbe, live, access, log });
    allowed = { origin, "x-csrf-token": (await app.inject({ url: "/api/csrf" })).json().token };
  });
  afterAll(async () => {
    live.close();
    await app.close();
  });

  it("when a case id is too long or holds a control character, then 400 names the parameter and its limit", async () => {
    const long = await app.inject({ url: `/api/cases/${"9".repeat(MAX_ID_LENGTH + 1)}` });
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toContain(`invalid parameter caseId: 字段过长（最多${MAX_ID_LENGTH}字）`);
    const nul = await app.inject({ url: "/api/cases/abc%00def" });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error).toContain("U+0000");
    expect(asked).toEqual([]);
  });

  it("when a search text, a node or a dead-letter id is out of bounds, then 400, and a valid one still reaches the views", async () => {
    expect((await app.inject({ url: `/api/cases?q=${"a".repeat(MAX_SEARCH_LENGTH + 1)}` })).statusCode).toBe(400);
    expect((await app.inject({ url: `/api/dead-letters?node=${"x".repeat(1000)}` })).statusCode).toBe(400);
    expect((await app.inject({ url: `/api/dead-letters/${"d".repeat(MAX_DEAD_LETTER_ID_LENGTH + 1)}` })).statusCode).toBe(400);
    const replay = await app.inject({ method: "POST", url: `/api/dead-letters/${"d".repeat(5000)}/replay`, headers: allowed });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error).toContain("invalid parameter id");
    expect(asked).toEqual([]);
    expect((await app.inject({ url: "/api/cases/01CASE" })).statusCode).toBe(404);
    expect(asked).toEqual(["case:01CASE"]);
  });

  it("when a joint application id is out of bounds or the joint filter is not 0 or 1, then 400 names the parameter, and valid ones reach the views", async () => {
    asked.length = 0;
    const long = await app.inject({ url: `/api/joints/${"J".repeat(MAX_ID_LENGTH + 1)}` });
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toContain(`invalid parameter jointId: 字段过长（最多${MAX_ID_LENGTH}字）`);
    expect((await app.inject({ url: "/api/joints/abc%07def" })).statusCode).toBe(400);
    expect((await app.inject({ url: `/api/joints?q=${"a".repeat(MAX_SEARCH_LENGTH + 1)}` })).statusCode).toBe(400);
    const badFlag = await app.inject({ url: "/api/cases?q=01&joint=yes" });
    expect(badFlag.statusCode).toBe(400);
    expect(badFlag.json().error).toContain("invalid parameter joint");
    expect(asked).toEqual([]);

    const missing = await app.inject({ url: "/api/joints/01JOINT" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe("未找到联办申请 / no tracking records for joint application 01JOINT");
    expect((await app.inject({ url: "/api/joints?q=01" })).json()).toEqual({ joints: [] });
    expect((await app.inject({ url: "/api/cases?q=01&joint=1" })).json()).toEqual({ caseIds: [] });
    expect((await app.inject({ url: "/api/cases?q=02&joint=0" })).statusCode).toBe(200);
    expect(asked).toEqual(["joint:01JOINT", "joints:01", "search:01:joint", "search:02"]);
  });

  it("when a request body is larger than the limit, then 413 says so in Chinese and English", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/dead-letters/t.x.dlq:0:1/replay",
      headers: { ...allowed, "content-type": "application/json" },
      payload: JSON.stringify({ pad: "x".repeat(MONITOR_MAX_BODY_BYTES) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe(
      `请求体过大（最多${MONITOR_MAX_BODY_BYTES / 1024} KiB）/ request body too large (max ${MONITOR_MAX_BODY_BYTES / 1024} KiB)`,
    );
  });
});
