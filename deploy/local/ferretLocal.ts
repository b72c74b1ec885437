import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { cacheDir, logsDir, repoRoot, stateDir } from "./paths";
import { type ManagedProcess, isAlive, readPid, requireTool, run, spawnDetached, stopProcess, tcpOpen, waitReady } from "./localProcess";

export const FERRETDB_VERSION = "v1.24.2";

const host = "127.0.0.1";
const port = Number(process.env.TONGBAN_FERRETDB_PORT ?? 27018);
const binary = join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, "ferretdb");
const dataDir = join(stateDir, "ferretdb");
const proc: ManagedProcess = { name: "FerretDB", pidFile: join(stateDir, "ferretdb.pid"), logFile: join(logsDir, "ferretdb.log") };

export const localMongoUri = `mongodb://${host}:${port}/`;
export const ferretLogFile = proc.logFile;

/** Builds FerretDB (version pinned in deploy/local/ferretdb/go.mod) with the Go toolchain, once. */
export function ensureFerretBinary(): void {
  if (existsSync(binary)) return;
  requireTool(
    "go",
    ["version"],
    "install Go 1.24+ (e.g. `apt-get install golang`) to build the local FerretDB server, or set MONGODB_URI.",
  );
  run("go", ["build", "-trimpath", "-o", binary, "."], join(repoRoot, "deploy/local/ferretdb"), { ...process.env, CGO_ENABLED: "0" });
}

async function serverAnswers(): Promise<boolean> {
  if (!(await tcpOpen(host, port))) return false;
  const client = new MongoClient(localMongoUri, { serverSelectionTimeoutMS: 1_000, directConnection: true });
  try {
    await client.connect();
    const pong = await client.db("admin").command({ ping: 1 });
    return pong.ok === 1;
  } finally {
    await client.close();
  }
}

export async function ferretStatus(): Promise<"running" | "stopped"> {
  return isAlive(readPid(proc)) && (await serverAnswers().catch(() => false)) ? "running" : "stopped";
}

/** Starts FerretDB on SQLite unless it already runs; returns true when this call started it. */
export async function startFerret(): Promise<boolean> {
  if (isAlive(readPid(proc))) {
    await waitReady(proc, serverAnswers, 30_000);
    return false;
  }
  if (await tcpOpen(host, port)) {
    throw new Error(`Port ${port} is taken by another process; set TONGBAN_FERRETDB_PORT or MONGODB_URI.`);
  }
  ensureFerretBinary();
  mkdirSync(dataDir, { recursive: true });
  spawnDetached(proc, binary, ["-listen-addr", `${host}:${port}`, "-sqlite-url", `file:${dataDir}/`, "-log-level", "warn"], repoRoot);
  await waitReady(proc, serverAnswers, 30_000);
  return true;
}

export function stopFerret(): Promise<boolean> {
  return stopProcess(proc, 10_000);
}
