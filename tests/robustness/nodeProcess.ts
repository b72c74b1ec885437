import { kafkaPrincipals } from "@tongban/runtime";
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Isolation, eventually, nodeIdentityEnv, kafkaEnv } from "../support/testNetwork";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface NodeProcess {
  proc: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or the signal's name) once the process has exited and its output is flushed to the log file. */
  exited: Promise<number | string>;
  /** The log file's lines so far. */
  lines(): string[];
}

/** Starts `services/node` as its own process (as npm start does), its stdout and stderr in `logFile`. */
export function spawnNode(iso: Isolation, city: string, logFile: string, env: Record<string, string> = {}): NodeProcess {
  const log = createWriteStream(logFile, { flags: "a" });
  const proc = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "services/node/src/main.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TONGBAN_NODE: city,
      TONGBAN_TOPIC_PREFIX: iso.topicPrefix,
      ...kafkaEnv(kafkaPrincipals.node(city)),
      MONGODB_URI: iso.mongoUri,
      MONGODB_DB: iso.dbName(city),
      INTAKE_GRPC_PORT: "0",
      QUEUE_GRPC_PORT: "0",
      METRICS_PORT: "0",
      LOG_LEVEL: "info",
      ...nodeIdentityEnv(city),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.pipe(log, { end: false });
  proc.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | string>((resolve) =>
    proc.once("close", (code, signal) => {
      log.end(() => resolve(code ?? signal ?? "unknown"));
    }),
  );
  const lines = () =>
    readFileSync(logFile, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
  return { proc, logFile, exited, lines };
}

/** Waits until the node logged that its APIs listen; fails with its log if it exited first. */
export const listening = (p: NodeProcess, timeoutMs = 60_000) =>
  Promise.race([
    eventually(
      "the node listening",
      async () => (p.lines().some((l) => msgOf(l) === "exchange node listening") ? true : undefined),
      timeoutMs,
    ),
    p.exited.then((code) => {
      throw new Error(`the node exited (${code}) before listening:\n${p.lines().join("\n")}`);
    }),
  ]);

/** The `msg` of a JSON log line (undefined for other output). */
export function msgOf(line: string): string | undefined {
  try {
    return (JSON.parse(line) as { msg?: string }).msg;
  } catch {
    return undefined;
  }
}
