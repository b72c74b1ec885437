import type { Logger } from "pino";

/** One dependency a service needs to do its work; `check` must answer within its own short timeout and never throw. */
export interface HealthCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

export interface HealthReport {
  serving: boolean;
  /** Each check's last answer by name. */
  checks: Record<string, boolean>;
}

export interface HealthMonitorOptions {
  checks: HealthCheck[];
  /** Between two rounds of checks. */
  intervalMs: number;
  log: Logger;
  /** Called with every change of the overall state (and once after the first round). */
  onChange(report: HealthReport): void;
}

/**
 * Polls a service's dependencies (broker, store, its consumers, its writer lease) and reports
 * SERVING only while every one of them answers; grpc.health and /healthz follow it.
 */
export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private last: HealthReport | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: HealthMonitorOptions) {}

  /** Runs the first round now (resolves after it) and then every `intervalMs`. */
  async start(): Promise<void> {
    await this.tick();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.tick().then(
        () => this.schedule(),
        (err: unknown) => {
          this.opts.log.error({ err }, "health round failed");
          this.schedule();
        },
      );
    }, this.opts.intervalMs);
  }

  /** The latest report; SERVING before the first round. */
  report(): HealthReport {
    return this.last ?? { serving: true, checks: {} };
  }

  /** Runs one round of checks now. */
  async tick(): Promise<HealthReport> {
    const results = await Promise.all(
      this.opts.checks.map(async (c) => {
        try {
          return [c.name, await c.check()] as const;
        } catch {
          return [c.name, false] as const;
        }
      }),
    );
    const report: HealthReport = { serving: results.every(([, ok]) => ok), checks: Object.fromEntries(results) };
    if (this.stopped) return report;
    const changed =
      !this.last || this.last.serving !== report.serving || JSON.stringify(this.last.checks) !== JSON.stringify(report.checks);
    this.last = report;
    if (changed) {
      const failing = results.filter(([, ok]) => !ok).map(([name]) => name);
      if (report.serving) this.opts.log.info({ checks: report.checks }, "health: SERVING");
      else this.opts.log.warn({ failing }, "health: NOT_SERVING");
      this.opts.onChange(report);
    }
    return report;
  }

  /** Stops polling; the owner then sets its own final state (NOT_SERVING while shutting down). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }
}
