import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { dirname } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** A background server process the local provisioner owns, tracked by a pid file. */
export interface ManagedProcess {
  name: string;
  pidFile: string;
  logFile: string;
}

export function readPid(p: ManagedProcess): number | undefined {
  if (!existsSync(p.pidFile)) return undefined;
  const pid = Number(readFileSync(p.pidFile, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `command` detached from this process, output appended to the log file. */
export function spawnDetached(p: ManagedProcess, command: string, args: string[], cwd: string): number {
  mkdirSync(dirname(p.logFile), { recursive: true });
  mkdirSync(dirname(p.pidFile), { recursive: true });
  const fd = openSync(p.logFile, "a");
  const child = spawn(command, args, { cwd, detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${p.name}: ${command}`);
  child.unref();
  writeFileSync(p.pidFile, String(child.pid));
  return child.pid;
}

/** Sends SIGTERM, waits for exit (SIGKILL after the grace period), removes the pid file. */
export async function stopProcess(p: ManagedProcess, graceMs = 20_000): Promise<boolean> {
  const pid = readPid(p);
  if (!isAlive(pid)) {
    rmSync(p.pidFile, { force: true });
    return false;
  }
  process.kill(pid!, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (isAlive(pid)) process.kill(pid!, "SIGKILL");
  rmSync(p.pidFile, { force: true });
  return true;
}

export function tcpOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Most of one probe-and-wait step that counts against a start-up timeout (see waitReady). */
const MAX_STEP_MS = 3_000;

/**
 * Polls a readiness probe until it succeeds. Fails early when the process died, and always
 * with the tail of its log so the user sees why. Only time this process could watch counts: while
 * another start-up blocks the event loop with a synchronous step (a Maven download, a Go build, a
 * broker format), a step counts at most MAX_STEP_MS — otherwise a server that came up meanwhile
 * would be declared dead because its probe's own timers fired late.
 */
export async function waitReady(p: ManagedProcess, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  let left = timeoutMs;
  let mark = Date.now();
  let interval = 100;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const pid = readPid(p);
    if (pid !== undefined && !isAlive(pid)) throw new Error(`${p.name} exited during start-up.\n${logTail(p)}`);
    const now = Date.now();
    left -= Math.min(now - mark, MAX_STEP_MS);
    mark = now;
    if (left <= 0) throw new Error(`${p.name} not ready after ${timeoutMs} ms.\n${logTail(p)}`);
    await delay(interval);
    interval = Math.min(interval * 2, 1_000);
  }
}

export function logTail(p: ManagedProcess, lines = 30): string {
  if (!existsSync(p.logFile)) return `(no log at ${p.logFile})`;
  const text = readFileSync(p.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  return `--- last lines of ${p.logFile} ---\n${text}`;
}

/** Throws one clear sentence when a required tool is not installed. */
export function requireTool(tool: string, versionArgs: string[], hint: string): void {
  const r = spawnSync(tool, versionArgs, { stdio: "ignore" });
  if (r.error || r.status !== 0) {
    throw new Error(`'${tool}' was not found on PATH: ${hint}`);
  }
}

/** Runs a build step synchronously, streaming nothing unless it fails. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (exit ${r.status}):\n${(r.stdout ?? "") + (r.stderr ?? "")}`.slice(-8_000));
  }
}

/**
 * A port for a service process to listen on, free when checked, from 20000–26999: outside the
 * kernel's ephemeral range, so an outgoing connection cannot take it before the service binds it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 7_000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) return port;
    if (attempt > 50) throw new Error("no free port in 20000-26999");
  }
}
