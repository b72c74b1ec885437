import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { ChannelCredentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import fc from "fast-check";
import { type CryptoKey, type JWK, SignJWT, generateKeyPair, importJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthorityQueueServiceClient } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { DEV_IDENTITY_HEADER, type Caller, callUnary, checkHealth } from "@tongban/rpc";
import { TOKEN_AUDIENCE, defaultPkiDir, devIssuerOf, idpFiles, signDevToken, spiffeUri, trustBundlePath } from "@tongban/identity";
import { parseExposition, sumOf } from "@tongban/metrics";
import { apis, queuedIn } from "../support/clients";
import { type CityNode, callerAs, network, queueClientOf, useCities } from "../support/testNetwork";

const CITY = "quanzhou";
const RUNS = 200;
type Refusal = "UNAUTHENTICATED" | "PERMISSION_DENIED";

/** A hostile `authorization` header (its value, or none) and the refusal the access check must give. */
interface Hostile {
  kind: string;
  values: () => Promise<string[]>;
  expect: Refusal;
}

/** Printable ASCII: what gRPC metadata values may hold at all (a client cannot send anything else). */
const ascii = (o: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), ...o });
const b64url = (o: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), ...o });
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("hostile identities at the authority queue (访问控制 under attack)", () => {
  const net = useCities(["xiamen", CITY], "bounds-identity");
  let qz: CityNode;
  let caseId: string;
  let department: string;
  let valid: string;
  let before: unknown;
  /** The city's own identity provider key, for tokens that are well signed but wrong in what they say. */
  let idpKey: { key: CryptoKey | Uint8Array; kid: string };
  /** A key no identity provider of the network knows. */
  let foreignKey: CryptoKey;
  const clients: AuthorityQueueServiceClient[] = [];

  const clientAs = (caller: Caller) => {
    const c = queueClientOf(CITY, qz.node.queuePort, caller);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    [, qz] = net.cities as [CityNode, CityNode];
    const req = sampleSubmission(network.node("xiamen")!, CITY, 1, "IDN");
    department = req.homeDepartment;
    caseId = (await apis(net.cities[0]!).submit(req)).caseId;
    await queuedIn(qz, caseId, "RECEIVED_BY_HOME");
    before = await caseState();
    valid = await signDevToken(defaultPkiDir, { city: CITY, id: "clerk-a", department, roles: ["clerk"] });
    const jwk = JSON.parse(readFileSync(idpFiles(defaultPkiDir, CITY).key, "utf8")) as JWK & { kid: string };
    idpKey = { key: await importJWK(jwk, "ES256"), kid: jwk.kid };
    foreignKey = (await generateKeyPair("ES256")).privateKey;
  });
  afterAll(() => {
    for (const c of clients) c.close();
  });

  /** What a served queue call could change about the case (its outbox drains on its own meanwhile). */
  const caseState = () => qz.db.db.collection("cases").findOne({ _id: caseId as never }, { projection: { outbox: 0, outboxPending: 0 } });
  const now = () => Math.floor(Date.now() / 1000);
  /** A clerk token of this city's shape, signed with `key`, with claims and timings changed by `change`. */
  const sign = (
    key: CryptoKey | Uint8Array,
    kid: string,
    change: {
      claims?: Record<string, unknown>;
      iss?: string;
      aud?: string;
      sub?: string | null;
      iat?: number;
      exp?: number | null;
      nbf?: number;
    } = {},
  ) => {
    const iat = change.iat ?? now();
    const jwt = new SignJWT({ city: CITY, roles: ["clerk"], dept: department, ...change.claims })
      .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
      .setIssuer(change.iss ?? devIssuerOf(CITY))
      .setAudience(change.aud ?? TOKEN_AUDIENCE)
      .setIssuedAt(iat);
    if (change.sub !== null) jwt.setSubject(change.sub ?? "clerk-a");
    if (change.exp !== null) jwt.setExpirationTime(change.exp ?? iat + 3600);
    if (change.nbf !== undefined) jwt.setNotBefore(change.nbf);
    return jwt.sign(key);
  };
  const own = (change: Parameters<typeof sign>[2]) => sign(idpKey.key, idpKey.kid, change);
  const bearer = (t: string) => `Bearer ${t}`;
  /** One bearer token made when the run needs it (the keys are loaded by then). */
  const one = (kind: string, expected: Refusal, token: () => Promise<string> | string): Hostile => ({
    kind,
    expect: expected,
    values: async () => [bearer(await token())],
  });

  /** Every kind of hostile authorization value, each with generated parts. */
  const hostile: fc.Arbitrary<Hostile> = fc.oneof(
    // Not a bearer token at all.
    fc
      .oneof(
        ascii({ maxLength: 200 }),
        fc.constantFrom("", "Bearer", "Bearer ", "bearer", "Basic Y2xlcms6cGFzcw==", "Bearer  ", "Token abc"),
        fc.tuple(ascii({ minLength: 1, maxLength: 30 }), ascii({ minLength: 1, maxLength: 30 })).map(([a, b]) => `Bearer ${a} ${b}x`),
      )
      .map((v): Hostile => ({ kind: "malformed header", expect: "UNAUTHENTICATED", values: async () => [v] })),
    fc.constant<Hostile>({ kind: "no header", expect: "UNAUTHENTICATED", values: async () => [] }),
    // The valid token without its scheme. (Two values of the header cannot be sent: the gRPC client refuses them itself.)
    fc.constant<Hostile>({ kind: "token without scheme", expect: "UNAUTHENTICATED", values: async () => [valid] }),
    // Random garbage shaped like a token, or overlong.
    fc
      .oneof(
        ascii({ minLength: 1, maxLength: 300 }).map((s) => s.replace(/\s/g, "_")),
        fc.tuple(b64url({ maxLength: 80 }), b64url({ maxLength: 200 }), b64url({ maxLength: 90 })).map((p) => p.join(".")),
        fc.integer({ min: 1_000, max: 60_000 }).map((n) => "e".repeat(n)),
        fc.integer({ min: 1_000, max: 60_000 }).map((n) => `${b64({ alg: "ES256", kid: "x" })}.${"A".repeat(n)}.${"B".repeat(86)}`),
      )
      .map((t) => one("garbage token", "UNAUTHENTICATED", () => t)),
    // A genuine token with a changed signature, or a changed payload under the genuine signature.
    fc.integer({ min: 0, max: 80 }).map((i) =>
      one("wrong signature", "UNAUTHENTICATED", () => {
        const [h, p, s] = valid.split(".") as [string, string, string];
        const c = s[i]!;
        return `${h}.${p}.${s.slice(0, i)}${c === "A" ? "B" : "A"}${s.slice(i + 1)}`;
      }),
    ),
    fc.constantFrom("other-dept", "gaj", "").map((dept) =>
      one("payload changed under the signature", "UNAUTHENTICATED", () => {
        const [h, p, s] = valid.split(".") as [string, string, string];
        const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
        return `${h}.${b64({ ...claims, dept: dept || "x", sub: "clerk-z" })}.${s}`;
      }),
    ),
    // Unsigned (alg none) and HMAC keyed with the public JWKS (algorithm confusion).
    fc.constant(
      one("unsigned (alg none)", "UNAUTHENTICATED", () => {
        const claims = { city: CITY, roles: ["clerk"], dept: department, iss: devIssuerOf(CITY), aud: TOKEN_AUDIENCE, sub: "clerk-a" };
        return `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, iat: now(), exp: now() + 3600 })}.`;
      }),
    ),
    fc.constant(
      one("HMAC with the public key", "UNAUTHENTICATED", async () =>
        new SignJWT({ city: CITY, roles: ["clerk"], dept: department })
          .setProtectedHeader({ alg: "HS256", kid: idpKey.kid })
          .setIssuer(devIssuerOf(CITY))
          .setAudience(TOKEN_AUDIENCE)
          .setSubject("clerk-a")
          .setIssuedAt()
          .setExpirationTime("1h")
          .sign(readFileSync(idpFiles(defaultPkiDir, CITY).jwks)),
      ),
    ),
    // Signed by a key of no identity provider, claiming this city's key id or another.
    fc
      .constantFrom("own kid", "random kid")
      .map((k) => one(`foreign key (${k})`, "UNAUTHENTICATED", () => sign(foreignKey, k === "own kid" ? idpKey.kid : "k-foreign"))),
    // Expired (beyond the 30 s tolerance), not yet valid, or living longer than a working day.
    fc.integer({ min: 31, max: 400 * 86_400 }).map((ago) =>
      one("expired", "UNAUTHENTICATED", () =>
        signDevToken(defaultPkiDir, {
          city: CITY,
          id: "clerk-a",
          department,
          roles: ["clerk"],
          issuedAt: now() - ago - 60,
          ttlSeconds: 60,
        }),
      ),
    ),
    fc.integer({ min: 120, max: 86_400 }).map((ahead) => one("not yet valid", "UNAUTHENTICATED", () => own({ nbf: now() + ahead }))),
    fc
      .integer({ min: 12 * 3600 + 1, max: 400 * 86_400 })
      .map((ttl) => one("lifetime over a day", "UNAUTHENTICATED", () => own({ exp: now() + ttl }))),
    fc.constant(one("no expiry", "UNAUTHENTICATED", () => own({ exp: null }))),
    fc.constant(one("no subject", "UNAUTHENTICATED", () => own({ sub: null }))),
    // Another city's identity provider, or this one's issuer and audience changed.
    fc
      .constantFrom("xiamen", "zhangzhou")
      .map((city) =>
        one(`${city}'s identity provider`, "UNAUTHENTICATED", () =>
          signDevToken(defaultPkiDir, { city, id: "clerk-a", department, roles: ["clerk"] }),
        ),
      ),
    ascii({ maxLength: 40 })
      .filter((a) => a !== TOKEN_AUDIENCE)
      .map((aud) => one("wrong audience", "UNAUTHENTICATED", () => own({ aud: aud || "other" }))),
    ascii({ maxLength: 40 })
      .filter((iss) => iss !== devIssuerOf(CITY))
      .map((iss) => one("wrong issuer", "UNAUTHENTICATED", () => own({ iss: iss || "urn:other" }))),
    // Well signed by this city's provider but not a clerk of this city with a department.
    fc
      .constantFrom("xiamen", "zhangzhou", "", "fuzhou")
      .map((city) => one("token claims another city", "PERMISSION_DENIED", () => own({ claims: { city } }))),
    fc
      .constantFrom<unknown[]>([], ["operator"], ["auditor"], ["Clerk"])
      .map((roles) => one("token without the clerk role", "PERMISSION_DENIED", () => own({ claims: { roles } }))),
    fc.constant(one("token without a department", "PERMISSION_DENIED", () => own({ claims: { dept: "" } }))),
  );

  /** Queue methods with requests that would be served to a valid clerk of the case's department. */
  type Call = (c: AuthorityQueueServiceClient, md: Metadata) => Promise<unknown>;
  const methods: Record<string, Call> = {
    ListQueue: (c, md) =>
      callUnary(c, c.listQueue, { department: "", state: "", itemCode: "", overdueOnly: false, pageSize: 10, pageToken: "" }, 5_000, md),
    GetQueueItem: (c, md) => callUnary(c, c.getQueueItem, { caseId }, 5_000, md),
    ClaimItem: (c, md) => callUnary(c, c.claimItem, { caseId, clerk: "", leaseSeconds: 60 }, 5_000, md),
    ReleaseItem: (c, md) => callUnary(c, c.releaseItem, { caseId, clerk: "" }, 5_000, md),
    ExecuteCommand: (c, md) =>
      callUnary(
        c,
        c.executeCommand,
        { caseId, requestId: randomUUID(), clerk: "", command: { $case: "signForMaterials", value: {} } },
        5_000,
        md,
      ),
    // A stream that is not refused stays open: that counts as served.
    WatchQueue: (c, md) =>
      new Promise((resolve, reject) => {
        const stream = c.watchQueue({ department: "" }, md);
        const timer = setTimeout(() => {
          stream.cancel();
          resolve("the watch stayed open");
        }, 1_500);
        stream.on("data", () => undefined);
        stream.on("error", (err: ServiceError) => {
          clearTimeout(timer);
          if (err.code === status.CANCELLED) resolve("cancelled");
          else reject(err);
        });
      }),
  };
  const method = fc.constantFrom(...Object.keys(methods));

  const metadataOf = (values: string[], extra: Record<string, string> = {}) => {
    const md = new Metadata();
    for (const v of values) md.add("authorization", v);
    for (const [k, v] of Object.entries(extra)) md.set(k, v);
    return md;
  };

  /** The call is refused by the access check with `expected` and a bilingual reason; it is never served. */
  async function refused(call: Promise<unknown>, expected: Refusal | readonly Refusal[], what: string): Promise<void> {
    const outcome = await call.then(
      (value) => ({ served: value }),
      (err: ServiceError) => ({ err }),
    );
    if ("served" in outcome) throw new Error(`${what}: served (${JSON.stringify(outcome.served)?.slice(0, 200)})`);
    const { err } = outcome;
    const allowed: status[] = (typeof expected === "string" ? [expected] : expected).map((c) => status[c]);
    if (!allowed.includes(err.code))
      throw new Error(`${what}: ${status[err.code] ?? err.code} instead of ${String(expected)}: ${err.details}`);
    if (!err.details.includes(" / ")) throw new Error(`${what}: refusal without a bilingual reason: ${err.details}`);
  }

  const scrapeDenied = async () => {
    const text = await (await fetch(`http://127.0.0.1:${qz.node.metricsPort}/metrics`)).text();
    const samples = parseExposition(text);
    return {
      UNAUTHENTICATED: sumOf(samples, "tongban_access_denied_total", { code: "UNAUTHENTICATED" }),
      PERMISSION_DENIED: sumOf(samples, "tongban_access_denied_total", { code: "PERMISSION_DENIED" }),
    };
  };

  it(`when ${RUNS} queue calls from the city's own authority carry generated hostile tokens or malformed authorization values, then each is refused by the access check (UNAUTHENTICATED or PERMISSION_DENIED), never served, never INTERNAL`, async () => {
    const authority = clientAs(callerAs(CITY, "authority"));
    const counted = { UNAUTHENTICATED: 0, PERMISSION_DENIED: 0 };
    const seen = new Set<string>();
    const start = await scrapeDenied();
    await fc.assert(
      fc.asyncProperty(method, hostile, async (m, h) => {
        seen.add(h.kind);
        await refused(methods[m]!(authority, metadataOf(await h.values())), h.expect, `${m} with ${h.kind}`);
        counted[h.expect]++;
      }),
      { numRuns: RUNS },
    );
    // Every refusal came from the access check (counted there), none from a handler that read the case.
    const end = await scrapeDenied();
    expect({
      UNAUTHENTICATED: end.UNAUTHENTICATED - start.UNAUTHENTICATED,
      PERMISSION_DENIED: end.PERMISSION_DENIED - start.PERMISSION_DENIED,
    }).toEqual(counted);
    expect(seen.size).toBeGreaterThan(15);
  });

  it("when systems other than the city's own authority call the queue, even with a valid clerk token or a forged development identity header, then PERMISSION_DENIED (UNAUTHENTICATED without a client certificate)", async () => {
    const noCertificate: Caller = { credentials: ChannelCredentials.createSsl(readFileSync(trustBundlePath(defaultPkiDir))), options: {} };
    const callers: [string, AuthorityQueueServiceClient, Refusal][] = [
      ["own window", clientAs(callerAs(CITY, "window")), "PERMISSION_DENIED"],
      ["own node", clientAs(callerAs(CITY, "node", CITY)), "PERMISSION_DENIED"],
      ["own operator", clientAs(callerAs(CITY, "operator")), "PERMISSION_DENIED"],
      ["own auditor", clientAs(callerAs(CITY, "auditor")), "PERMISSION_DENIED"],
      ["Xiamen's authority", clientAs(callerAs("xiamen", "authority")), "PERMISSION_DENIED"],
      ["Zhangzhou's node", clientAs(callerAs("zhangzhou", "node", "zhangzhou")), "PERMISSION_DENIED"],
      ["no client certificate", clientAs(noCertificate), "UNAUTHENTICATED"],
    ];
    const forged = { [DEV_IDENTITY_HEADER]: spiffeUri(CITY, "authority", "main") };
    await fc.assert(
      fc.asyncProperty(method, fc.constantFrom(...callers), fc.boolean(), async (m, [who, client, expected], forge) => {
        await refused(methods[m]!(client, metadataOf([bearer(valid)], forge ? forged : {})), expected, `${m} by ${who}`);
      }),
      { numRuns: 60 },
    );
  });

  it("when the storm is over, then the node still serves, the case is unchanged and a valid clerk token is answered", async () => {
    expect(await checkHealth(`localhost:${qz.node.queuePort}`, callerAs(CITY, "authority"), "tongban.v1.AuthorityQueueService")).toBe(
      "SERVING",
    );
    expect(await caseState()).toEqual(before);
    const authority = clientAs(callerAs(CITY, "authority"));
    // The development token, and one made here the way the hostile ones are made but unchanged: both served.
    for (const token of [valid, await own({})]) {
      const item = (await methods.GetQueueItem!(authority, metadataOf([bearer(token)]))) as { item?: { case?: { caseId: string } } };
      expect(item.item?.case?.caseId).toBe(caseId);
    }
  });
});
