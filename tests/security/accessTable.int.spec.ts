import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChannelCredentials, Client, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthorityQueueServiceService,
  CatalogServiceService,
  CertificateRegistryServiceService,
  IntakeServiceService,
  MaterialServiceService,
} from "@tongban/contracts";
import {
  type Role,
  defaultPkiDir,
  ensureDevPki,
  identityFiles,
  issueIdentity,
  roles,
  signDevToken,
  trustBundlePath,
} from "@tongban/identity";
import { parseExposition } from "@tongban/metrics";
import { type AccessRule, type Caller, accessTable, bearer, errorReasonOf } from "@tongban/rpc";
import { type CityRegistry, certsTargetsOf, startRegistry, stopRegistry } from "../support/certsNetwork";
import { devPkiCities } from "@tongban/demo";
import { type CityNode, type Isolation, callerAs, isolation, network, startCities, stopCities } from "../support/testNetwork";

const issuerOf = (city: string) => devPkiCities(network.nodes).find((c) => c.id === city)!.issuers[0]!;

/** Every method the exchange serves, from the generated service definitions, plus grpc.health. */
const served = [
  IntakeServiceService,
  MaterialServiceService,
  AuthorityQueueServiceService,
  CatalogServiceService,
  CertificateRegistryServiceService,
].flatMap((def) => Object.values(def).map((m) => ({ path: m.path, stream: m.responseStream })));
const health = [
  { path: "/grpc.health.v1.Health/Check", stream: false },
  { path: "/grpc.health.v1.Health/Watch", stream: true },
];
const methods = [...served, ...health];

const CITY = "xiamen";
const OTHER = "quanzhou";

/**
 * The outcome of one call with an empty request: a status code, "open" for a stream that ran
 * without error; a refusal of the access check (ErrorInfo UNAUTHENTICATED / ACCESS_DENIED) reads
 * "refused:<code>", apart from a handler's own answer to the empty request.
 */
function call(address: string, caller: Caller, path: string, stream: boolean, md: Metadata = new Metadata()): Promise<Outcome> {
  const client = new Client(address, caller.credentials, caller.options);
  const ser = () => Buffer.alloc(0);
  const de = (b: Buffer) => b;
  const deadline = new Date(Date.now() + 5_000);
  return new Promise<Outcome>((resolve) => {
    const done = (v: number | "open" | ServiceError) => {
      client.close();
      if (typeof v !== "object") return resolve(v);
      resolve(["UNAUTHENTICATED", "ACCESS_DENIED"].includes(errorReasonOf(v)) ? `refused:${v.code}` : v.code);
    };
    if (!stream) {
      client.makeUnaryRequest(path, ser, de, Buffer.alloc(0), md, { deadline }, (err: ServiceError | null) => done(err ?? status.OK));
      return;
    }
    const s = client.makeServerStreamRequest(path, ser, de, Buffer.alloc(0), md, {});
    const timer = setTimeout(() => {
      s.cancel();
      done("open");
    }, 600);
    s.on("data", () => undefined);
    s.on("error", (err: ServiceError) => {
      clearTimeout(timer);
      done(err.code === status.CANCELLED ? "open" : err);
    });
  });
}

type Outcome = number | "open" | `refused:${number}`;
const refused = (o: Outcome) => typeof o === "string" && o.startsWith("refused:");
const UNAUTHENTICATED = `refused:${status.UNAUTHENTICATED}`;
const DENIED = `refused:${status.PERMISSION_DENIED}`;

