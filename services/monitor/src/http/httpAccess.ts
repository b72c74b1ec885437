import type { AddressInfo } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Person } from "@tongban/identity";
import type { Logger } from "@tongban/log";
import { CsrfTokens } from "./csrfTokens";
import { isLoopbackHost, ownOrigins } from "./loopback";
import { AccessRefused, type OperatorTokens } from "./operatorTokens";
import { type Session, Sessions } from "./sessions";

export const SESSION_COOKIE = "tongban_monitor_session";
export const CSRF_HEADER = "x-csrf-token";

export interface HttpAccessOptions {
  /** The address the monitor binds to: a loopback one needs no login. */
  host: string;
  /** Verifies operators' tokens; required when `host` is not a loopback address. */
  operators?: OperatorTokens;
  /** Origins allowed to send state-changing requests; default the monitor's own (see ownOrigins). */
  allowedOrigins?: readonly string[];
  log: Logger;
}

/** Who sent a request, as far as the monitor is concerned. */
type Requester =
  | { kind: "local" }
  | { kind: "session"; session: Session }
  | { kind: "bearer"; person: Person }
  | { kind: "anonymous"; refused?: AccessRefused };

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** What an anonymous request may reach on a monitor that requires login. */
const PUBLIC = new Set(["GET /login", "GET /login.js", "POST /login", "POST /logout", "GET /healthz", "GET /api/csrf", "GET /api/session"]);

const loginRequired = "需要登录（运维人员令牌）/ login required (an operator's token)";
const csrfMissing =
  "缺少或无效的 CSRF 令牌：先 GET /api/csrf，再在 X-CSRF-Token 头中发送 / missing or invalid CSRF token: GET /api/csrf, then send it in the X-CSRF-Token header";

const bearerOf = (req: FastifyRequest) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];

