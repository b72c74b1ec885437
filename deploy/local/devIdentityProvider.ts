/**
 * The development identity provider `npm start` runs on loopback: per city, the JWKS the nodes verify
 * clerk tokens against (`GET /<city>/.well-known/jwks.json`) and, for development only, a token
 * endpoint (`POST /<city>/token` with `{id, department?, roles, ttlSeconds?}`) that signs with the
 * city's key of the development PKI. A city's real identity provider replaces both: the nodes only
 * need its JWKS URL (CLERK_JWKS) and issuer (CLERK_TOKEN_ISSUER).
 */
import { readFileSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { departments } from "@tongban/catalog";
import { MAX_TOKEN_LIFETIME_S, idpFiles, signDevToken } from "@tongban/identity";

/** Roles the development provider puts in a token. */
const ROLES = new Set(["clerk", "operator"]);
const MAX_BODY_BYTES = 4_096;
const MAX_ID_LENGTH = 64;

export interface DevIdentityProvider {
  /** Base URL, e.g. http://127.0.0.1:9100 */
  url: string;
  /** The JWKS URL of a city (the nodes' CLERK_JWKS). */
  jwksUrl(city: string): string;
  /** The token endpoint of a city. */
  tokenUrl(city: string): string;
  close(): Promise<void>;
}

/** What a token request asks for, or why it is refused (中文 / English). */
export type TokenRequest = { id: string; department?: string; roles: string[]; ttlSeconds?: number } | { problem: string };

/** Checks a token request's body for `city`: a known department for clerks, known roles, a bounded lifetime. */
export function parseTokenRequest(city: string, body: unknown): TokenRequest {
  if (typeof body !== "object" || body === null) return { problem: "请求体须为JSON对象 / the body must be a JSON object" };
  const b = body as Record<string, unknown>;
  if (typeof b.id !== "string" || b.id.length === 0 || b.id.length > MAX_ID_LENGTH || /[\p{Cc}\p{Cf}]/u.test(b.id)) {
    return { problem: `id须为1至${MAX_ID_LENGTH}个可见字符 / id must be 1 to ${MAX_ID_LENGTH} printable characters` };
  }
  const roles = b.roles ?? ["clerk"];
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === "string" && ROLES.has(r))) {
    return { problem: `roles须为 ${[...ROLES].join("、")} 之一或多个 / roles must be some of ${[...ROLES].join(", ")}` };
  }
  const department = b.department;
  if (department !== undefined && typeof department !== "string") return { problem: "department须为字符串 / department must be a string" };
  if (roles.includes("clerk")) {
    const known = departments(city).map((d) => d.code);
    if (!department || !known.includes(department)) {
      return { problem: `未知部门 / unknown department ${String(department ?? "")} of ${city} (known: ${known.join(", ")})` };
    }
  }
  const ttl = b.ttlSeconds;
  if (ttl !== undefined && (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 60 || ttl > MAX_TOKEN_LIFETIME_S)) {
    return {
      problem: `ttlSeconds须为60至${MAX_TOKEN_LIFETIME_S}的整数 / ttlSeconds must be an integer from 60 to ${MAX_TOKEN_LIFETIME_S}`,
    };
  }
  return {
    id: b.id,
    roles: roles as string[],
    ...(department ? { department } : {}),
    ...(ttl !== undefined ? { ttlSeconds: ttl as number } : {}),
  };
}

const isLoopback = (addr: string | undefined) => addr === "127.0.0.1" || addr === "::1" || addr === "::ffff:127.0.0.1";

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the provider for `cities` of the PKI in `dir`, on `host:port` (0 picks a free port). It
 * binds to loopback by default and signs tokens only for loopback callers.
 */
export async function startDevIdentityProvider(opts: {
  dir: string;
  cities: readonly string[];
  port: number;
  host?: string;
}): Promise<DevIdentityProvider> {
  const host = opts.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void (async () => {
      const m = /^\/([a-z][a-z0-9-]*)\/(\.well-known\/jwks\.json|token)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
      const city = m?.[1];
      if (!m || !city || !opts.cities.includes(city)) return send(res, 404, { error: "未找到 / not found" });
      if (m[2] === "token") {
        if (req.method !== "POST") return send(res, 405, { error: "仅支持POST / POST only" });
        if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, { error: "仅限本机 / loopback callers only" });
        const text = await readBody(req);
        if (text === undefined) return send(res, 413, { error: "请求体过大 / body too large" });
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return send(res, 400, { error: "请求体须为JSON / the body must be JSON" });
        }
        const parsed = parseTokenRequest(city, body);
        if ("problem" in parsed) return send(res, 400, { error: parsed.problem });
        return send(res, 200, { token: await signDevToken(opts.dir, { city, ...parsed }), tokenType: "Bearer" });
      }
      if (req.method !== "GET") return send(res, 405, { error: "仅支持GET / GET only" });
      // Read on every request, so a rotated key is served without a restart.
      res.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=60" });
      res.end(readFileSync(idpFiles(opts.dir, city).jwks));
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: `内部错误 / internal error (${(err as Error).message})` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    jwksUrl: (city) => `${url}/${city}/.well-known/jwks.json`,
    tokenUrl: (city) => `${url}/${city}/token`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