describe("the authorization table on real mTLS", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let registry: CityRegistry;
  let foreignDir: string;
  const addressOf = (path: string) => {
    const node = cities[0]!.node;
    // The catalog is on both node ports, the materials API on the intake port.
    if (["/tongban.v1.IntakeService/", "/tongban.v1.CatalogService/", "/tongban.v1.MaterialService/"].some((s) => path.startsWith(s)))
      return `localhost:${node.intakePort}`;
    if (path.startsWith("/tongban.v1.AuthorityQueueService/")) return `localhost:${node.queuePort}`;
    return `localhost:${registry.port}`;
  };
  let clerkToken: string;

  beforeAll(async () => {
    iso = isolation();
    registry = await startRegistry(iso, CITY);
    cities = await startCities(iso, [CITY], undefined, { certsTargets: certsTargetsOf([registry]) });
    clerkToken = await signDevToken(defaultPkiDir, { city: CITY, id: "clerk-a", department: "gaj", roles: ["clerk"] });
    // A PKI of the same names that the network does not trust, and a Quanzhou identity signed by Xiamen's CA.
    foreignDir = mkdtempSync(join(tmpdir(), "tongban-foreign-pki-"));
    await ensureDevPki([{ id: CITY }], join(foreignDir, "foreign"));
    mkdirSync(join(foreignDir, "cross", OTHER), { recursive: true });
    for (const f of ["ca.crt", "ca.key"]) cpSync(join(defaultPkiDir, CITY, f), join(foreignDir, "cross", OTHER, f));
    await issueIdentity(join(foreignDir, "cross"), OTHER, "window", "main");
  });
  afterAll(async () => {
    await stopCities(cities);
    await stopRegistry(registry);
    rmSync(foreignDir, { recursive: true, force: true });
  });

  it("when a method is served, then the table has a rule for it, and no rule names a method that is not served", () => {
    expect(methods.map((m) => m.path).filter((p) => !accessTable[p])).toEqual([]);
    expect(Object.keys(accessTable).filter((p) => !methods.some((m) => m.path === p))).toEqual([]);
  });

  it("when a caller has no certificate, a foreign CA's certificate or one its city's CA did not sign, then every method is UNAUTHENTICATED", async () => {
    const trust = readFileSync(trustBundlePath(defaultPkiDir));
    const withCert = (dir: string, city: string): Caller => {
      const f = identityFiles(dir, city, "window", "main");
      return { credentials: ChannelCredentials.createSsl(trust, readFileSync(f.key), readFileSync(f.cert)), options: {} };
    };
    const callers: Record<string, Caller> = {
      anonymous: { credentials: ChannelCredentials.createSsl(trust), options: {} },
      "foreign CA": withCert(join(foreignDir, "foreign"), CITY),
      "other city's CA": withCert(join(foreignDir, "cross"), OTHER),
    };
    const outcomes: string[] = [];
    for (const [who, caller] of Object.entries(callers)) {
      for (const m of methods)
        outcomes.push(`${who} ${m.path} ${await call(addressOf(m.path), caller, m.path, m.stream, bearer(clerkToken))}`);
    }
    expect(outcomes.filter((o) => !o.endsWith(` ${UNAUTHENTICATED}`))).toEqual([]);
  });

  it("when a plaintext client calls, then it gets no answer at all", async () => {
    const plain: Caller = { credentials: ChannelCredentials.createInsecure(), options: {} };
    for (const m of methods) expect(await call(addressOf(m.path), plain, m.path, m.stream)).toBe(status.UNAVAILABLE);
  });

  it("when each role of each city calls each method, then exactly the table's callers get past the access check", async () => {
    const mismatches: string[] = [];
    for (const city of [CITY, OTHER]) {
      for (const role of roles) {
        // Nodes and registries are named by their city, issuing departments by their 统一社会信用代码.
        const name = role === "node" || role === "registry" ? city : role === "issuer" ? issuerOf(city) : "main";
        const caller = callerAs(city, role as Role, name);
        for (const m of methods) {
          const rule: AccessRule = accessTable[m.path]!;
          const allowed = (rule.roles === "any" || rule.roles.includes(role)) && (rule.cities === "network" || city === CITY);
          const code = await call(addressOf(m.path), caller, m.path, m.stream, bearer(clerkToken));
          if (refused(code) === allowed) mismatches.push(`${role}@${city} ${m.path}: ${code} (allowed: ${allowed})`);
          if (!allowed && code !== DENIED) mismatches.push(`${role}@${city} ${m.path}: ${code}, not PERMISSION_DENIED`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("when the authority calls the queue without a valid clerk token of its city, then it is refused", async () => {
    const authority = callerAs(CITY, "authority");
    const tokens: Record<string, Metadata> = {
      none: new Metadata(),
      garbage: bearer("not-a-jwt"),
      "other city's provider": bearer(await signDevToken(defaultPkiDir, { city: OTHER, id: "c", department: "gaj", roles: ["clerk"] })),
      expired: bearer(
        await signDevToken(defaultPkiDir, {
          city: CITY,
          id: "c",
          department: "gaj",
          roles: ["clerk"],
          issuedAt: 1_700_000_000,
          ttlSeconds: 60,
        }),
      ),
      "operator, not clerk": bearer(await signDevToken(defaultPkiDir, { city: CITY, id: "op", roles: ["operator"] })),
      "no department": bearer(await signDevToken(defaultPkiDir, { city: CITY, id: "c", roles: ["clerk"] })),
    };
    const queue = served.filter((m) => m.path.startsWith("/tongban.v1.AuthorityQueueService/"));
    const outcomes: string[] = [];
    for (const [what, md] of Object.entries(tokens)) {
      for (const m of queue) {
        const code = await call(addressOf(m.path), authority, m.path, m.stream, md);
        if (!refused(code)) outcomes.push(`${what} ${m.path}: ${code}`);
      }
    }
    expect(outcomes).toEqual([]);
  });

  it("when calls are refused, then the node audits them in its access-denied metric", async () => {
    const before = await deniedCount(cities[0]!.node.metricsPort);
    const window = callerAs(OTHER, "window");
    await call(addressOf("/tongban.v1.IntakeService/GetCase"), window, "/tongban.v1.IntakeService/GetCase", false);
    expect(await deniedCount(cities[0]!.node.metricsPort)).toBe(before + 1);
  });
});

async function deniedCount(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return parseExposition(text)
    .filter((s) => s.name === "tongban_access_denied_total")
    .reduce((n, s) => n + s.value, 0);
}
