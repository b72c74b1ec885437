import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, logsDir, repoRoot, stateDir } from "./paths";
import { type ManagedProcess, isAlive, readPid, requireTool, run, spawnDetached, stopProcess, tcpOpen, waitReady } from "./localProcess";

/** Toxiproxy puts network faults (latency, bandwidth caps, resets, blackholes) between a client and a server. */
export const TOXIPROXY_VERSION = "v2.5.0";

const host = "127.0.0.1";
const binDir = join(cacheDir, `toxiproxy-${TOXIPROXY_VERSION}`);
/** `go install` names the binary after its package directory (cmd/server). */
const binary = join(binDir, "server");

/** Builds the Toxiproxy server with Go into the cache, once. */
export function ensureToxiproxyBinary(): void {
  if (existsSync(binary)) return;
  requireTool("go", ["version"], "install Go 1.24+ (e.g. `apt-get install golang`) to build Toxiproxy for the fault-injection tests.");
  run("go", ["install", `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`], repoRoot, {
    ...process.env,
    CGO_ENABLED: "0",
    GOBIN: binDir,
  });
}

export interface ToxiproxyInstance {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:28474. */
  api: string;
  logFile: string;
  start(): Promise<boolean>;
  stop(): Promise<boolean>;
}

/** A local Toxiproxy server whose pid and log files are named after `name`. */
export function toxiproxyInstance(opts: { name: string; port: number }): ToxiproxyInstance {
  const proc: ManagedProcess = {
    name: `Toxiproxy (${opts.name})`,
    pidFile: join(stateDir, `${opts.name}.pid`),
    logFile: join(logsDir, `${opts.name}.log`),
  };
  const api = `http://${host}:${opts.port}`;
  const answers = async () =>
    (await tcpOpen(host, opts.port)) &&
    (await fetch(`${api}/version`).then(
      (r) => r.ok,
      () => false,
    ));
  return {
    api,
    logFile: proc.logFile,
    start: async () => {
      if (isAlive(readPid(proc))) {
        await waitReady(proc, answers, 10_000);
        return false;
      }
      if (await tcpOpen(host, opts.port)) throw new Error(`Port ${opts.port} is taken by another process.`);
      ensureToxiproxyBinary();
      spawnDetached(proc, binary, ["-host", host, "-port", String(opts.port)], repoRoot);
      await waitReady(proc, answers, 10_000);
      return true;
    },
    stop: () => stopProcess(proc, 5_000),
  };
}
