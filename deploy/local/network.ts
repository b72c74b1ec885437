/**
 * `npm start`: the whole pilot network on this machine. Resolves Kafka and the store (env →
 * Docker → local processes), provisions topics for every node in deploy/network.json, creates what
 * is missing of the development PKI (.run/pki), starts the development identity provider, one
 * exchange node process per city (intake + authority queue APIs + inbound consumer) with a standby
 * process of the same city waiting on its writer lease, and one certificate registry per city, each
 * with its own identity, waits until each API reports SERVING on grpc.health.v1 (asked over mTLS as
 * the city's operator), prints the endpoints, and on Ctrl-C stops everything it started. A process
 * that dies takes nothing else down: a city's standby takes over its node, and the dead process is
 * started again (a node as the city's next standby).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Network } from "@tongban/config";
import { createLogger } from "@tongban/log";
import { devPkiCities } from "@tongban/demo";
import { type Role, defaultPkiDir, devIssuerOf, ensureDevPki, spiffeUri } from "@tongban/identity";
import { type Caller, callerOf, checkHealth, devTlsSettings, transportOf } from "@tongban/rpc";
import { kafkaEnvAs, kafkaPrincipals, provisionNetwork } from "@tongban/runtime";
import { buildServices, serviceNodeArgs } from "../build";
import { startDevIdentityProvider } from "./devIdentityProvider";
import { resolveInfra } from "./infra";
import { logsDir, repoRoot } from "./paths";

const topicPrefix = process.env.TONGBAN_TOPIC_PREFIX ?? "tongban";

interface ProcessSpec {
  label: string;
  script: string;
  principal: string;
  env: Record<string, string>;
  /** Address and grpc.health.v1 service name of every API the process serves. */
  apis: { address: string; service: string; caller: Caller }[];
  /** A node process: when it dies it comes back as the city's standby. */
  standbyOf?: string;
}

interface Child {
  spec: ProcessSpec;
  proc: ChildProcess;
  /** When it was started, for the restart budget. */
  startedAt: number;
}

const network = Network.load();
const infra = await resolveInfra();
console.log(`infra (${infra.source}): Kafka ${infra.kafka.brokers.join(",")} · store ${infra.mongoUri}`);
for (const note of infra.notes) console.log(`  ${note}`);

// Topics, and on the project's own broker each principal's ACLs: the services create nothing.
await provisionNetwork(
  infra.kafka,
  topicPrefix,
  network.nodes.map((n) => n.id),
  createLogger({ service: "start", level: "warn" }),
);

await ensureDevPki(devPkiCities(network.nodes));
const idpPort = Number(process.env.TONGBAN_IDP_PORT ?? 9100);
const idp = await startDevIdentityProvider({ dir: defaultPkiDir, cities: network.nodes.map((n) => n.id), port: idpPort }).catch(
  async (err: Error) => {
    console.error(`development identity provider could not listen on 127.0.0.1:${idpPort} (${err.message}); set TONGBAN_IDP_PORT`);
    await infra.release();
    process.exit(1);
  },
);

/** GRPC_TLS_* of a development identity, for a service process's environment. */
function tlsEnv(city: string, role: Role, name: string): Record<string, string> {
  const t = devTlsSettings(city, role, name);
  return { GRPC_TLS_CERT: t.grpcTlsCert!, GRPC_TLS_KEY: t.grpcTlsKey!, GRPC_TLS_CA: t.grpcTlsCa! };
}
/**
 * The city's operator, as whom the start-up health probes ask. They address the servers as
 * `localhost` (the certificates name it too): a TLS client may not send an IP address as the server
 * name (RFC 6066), and Node warns when it does.
 */
const operatorOf = (city: string): Caller =>
  callerOf(transportOf(devTlsSettings(city, "operator", "main")), spiffeUri(city, "operator", "main"));

