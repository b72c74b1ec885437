import { readFile } from "node:fs/promises";
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from "fastify";
import { MAX_CODE_LENGTH, MAX_DEAD_LETTER_ID_LENGTH, MAX_ID_LENGTH, MAX_SEARCH_LENGTH, MONITOR_MAX_BODY_BYTES } from "@tongban/bounds";
import type { Logger } from "@tongban/log";
import type { OpsProbe } from "../adapters/opsProbe";
import type { MonitorViews } from "../monitorViews";
import { ReplayError, type Replayer } from "../replayer";
import type { HttpAccess } from "./httpAccess";
import type { LiveEvents } from "./liveEvents";
import { BadParam, flag, param } from "./params";

export interface MonitorApiDeps {
  views: MonitorViews;
  replayer: Replayer;
  probe: OpsProbe;
  live: LiveEvents;
  /** Login, Origin and CSRF checks in front of every route. */
  access: HttpAccess;
  log: Logger;
}

const publicDir = new URL("../../public/", import.meta.url);
/** The dashboard's browser bundle, built from src/dashboard by deploy/build.ts (npm ci, npm start and the tests build it). */
const dashboardDir = new URL("../../../../dist/dashboard/", import.meta.url);

async function dashboardBundle(): Promise<[Buffer, Buffer]> {
  try {
    return (await Promise.all(["dashboard.js", "dashboard.css"].map((f) => readFile(new URL(f, dashboardDir))))) as [Buffer, Buffer];
  } catch (err) {
    throw new Error(`监控页面未构建 / the dashboard is not built (${(err as Error).message}): run npm run build`);
  }
}
const minutes = (v: unknown, dflt: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 366 * 24 * 60) : dflt;
};

/**
 * The monitor's HTTP side: the dashboard (one static page, no build step), its JSON API, server-
 * sent events, and the dead-letter replay actions, behind the access checks of HttpAccess. Errors
 * read 中文 / English.
 */
export async function monitorApi(d: MonitorApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: d.log.child({ component: "http" }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    bodyLimit: MONITOR_MAX_BODY_BYTES,
    // Path ids reach the handlers up to Node's header size, so an over-long one is answered 400 naming its limit, not 404.
    maxParamLength: 16 * 1024,
  });
  app.setErrorHandler((err: FastifyError | BadParam, _req, reply) => {
    if (err instanceof BadParam) return reply.code(400).send({ error: err.message });
    if (err.statusCode === 413) {
      const kib = MONITOR_MAX_BODY_BYTES / 1024;
      return reply.code(413).send({ error: `请求体过大（最多${kib} KiB）/ request body too large (max ${kib} KiB)` });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: `请求无效 / bad request: ${err.message}` });
    }
    reply.log.error({ err }, "monitor request failed");
    return reply.code(500).send({ error: "内部错误 / internal error" });
  });
  const nodeParam = (v: string | undefined) => (v ? param("node", v, MAX_CODE_LENGTH) : undefined);
  const [page, loginPage, loginScript] = await Promise.all(
    ["dashboard.html", "login.html", "login.js"].map((f) => readFile(new URL(f, publicDir))),
  );
  const [script, style] = await dashboardBundle();
  d.access.register(app, loginPage!, loginScript!);

  app.get("/", (_req, reply) => reply.type("text/html; charset=utf-8").send(page!));
  app.get("/dashboard.js", (_req, reply) => reply.type("text/javascript; charset=utf-8").send(script));
  app.get("/dashboard.css", (_req, reply) => reply.type("text/css; charset=utf-8").send(style));
  app.get("/healthz", () => ({ status: "SERVING" }));

  app.get("/api/labels", () => d.views.labels());
  app.get<{ Querystring: { windowMinutes?: string } }>("/api/overview", (req) => d.views.overview(minutes(req.query.windowMinutes, 60)));
  app.get<{ Querystring: { q?: string; joint?: string } }>("/api/cases", (req) => ({
    caseIds: d.views.search(param("q", req.query.q ?? "", MAX_SEARCH_LENGTH), flag("joint", req.query.joint)),
  }));
  app.get<{ Params: { caseId: string } }>("/api/cases/:caseId", async (req, reply) => {
    const detail = await d.views.caseDetail(param("caseId", req.params.caseId.trim(), MAX_ID_LENGTH));
    if (!detail) return reply.code(404).send({ error: `未找到办件 / no tracking records for case ${req.params.caseId}` });
    return detail;
  });

  app.get<{ Querystring: { q?: string } }>("/api/joints", (req) => ({
    joints: d.views.joints(param("q", req.query.q ?? "", MAX_SEARCH_LENGTH)),
  }));
  app.get<{ Params: { jointId: string } }>("/api/joints/:jointId", async (req, reply) => {
    const joint = await d.views.joint(param("jointId", req.params.jointId.trim(), MAX_ID_LENGTH));
    if (!joint) return reply.code(404).send({ error: `未找到联办申请 / no tracking records for joint application ${req.params.jointId}` });
    return joint;
  });

  app.get<{ Querystring: { node?: string } }>("/api/dead-letters", async (req) => ({
    deadLetters: await d.views.deadLetters(nodeParam(req.query.node)),
  }));
  app.get<{ Params: { id: string } }>("/api/dead-letters/:id", async (req, reply) => {
    const dl = await d.views.deadLetter(param("id", req.params.id, MAX_DEAD_LETTER_ID_LENGTH));
    if (!dl) return reply.code(404).send({ error: `没有该死信 / no dead letter ${req.params.id}` });
    return dl;
  });
  app.post<{ Params: { id: string } }>("/api/dead-letters/:id/replay", async (req, reply) => {
    try {
      return { replays: [await d.replayer.replay(param("id", req.params.id, MAX_DEAD_LETTER_ID_LENGTH))] };
    } catch (err) {
      if (err instanceof ReplayError) return reply.code(err.status).send({ error: err.message });
      throw err;
    }
  });
  app.post<{ Querystring: { node?: string } }>("/api/dead-letters/replay-all", async (req, reply) => {
    const node = nodeParam(req.query.node);
    if (!node) return reply.code(400).send({ error: "需要节点 / node is required" });
    try {
      return { replays: await d.replayer.replayAll(node) };
    } catch (err) {
      if (err instanceof ReplayError) return reply.code(err.status).send({ error: err.message });
      throw err;
    }
  });

  app.get("/api/lag", async () => ({ lag: await d.probe.lag() }));
  app.get("/api/health", async () => ({ health: await d.probe.health() }));
  app.get("/api/events", (_req, reply) => {
    reply.hijack();
    d.live.attach(reply.raw);
  });
  return app;
}
