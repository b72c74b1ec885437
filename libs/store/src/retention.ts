import type { Logger } from "pino";

export const DAY_MS = 24 * 3600 * 1000;

/** The instant before which data kept for `days` has expired. */
export const expiredBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/**
 * A periodic prune job (数据保留): runs `prune` every `intervalMs` (first after one interval), one
 * run at a time; a failed run is logged and tried again at the next interval.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly prune: () => Promise<Record<string, number>>,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One run now (also what the timer does); resolves with what it removed. */
  runOnce(): Promise<void> {
    this.running ??= this.prune()
      .then(
        (removed) => {
          if (Object.values(removed).some((n) => n > 0)) this.log.info({ removed }, "expired data removed");
        },
        (err: unknown) => this.log.warn({ err }, "retention run failed; trying again at the next interval"),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
