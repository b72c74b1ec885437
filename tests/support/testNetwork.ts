import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import type { Bus } from "@tongban/bus";
import { Network } from "@tongban/config";
import { AuthorityQueueServiceClient, IntakeServiceClient } from "@tongban/contracts";
import { type Role, defaultPkiDir, devIssuerOf, idpFiles, signDevToken, spiffeUri } from "@tongban/identity";
import { createLogger } from "@tongban/log";
import { type Caller, bearer, callerOf, devTlsSettings, transportOf } from "@tongban/rpc";
import { kafkaPrincipals, provisionNetwork } from "@tongban/runtime";
import { busAs, kafkaSettings } from "./kafka";
import { connectMongo, type MongoHandle } from "@tongban/store";
import { type NodeServiceConfig, type RunningNode, startNode } from "@tongban/node";

export const network = Network.load();
export const nodeIds = network.nodes.map((n) => n.id);

/** A fresh, isolated namespace per spec file: its own topic prefix and databases. */
export function isolation() {
  const run = `t${randomBytes(4).toString("hex")}`;
  return {
    topicPrefix: run,
    dbName: (node: string) => `${run}_${node}`,
    kafka: inject("kafkaAccess"),
    mongoUri: inject("mongoUri"),
  };
}

export { busAs, kafkaAs, kafkaEnv, kafkaSettings } from "./kafka";

export type Isolation = ReturnType<typeof isolation>;

export const quietLogger = (service: string) => createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? "silent" });

/** A client identity of the development PKI (tests hold every city's identities). */
export const callerAs = (city: string, role: Role, name = "main"): Caller =>
  callerOf(transportOf(devTlsSettings(city, role, name)), spiffeUri(city, role, name));

const tokens = new Map<string, Promise<string>>();

/** A clerk's token from the city's development identity provider, as `authorization` metadata (signed once per clerk). */
export async function clerkMetadata(city: string, clerk = "clerk-a", department = "gaj", roles: string[] = ["clerk"]) {
  const key = [city, clerk, department, ...roles].join("\u0000");
  let token = tokens.get(key);
  if (!token) tokens.set(key, (token = signDevToken(defaultPkiDir, { city, id: clerk, department, roles })));
  return bearer(await token);
}

/** The TLS and identity-provider settings of a city's node under test. */
export const nodeIdentityConfig = (node: string) => ({
  ...devTlsSettings(node, "node", node),
  clerkJwks: idpFiles(defaultPkiDir, node).jwks,
  clerkIssuer: devIssuerOf(node),
});

/** The TLS settings of an identity as environment variables, for a service started as its own process. */
export function identityEnv(city: string, role: Role, name: string): Record<string, string> {
  const t = devTlsSettings(city, role, name);
  return { GRPC_TLS_CERT: t.grpcTlsCert!, GRPC_TLS_KEY: t.grpcTlsKey!, GRPC_TLS_CA: t.grpcTlsCa! };
}

/** A node process's identity (node-<city>) and its city's identity provider for clerk tokens, as environment variables. */
export function nodeIdentityEnv(node: string): Record<string, string> {
  const c = nodeIdentityConfig(node);
  return { ...identityEnv(node, "node", node), CLERK_JWKS: c.clerkJwks, CLERK_TOKEN_ISSUER: c.clerkIssuer };
}

/** A node's configuration under test; it connects to the broker as `principal` (default its own, node-<city>). */
export function nodeConfig(iso: Isolation, node: string, principal: string = kafkaPrincipals.node(node)) {
  return {
    ...nodeIdentityConfig(node),
    node,
    topicPrefix: iso.topicPrefix,
    ...kafkaSettings(principal),
    mongoUri: iso.mongoUri,
    mongoDb: iso.dbName(node),
    intakePort: 0,
    queuePort: 0,
    metricsPort: 0,
    logLevel: "silent" as const,
  };
}

/** The provisioner's work for the spec file's topic prefix: topics and each principal's ACLs. */
export async function provisionTopics(iso: Isolation): Promise<void> {
  await provisionNetwork(iso.kafka, iso.topicPrefix, nodeIds, quietLogger("admin"));
}

export interface CityNode {
  id: string;
  node: RunningNode;
  intakeClient: IntakeServiceClient;
  queueClient: AuthorityQueueServiceClient;
  db: MongoHandle;
}

/** Starts an exchange node for each given city, in process, against the real broker and store. */
export async function startCities(
  iso: Isolation,
  ids: string[] = nodeIds,
  now?: () => Date,
  extra: Partial<NodeServiceConfig> = {},
): Promise<CityNode[]> {
  await provisionTopics(iso);
  return Promise.all(
    ids.map(async (id) => {
      const cfg = { ...nodeConfig(iso, id), ...extra };
      const [node, db] = await Promise.all([
        startNode({ config: cfg, network, logger: quietLogger("node"), ...(now ? { now } : {}) }),
        connectMongo(iso.mongoUri, iso.dbName(id)),
      ]);
      return {
        id,
        node,
        db,
        intakeClient: intakeClientOf(id, node.intakePort),
        queueClient: queueClientOf(id, node.queuePort),
      };
    }),
  );
}

/** The city's own window system's client of its intake API. */
export function intakeClientOf(city: string, port: number, caller: Caller = callerAs(city, "window")): IntakeServiceClient {
  return new IntakeServiceClient(`localhost:${port}`, caller.credentials, caller.options);
}

/** The city's own authority system's client of its queue API (calls carry a clerk token, see clerkMetadata). */
export function queueClientOf(city: string, port: number, caller: Caller = callerAs(city, "authority")): AuthorityQueueServiceClient {
  return new AuthorityQueueServiceClient(`localhost:${port}`, caller.credentials, caller.options);
}

/** Stops a city's node (as a crash would leave it: its store and topics stay); see restartCity. */
export async function haltCity(c: CityNode): Promise<void> {
  c.intakeClient.close();
  c.queueClient.close();
  await c.node.stop();
}

/** Starts a halted city's node again on the same store and topics. */
export async function restartCity(iso: Isolation, c: CityNode): Promise<void> {
  c.node = await startNode({ config: nodeConfig(iso, c.id), network, logger: quietLogger("node") });
  c.intakeClient = intakeClientOf(c.id, c.node.intakePort);
  c.queueClient = queueClientOf(c.id, c.node.queuePort);
}

export async function stopCities(cities: CityNode[]): Promise<void> {
  await Promise.all(
    cities.map(async (c) => {
      c.intakeClient.close();
      c.queueClient.close();
      await c.node.stop();
      await c.db.db.dropDatabase();
      await c.db.close();
    }),
  );
}

/** Polls until `probe` returns a value (not undefined), or fails with `what` after the timeout. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A running network for one spec file: its isolation, its cities and a bus for the test's own reads and writes. */
export interface CitiesFixture {
  iso: Isolation;
  cities: CityNode[];
  bus: Bus;
}

/** Starts the given cities before the spec file's tests and stops them (and the bus) after. */
export function useCities(ids: string[], clientId: string): CitiesFixture {
  const fixture = {} as CitiesFixture;
  beforeAll(async () => {
    fixture.iso = isolation();
    fixture.cities = await startCities(fixture.iso, ids);
    fixture.bus = busAs(clientId);
  });
  afterAll(async () => {
    await fixture.bus.close();
    await stopCities(fixture.cities);
  });
  return fixture;
}
