/**
 * `npm start`: the whole pilot network on this machine. Resolves Kafka and the store (env →
 * Docker → local processes), provisions topics for every node in deploy/network.json, starts one
 * exchange node process per city (intake + authority queue APIs + inbound consumer), waits until
 * each API reports SERVING on grpc.health.v1, prints the endpoints, and on Ctrl-C stops
 * everything it started.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Bus } from "@tongban/bus";
import { Network } from "@tongban/config";
import { createLogger } from "@tongban/log";
import { checkHealth } from "@tongban/rpc";
import { networkTopicSpecs } from "@tongban/runtime";
import { resolveInfra } from "./infra";
import { logsDir, repoRoot } from "./paths";

const topicPrefix = process.env.TONGBAN_TOPIC_PREFIX ?? "tongban";

interface Child {
  label: string;
  proc: ChildProcess;
  /** Address and grpc.health.v1 service name of every API the process serves. */
  apis: { address: string; service: string }[];
}

const network = Network.load();
const infra = await resolveInfra();
console.log(`infra (${infra.source}): Kafka ${infra.kafkaBrokers.join(",")} · store ${infra.mongoUri}`);
for (const note of infra.notes) console.log(`  ${note}`);

const bus = new Bus({ clientId: "tongban-start", brokers: infra.kafkaBrokers }, createLogger({ service: "start", level: "warn" }));
await bus.ensureTopics(
  networkTopicSpecs(
    topicPrefix,
    network.nodes.map((n) => n.id),
  ),
);
await bus.close();

mkdirSync(logsDir, { recursive: true });
const children: Child[] = [];

/** Starts one service process with its log file; node with the tsx loader in-process (no tsx CLI wrapper process). */
function startProcess(label: string, script: string, env: Record<string, string>, apis: Child["apis"]): void {
  const log = createWriteStream(join(logsDir, `${label}.log`), { flags: "a" });
  const proc = spawn(process.execPath, ["--import", "tsx", join(repoRoot, script)], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TONGBAN_TOPIC_PREFIX: topicPrefix,
      KAFKA_BROKERS: infra.kafkaBrokers.join(","),
      MONGODB_URI: infra.mongoUri,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  children.push({ label, proc, apis });
}

for (const node of network.nodes) {
  startProcess(`node-${node.id}`, "services/node/src/main.ts", { TONGBAN_NODE: node.id }, [
    { address: `127.0.0.1:${node.ports.intake}`, service: "tongban.v1.IntakeService" },
    { address: `127.0.0.1:${node.ports.queue}`, service: "tongban.v1.AuthorityQueueService" },
  ]);
  // Each city's certificate registry (证照库), seeded with the demo certificates when empty.
  startProcess(`certs-${node.id}`, "services/certs/src/main.ts", { TONGBAN_NODE: node.id }, [
    { address: `127.0.0.1:${node.ports.certs}`, service: "tongban.v1.CertificateRegistryService" },
  ]);
}

// The operators' monitor (dashboard, JSON API, dead-letter replay): one process for the whole network.
const monitorPort = Number(process.env.MONITOR_HTTP_PORT ?? 8080);
const monitorUrl = `http://127.0.0.1:${monitorPort}/`;
startProcess("monitor", "services/monitor/src/main.ts", { MONITOR_HTTP_PORT: String(monitorPort) }, []);

let stopping = false;
async function stopAll(code: number): Promise<never> {
  stopping = true;
  for (const c of children) c.proc.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.proc.exitCode !== null ? undefined : new Promise((r) => c.proc.once("exit", r)))));
  await infra.release();
  console.log("network stopped");
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
for (const c of children) {
  c.proc.once("exit", (code) => {
    if (stopping) return;
    console.error(`${c.label} exited (code ${code}); see ${join(logsDir, `${c.label}.log`)}. Stopping the network.`);
    void stopAll(1);
  });
}

const deadline = Date.now() + 120_000;
for (const c of children) {
  for (const api of c.apis) {
    while ((await checkHealth(api.address, api.service)) !== "SERVING") {
      if (Date.now() > deadline) {
        console.error(`${c.label} not SERVING after 120 s; see ${join(logsDir, `${c.label}.log`)}`);
        await stopAll(1);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
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
console.log(`Logs: ${logsDir}`);
console.log("Submit a sample case: npm run demo:submit -- xiamen quanzhou");
console.log("Ctrl-C stops the network.");
