import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { MongoClient } from "mongodb";
import { cacheDir, logsDir, repoRoot, stateDir } from "./paths";
import { type ManagedProcess, isAlive, readPid, requireTool, run, spawnDetached, stopProcess, tcpOpen, waitReady } from "./localProcess";

export const FERRETDB_VERSION = "v1.24.2";

const host = "127.0.0.1";
/** Suffix of our patched build (see ensureFerretBinary); bump it when the patch changes. */
const PATCH = "idx1";
const buildDir = join(cacheDir, `ferretdb-${FERRETDB_VERSION}-${PATCH}`);
const binary = join(buildDir, "ferretdb");

/**
 * FerretDB v1.24.2's SQLite backend looks documents up by `_id` with the expression
 * `_ferretdb_sjson->'$._id'`, while its unique `_id` index is on `_ferretdb_sjson->"_id"`. SQLite
 * only uses an expression index for the identical expression, so every find, update and delete
 * by `_id` scans the whole table (measured: 15 ms per updateOne at 1,000 documents, growing with
 * the collection). The build therefore patches that one constant to the index's expression; both
 * select the same JSON member.
 */
const ID_COLUMN_UPSTREAM = `IDColumn = DefaultColumn + "->'$._id'"`;
const ID_COLUMN_PATCHED = 'IDColumn = DefaultColumn + `->"_id"`';

/** Builds FerretDB (version pinned in deploy/local/ferretdb/go.mod, patched as above) with Go, once. */
export function ensureFerretBinary(): void {
  if (existsSync(binary)) return;
  requireTool(
    "go",
    ["version"],
    "install Go 1.24+ (e.g. `apt-get install golang`) to build the local FerretDB server, or set MONGODB_URI.",
  );
  const wrapper = join(repoRoot, "deploy/local/ferretdb");
  const env = { ...process.env, CGO_ENABLED: "0" };
  const module = `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`;
  const downloaded = JSON.parse(execFileSync("go", ["mod", "download", "-json", module], { cwd: wrapper, env, encoding: "utf8" })) as {
    Dir: string;
  };

  const src = join(buildDir, "src");
  rmSync(src, { recursive: true, force: true });
  cpSync(downloaded.Dir, src, { recursive: true });
  chmodSync(src, 0o755);
  const metadataFile = join(src, "internal/backends/sqlite/metadata/metadata.go");
  chmodSync(metadataFile, 0o644);
  const code = readFileSync(metadataFile, "utf8");
  if (!code.includes(ID_COLUMN_UPSTREAM))
    throw new Error(`FerretDB ${FERRETDB_VERSION}: ${metadataFile} no longer has the expected IDColumn line`);
  writeFileSync(metadataFile, code.replace(ID_COLUMN_UPSTREAM, ID_COLUMN_PATCHED));

  // Build the wrapper against the patched copy without touching the committed go.mod.
  const modFile = join(buildDir, "go.mod");
  writeFileSync(modFile, `${readFileSync(join(wrapper, "go.mod"), "utf8")}\nreplace github.com/FerretDB/FerretDB => ${src}\n`);
  cpSync(join(wrapper, "go.sum"), join(buildDir, "go.sum"));
  run("go", ["build", "-trimpath", `-modfile=${modFile}`, "-o", binary, "."], wrapper, env);
}

/** One local FerretDB server: its data dir, pid and log files are named after `name`. */
export interface FerretInstance {
  uri: string;
  logFile: string;
  pid(): number | undefined;
  status(): Promise<"running" | "stopped">;
  /** Starts FerretDB on SQLite unless it already runs; returns true when this call started it. */
  start(): Promise<boolean>;
  stop(): Promise<boolean>;
}

/** A local FerretDB; the shared one is `ferretInstance()` (TONGBAN_FERRETDB_PORT, default 27018). */
export function ferretInstance(opts?: { name: string; port: number }): FerretInstance {
  const name = opts?.name ?? "ferretdb";
  const port = opts?.port ?? Number(process.env.TONGBAN_FERRETDB_PORT ?? 27018);
  const dataDir = join(stateDir, name);
  const proc: ManagedProcess = {
    name: name === "ferretdb" ? "FerretDB" : `FerretDB (${name})`,
    pidFile: join(stateDir, `${name}.pid`),
    logFile: join(logsDir, `${name}.log`),
  };
  const uri = `mongodb://${host}:${port}/`;

  const serverAnswers = async (): Promise<boolean> => {
    if (!(await tcpOpen(host, port))) return false;
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000, directConnection: true });
    try {
      await client.connect();
      const pong = await client.db("admin").command({ ping: 1 });
      return pong.ok === 1;
    } finally {
      await client.close();
    }
  };

  return {
    uri,
    logFile: proc.logFile,
    pid: () => readPid(proc),
    status: async () => (isAlive(readPid(proc)) && (await serverAnswers().catch(() => false)) ? "running" : "stopped"),
    start: async () => {
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
    },
    stop: () => stopProcess(proc, 10_000),
  };
}

const shared = ferretInstance();
export const localMongoUri = shared.uri;
export const ferretLogFile = shared.logFile;
export const ferretStatus = shared.status;
export const startFerret = shared.start;
export const stopFerret = shared.stop;
