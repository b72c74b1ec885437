import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildServices, serviceNodeArgs } from "../../../deploy/build";
import { logsDir, repoRoot } from "../../../deploy/local/paths";
import { type Caller, checkHealth } from "@tongban/rpc";

export const faultLogsDir = join(logsDir, "faults");

/** The bundles, built from the current sources once per test file before its first service starts. */
let built: Promise<void> | undefined;
const servicesBuilt = (): Promise<void> => (built ??= buildServices());

/** A port free right now, for a service that must come back on the same port after a restart. */
/**
 * A free port for a service that is restarted on the same port, taken below the kernel's
 * ephemeral range (32768 and up): a port from there may be handed to some outgoing connection
 * while its service is down, and the restart then fails with EADDRINUSE. Clear of the suites'
 * fixed ports (19092, 27018, 28018, 28474, 29092, 50110…).
 */
export { freePort } from "../../../deploy/local/localProcess";

/**
 * A service (exchange node, certificate registry) run as its own OS process the way `npm start`
 * runs it — plain node on the built bundle (dist/), so SIGKILL hits the process that does the work.
 * `preload` modules are imported before the service (e.g. a shifted clock).
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly logFile: string;

  constructor(
    readonly label: string,
    private readonly script: string,
    private env: Record<string, string>,
    /** grpc.health.v1 services that must be SERVING before the process counts as started, and who asks (over mTLS). */
    private readonly health: { address: string; service: string; caller: Caller }[],
    private readonly preload: string[] = [],
  ) {
    this.logFile = join(faultLogsDir, `${label}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Changes environment keys for the next start. */
  setEnv(env: Record<string, string>): void {
    this.env = { ...this.env, ...env };
  }

  /** Times the process exited during start and was started again. */
  restarts = 0;
  /** Times the running process exited on its own and was started again (as a supervisor would). */
  unexpectedExits = 0;
  private expectExit = false;

  /**
   * Starts the process and waits until it is SERVING; like a supervisor (systemd Restart=always,
   * RestartSec=1) it starts the process again when it exits during start-up (e.g. while the
   * writer lease of a killed predecessor has not expired yet).
   */
  async start(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.startOnce(deadline);
      } catch (err) {
        if (this.running || Date.now() > deadline) throw err;
        this.restarts++;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private async startOnce(deadline: number): Promise<void> {
    mkdirSync(faultLogsDir, { recursive: true });
    const log = createWriteStream(this.logFile, { flags: "a" });
    await servicesBuilt();
    // A TypeScript preload (e.g. the shifted clock) needs the tsx loader; the service itself runs built.
    const loader = this.preload.some((p) => p.endsWith(".ts")) ? ["--import", "tsx"] : [];
    const args = [...loader, ...this.preload.flatMap((p) => ["--import", p]), ...serviceNodeArgs(this.script)];
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...this.env }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.expectExit = false;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.once("exit", (code, signal) => {
      if (this.expectExit || this.child !== child || !this.serving) return;
      this.serving = false;
      this.unexpectedExits++;
      writeFileSync(this.logFile, `[harness] exited on its own (code ${code}, signal ${signal}); starting it again\n`, { flag: "a" });
      setTimeout(() => void this.start().catch(() => undefined), 1_000);
    });
    for (const h of this.health) {
      while ((await checkHealth(h.address, h.caller, h.service)) !== "SERVING") {
        if (!this.running) throw new Error(`${this.label} exited during start; see ${this.logFile}`);
        if (Date.now() > deadline) throw new Error(`${this.label} not SERVING in time; see ${this.logFile}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    this.serving = true;
  }

  private serving = false;

  /** kill -9: no shutdown hook runs. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.expectExit = true;
    this.serving = false;
    this.child!.kill("SIGKILL");
    await this.exited;
  }

  /** SIGSTOP / SIGCONT: the process hangs with its sockets open. */
  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  /** SIGTERM, then SIGKILL after the grace period. */
  async stop(graceMs = 20_000): Promise<void> {
    this.expectExit = true;
    this.serving = false;
    if (!this.running) return;
    this.child!.kill("SIGCONT");
    this.child!.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