// The services run built (dist/): rebuilt from the sources on every start.
await buildServices();
mkdirSync(logsDir, { recursive: true });
const children = new Set<Child>();
let stopping = false;
/** Restarts of each process within the last minute: past RESTARTS_PER_MINUTE it is left down. */
const restarts = new Map<string, number[]>();
const RESTARTS_PER_MINUTE = 5;

/** Starts one service process, its built bundle (dist/, rebuilt at start-up), with its log file; restarted when it dies. */
function startProcess(spec: ProcessSpec): void {
  const log = createWriteStream(join(logsDir, `${spec.label}.log`), { flags: "a" });
  const proc = spawn(process.execPath, serviceNodeArgs(spec.script), {
    cwd: repoRoot,
    env: {
      ...process.env,
      TONGBAN_TOPIC_PREFIX: topicPrefix,
      ...kafkaEnvAs(infra.kafka, spec.principal),
      MONGODB_URI: infra.mongoUri,
      ...spec.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  const child: Child = { spec, proc, startedAt: Date.now() };
  children.add(child);
  proc.once("exit", (code, signal) => {
    children.delete(child);
    if (stopping) return;
    const logFile = join(logsDir, `${spec.label}.log`);
    const recent = (restarts.get(spec.label) ?? []).filter((t) => t > Date.now() - 60_000);
    if (recent.length >= RESTARTS_PER_MINUTE) {
      console.error(`${spec.label} exited (${code ?? signal}) ${recent.length} times within a minute; left down, see ${logFile}`);
      return;
    }
    restarts.set(spec.label, [...recent, Date.now()]);
    // A node comes back as its city's standby: the city's other node process takes over (or
    // already did) and this one waits for the lease in turn.
    const next: ProcessSpec = spec.standbyOf
      ? { ...spec, label: `node-${spec.standbyOf}-standby`, env: { ...spec.env, NODE_STANDBY: "true" }, apis: [] }
      : spec;
    console.error(
      `${spec.label} exited (${code ?? signal}); see ${logFile}.${spec.standbyOf ? ` ${spec.standbyOf}'s standby takes over;` : ""} starting ${next.label} again in 2 s`,
    );
    setTimeout(() => {
      if (!stopping) startProcess(next);
    }, 2_000);
  });
}

// The registries by name rather than 127.0.0.1, for the reason given at operatorOf.
const nodeSpecs = new Map<string, ProcessSpec>();
const certsTargets = network.nodes.map((n) => `${n.id}=localhost:${n.ports.certs}`).join(",");
for (const node of network.nodes) {
  const caller = operatorOf(node.id);
  // The node serves as node-<city>, calls the registries as that identity, and verifies clerk tokens
  // against its city's identity provider.
  const nodeSpec: ProcessSpec = {
    label: `node-${node.id}`,
    script: "services/node/src/main.ts",
    principal: kafkaPrincipals.node(node.id),
    env: {
      TONGBAN_NODE: node.id,
      ...tlsEnv(node.id, "node", node.id),
      CLERK_JWKS: idp.jwksUrl(node.id),
      CLERK_TOKEN_ISSUER: devIssuerOf(node.id),
      CERTS_TARGETS: certsTargets,
    },
    apis: [
      { address: `localhost:${node.ports.intake}`, service: "tongban.v1.IntakeService", caller },
      { address: `localhost:${node.ports.queue}`, service: "tongban.v1.AuthorityQueueService", caller },
    ],
    standbyOf: node.id,
  };
  startProcess(nodeSpec);
  nodeSpecs.set(node.id, nodeSpec);
  // Each city's certificate registry (证照库), seeded with the demo certificates when empty.
  startProcess({
    label: `certs-${node.id}`,
    script: "services/certs/src/main.ts",
    principal: kafkaPrincipals.registry(node.id),
    env: { TONGBAN_NODE: node.id, ...tlsEnv(node.id, "registry", node.id) },
    apis: [{ address: `localhost:${node.ports.certs}`, service: "tongban.v1.CertificateRegistryService", caller }],
  });
}

// The operators' monitor (dashboard, JSON API, dead-letter replay): one process for the whole network.
const monitorPort = Number(process.env.MONITOR_HTTP_PORT ?? 8080);
const monitorUrl = `http://127.0.0.1:${monitorPort}/`;
const monitorCity = "xiamen";
/**
 * The monitor's settings: its gRPC health probes of every node go out as Xiamen's monitoring
 * operator; operators of every city may log in with a token of their city's identity provider
 * (needed only when MONITOR_HTTP_HOST is not a loopback address).
 */
const monitorEnv: Record<string, string> = {
  MONITOR_HTTP_PORT: String(monitorPort),
  MONITOR_CITY: monitorCity,
  ...tlsEnv(monitorCity, "operator", "monitor"),
  MONITOR_OPERATOR_JWKS: network.nodes.map((n) => `${n.id}=${idp.jwksUrl(n.id)}`).join(","),
};
startProcess({ label: "monitor", script: "services/monitor/src/main.ts", principal: kafkaPrincipals.monitor, env: monitorEnv, apis: [] });

async function stopAll(code: number): Promise<never> {
  stopping = true;
  const all = [...children];
  for (const c of all) c.proc.kill("SIGTERM");
  await Promise.all(all.map((c) => (c.proc.exitCode !== null ? undefined : new Promise((r) => c.proc.once("exit", r)))));
  await idp.close();
  await infra.release();
  console.log("network stopped");
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

const deadline = Date.now() + 120_000;
for (const c of [...children]) {
  for (const api of c.spec.apis) {
    while ((await checkHealth(api.address, api.caller, api.service)) !== "SERVING") {
      if (Date.now() > deadline) {
        console.error(`${c.spec.label} not SERVING after 120 s; see ${join(logsDir, `${c.spec.label}.log`)}`);
        await stopAll(1);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
// Each city's standby, started once its node serves (it waits on the lease and serves nothing until it takes over).
for (const node of network.nodes) {
  startProcess({
    label: `node-${node.id}-standby`,
    script: "services/node/src/main.ts",
    principal: kafkaPrincipals.node(node.id),
    env: { ...nodeSpecs.get(node.id)!.env, NODE_STANDBY: "true" },
    apis: [],
    standbyOf: node.id,
  });
}
const monitorAnswers = () =>
  fetch(`${monitorUrl}healthz`).then(
    (r) => r.ok,
    () => false,
  );
while (!(await monitorAnswers())) {
  if (Date.now() > deadline) {
    console.error(`monitor not answering after 120 s; see ${join(logsDir, "monitor.log")}`);
    await stopAll(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}

console.log("\nTongban Exchange (通办交换) is running:");
for (const node of network.nodes) {
  console.log(
    `  ${node.name.zh} ${node.name.en.padEnd(10)} intake grpc://127.0.0.1:${node.ports.intake}  queue grpc://127.0.0.1:${node.ports.queue}`,
  );
}
console.log(`  运行监控 Monitor    ${monitorUrl}`);
for (const node of network.nodes) console.log(`  ${node.name.zh} ${node.name.en.padEnd(10)} certs  grpc://127.0.0.1:${node.ports.certs}`);
console.log(`  身份提供方 Identity provider ${idp.url}/<city>/.well-known/jwks.json`);
console.log(`Logs: ${logsDir} · development PKI (certificates, identity provider keys): ${defaultPkiDir}`);
console.log("Submit a sample case: npm run demo:submit -- xiamen quanzhou");
console.log("A clerk token for the authority queue: npm run tongban -- token <city> <department> <clerk>   (e.g. quanzhou gaj clerk-a)");
console.log("Service health over mTLS: npm run tongban -- health");
console.log("Each city also runs a standby node process (node-<city>-standby.log) that takes over if its node dies.");
console.log("Ctrl-C stops the network.");