function cookieOf(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const originOfReferer = (referer: string) => {
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
};

/**
 * Who may use the monitor's HTTP side. Bound to a loopback address it needs no login: only processes
 * of this machine reach it, and they could read the monitor's database and Kafka just as well. Bound
 * to any other address it needs an operator: a session opened by POST /login with an operator's token
 * (the cookie holds a random session id, never the token) or the token itself as `Authorization:
 * Bearer`. Always, loopback too, a state-changing request needs an allowed Origin (or Referer; a
 * request with neither only with a Bearer token, which a browser cannot attach cross-site without a
 * preflight the monitor never answers) and a CSRF token from GET /api/csrf in X-CSRF-Token, so that
 * no web page the operator visits can replay dead letters through the operator's browser.
 */
export class HttpAccess {
  readonly loginRequired: boolean;
  private readonly sessions = new Sessions();
  private readonly csrf = new CsrfTokens();
  private readonly requesters = new WeakMap<FastifyRequest, Requester>();
  private readonly configuredOrigins: Set<string> | undefined;
  private defaultOrigins: Set<string> | undefined;

  constructor(private readonly o: HttpAccessOptions) {
    this.loginRequired = !isLoopbackHost(o.host);
    if (this.loginRequired && !o.operators) {
      throw new Error(
        `MONITOR_HTTP_HOST=${o.host} is not a loopback address, so operators must log in: set MONITOR_OPERATOR_JWKS ` +
          "(city=<JWKS file or URL>,…) to the identity providers whose operators may use the monitor",
      );
    }
    this.configuredOrigins = o.allowedOrigins?.length ? new Set(o.allowedOrigins.map((x) => new URL(x).origin)) : undefined;
  }

  /** Adds the access check to every request, the login routes, the CSRF token and the browser security headers. */
  register(app: FastifyInstance, loginPage: Buffer, loginScript: Buffer): void {
    app.addHook("onRequest", async (req, reply) => {
      const requester = await this.identify(req);
      this.requesters.set(req, requester);
      const route = `${req.method} ${req.url.split("?")[0]}`;
      try {
        if (STATE_CHANGING.has(req.method)) this.checkOrigin(app, req);
        if (this.loginRequired && !PUBLIC.has(route) && requester.kind === "anonymous") {
          if (route === "GET /" && !requester.refused) return reply.redirect("/login", 302);
          throw requester.refused ?? new AccessRefused(401, loginRequired);
        }
        if (STATE_CHANGING.has(req.method) && !this.csrf.valid(this.scopeOf(requester), req.headers[CSRF_HEADER] as string | undefined)) {
          throw new AccessRefused(403, csrfMissing);
        }
      } catch (err) {
        if (err instanceof AccessRefused) return this.refuse(req, reply, err);
        throw err;
      }
      return undefined;
    });
    app.addHook("onSend", async (_req, reply) => {
      reply.header("x-content-type-options", "nosniff");
      reply.header("x-frame-options", "DENY");
      reply.header("referrer-policy", "same-origin");
      reply.header(
        "content-security-policy",
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
    });

    app.get("/api/csrf", (req, reply) => {
      reply.header("cache-control", "no-store");
      return { token: this.csrf.issue(this.scopeOf(this.requester(req))) };
    });
    app.get("/api/session", (req) => {
      const r = this.requester(req);
      const person = r.kind === "session" ? r.session.person : r.kind === "bearer" ? r.person : undefined;
      return {
        loginRequired: this.loginRequired,
        ...(person ? { operator: { id: person.id, name: person.name, city: person.city } } : {}),
        ...(r.kind === "session" ? { expiresAt: new Date(r.session.expiresAt) } : {}),
      };
    });
    app.get("/login", (req, reply) => {
      if (!this.loginRequired || this.requester(req).kind !== "anonymous") return reply.redirect("/", 302);
      return reply.type("text/html; charset=utf-8").send(loginPage);
    });
    app.get("/login.js", (_req, reply) => reply.type("text/javascript; charset=utf-8").send(loginScript));
    app.post<{ Body: { token?: unknown } | undefined }>("/login", async (req, reply) => {
      if (!this.loginRequired || !this.o.operators) return reply.code(404).send({ error: "本监控无需登录 / this monitor needs no login" });
      const token = typeof req.body?.token === "string" ? req.body.token.trim() : "";
      if (!token) return reply.code(400).send({ error: "需要令牌 / a token is required" });
      let verified;
      try {
        verified = await this.o.operators.verify(token);
      } catch (err) {
        if (err instanceof AccessRefused) return this.refuse(req, reply, err);
        throw err;
      }
      const old = cookieOf(req, SESSION_COOKIE);
      if (old) this.sessions.close(old);
      const session = this.sessions.open(verified.person, verified.expiresAt);
      reply.header("set-cookie", this.cookie(req, session.id, Math.floor((session.expiresAt - Date.now()) / 1000)));
      this.o.log.info(
        { audit: "operator-login", person: `${verified.person.city}/${verified.person.id}`, remote: req.ip },
        "operator logged in",
      );
      const p = verified.person;
      return {
        operator: { id: p.id, name: p.name, city: p.city },
        expiresAt: new Date(session.expiresAt),
        csrfToken: this.csrf.issue(this.scopeOf({ kind: "session", session })),
      };
    });
    app.post("/logout", (req, reply) => {
      const r = this.requester(req);
      if (r.kind === "session") {
        this.sessions.close(r.session.id);
        this.o.log.info({ audit: "operator-logout", person: `${r.session.person.city}/${r.session.person.id}` }, "operator logged out");
      }
      reply.header("set-cookie", this.cookie(req, "", 0));
      return { loggedOut: true };
    });
  }

  private requester(req: FastifyRequest): Requester {
    return this.requesters.get(req) ?? { kind: "anonymous" };
  }

  private async identify(req: FastifyRequest): Promise<Requester> {
    if (!this.loginRequired) return { kind: "local" };
    const bearer = bearerOf(req);
    if (bearer) {
      try {
        return { kind: "bearer", person: (await this.o.operators!.verify(bearer)).person };
      } catch (err) {
        if (err instanceof AccessRefused) return { kind: "anonymous", refused: err };
        throw err;
      }
    }
    const sid = cookieOf(req, SESSION_COOKIE);
    const session = sid ? this.sessions.get(sid) : undefined;
    return session ? { kind: "session", session } : { kind: "anonymous" };
  }

  private scopeOf(r: Requester): string {
    switch (r.kind) {
      case "local":
        return "local";
      case "session":
        return `session:${r.session.id}`;
      case "bearer":
        return `person:${r.person.city}/${r.person.id}`;
      case "anonymous":
        return "anonymous";
      default: {
        const never: never = r;
        return never;
      }
    }
  }

  private allowedOrigins(app: FastifyInstance): Set<string> {
    if (this.configuredOrigins) return this.configuredOrigins;
    if (!this.defaultOrigins) {
      const address = app.server.address() as AddressInfo | null;
      if (!address) return new Set();
      this.defaultOrigins = new Set(ownOrigins(this.o.host, address.port));
    }
    return this.defaultOrigins;
  }

  private checkOrigin(app: FastifyInstance, req: FastifyRequest): void {
    const allowed = this.allowedOrigins(app);
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!allowed.has(origin)) throw new AccessRefused(403, `请求来源不被允许 / origin not allowed: ${origin}`);
      return;
    }
    const referer = req.headers.referer;
    if (referer !== undefined) {
      const from = originOfReferer(referer);
      if (!from || !allowed.has(from)) throw new AccessRefused(403, `请求来源不被允许 / referer not of an allowed origin: ${from ?? "?"}`);
      return;
    }
    if (!bearerOf(req)) {
      throw new AccessRefused(403, "缺少请求来源（Origin 或 Referer）/ missing Origin or Referer (API clients send Authorization: Bearer)");
    }
  }

  private cookie(req: FastifyRequest, value: string, maxAgeS: number): string {
    // Secure when the operator reaches the monitor over https (a TLS-terminating proxy in front of it).
    const secure = req.headers.origin?.startsWith("https:") ? "; Secure" : "";
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, maxAgeS)}${secure}`;
  }

  private refuse(req: FastifyRequest, reply: FastifyReply, err: AccessRefused): FastifyReply {
    const r = this.requester(req);
    const known = r.kind === "session" ? r.session.person : r.kind === "bearer" ? r.person : undefined;
    const person = err.person ?? (known ? `${known.city}/${known.id}` : undefined);
    this.o.log.warn(
      {
        audit: "access-denied",
        status: err.status,
        method: req.method,
        path: req.url.split("?")[0],
        reason: err.message,
        origin: req.headers.origin,
        remote: req.ip,
        ...(person ? { person } : {}),
      },
      "monitor access denied",
    );
    return reply.code(err.status).send({ error: err.message });
  }
}
