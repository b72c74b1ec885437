import { readFile } from "node:fs/promises";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "@tongban/log";
import type { OpsProbe } from "../adapters/opsProbe";
import type { MonitorViews } from "../monitorViews";
import { ReplayError, type Replayer } from "../replayer";
import type { LiveEvents } from "./liveEvents";

export interface MonitorApiDeps {
  views: MonitorViews;
  replayer: Replayer;
  probe: OpsProbe;
  live: LiveEvents;
  log: Logger;
}

const publicDir = new URL("../../public/", import.meta.url);
const minutes = (v: unknown, dflt: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 366 * 24 * 60) : dflt;
};

/**
 * The monitor's HTTP side: the dashboard (one static page, no build step), its JSON API, server-
 * sent events, and the dead-letter replay actions. Errors read 中文 / English.
 */
export async function monitorApi(d: MonitorApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: d.log.child({ component: "http" }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
  const [page, script] = await Promise.all([readFile(new URL("dashboard.html", publicDir)), readFile(new URL("dashboard.js", publicDir))]);

  app.get("/", (_req, reply) => reply.type("text/html; charset=utf-8").send(page));
  app.get("/dashboard.js", (_req, reply) => reply.type("text/javascript; charset=utf-8").send(script));
  app.get("/healthz", () => ({ status: "SERVING" }));

  app.get("/api/labels", () => d.views.labels());
  app.get<{ Querystring: { windowMinutes?: string } }>("/api/overview", (req) => d.views.overview(minutes(req.query.windowMinutes, 60)));
  app.get<{ Querystring: { q?: string } }>("/api/cases", (req) => ({ caseIds: d.views.search(req.query.q ?? "") }));
  app.get<{ Params: { caseId: string } }>("/api/cases/:caseId", async (req, reply) => {
    const detail = await d.views.caseDetail(req.params.caseId.trim());
    if (!detail) return reply.code(404).send({ error: `未找到办件 / no tracking records for case ${req.params.caseId}` });
    return detail;
  });

  app.get<{ Querystring: { node?: string } }>("/api/dead-letters", async (req) => ({
    deadLetters: await d.views.deadLetters(req.query.node || undefined),
  }));
  app.get<{ Params: { id: string } }>("/api/dead-letters/:id", async (req, reply) => {
    const dl = await d.views.deadLetter(req.params.id);
    if (!dl) return reply.code(404).send({ error: `没有该死信 / no dead letter ${req.params.id}` });
    return dl;
  });
  app.post<{ Params: { id: string } }>("/api/dead-letters/:id/replay", async (req, reply) => {
    try {
      return { replays: [await d.replayer.replay(req.params.id)] };
    } catch (err) {
      if (err instanceof ReplayError) return reply.code(err.status).send({ error: err.message });
      throw err;
    }
  });
  app.post<{ Querystring: { node?: string } }>("/api/dead-letters/replay-all", async (req, reply) => {
    if (!req.query.node) return reply.code(400).send({ error: "需要节点 / node is required" });
    try {
      return { replays: await d.replayer.replayAll(req.query.node) };
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
