import { readFileSync } from "node:fs";

const TICKS = 100; // USER_HZ on Linux

/** Samples RSS (MB) and CPU (% of one core) of processes from /proc, once per interval. */
export class ProcSampler {
  private readonly last = new Map<number, { cpu: number; at: number }>();
  readonly peakRssMb = new Map<string, number>();
  readonly cpu = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: Map<string, number>) {}

  start(intervalMs = 1000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  summary(): { name: string; peakRssMb: number; avgCpuPct: number }[] {
    return [...this.pids.keys()].map((name) => {
      const c = this.cpu.get(name) ?? [];
      return { name, peakRssMb: this.peakRssMb.get(name) ?? NaN, avgCpuPct: c.length ? c.reduce((a, b) => a + b, 0) / c.length : NaN };
    });
  }

  /** CPU seconds (user + system) each process has used so far; NaN for one that has ended. */
  cpuSeconds(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, pid] of this.pids) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        out.set(name, (Number(fields[11]) + Number(fields[12])) / TICKS);
      } catch {
        out.set(name, NaN);
      }
    }
    return out;
  }

  private sample(): void {
    for (const [name, pid] of this.pids) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
        this.peakRssMb.set(name, Math.max(this.peakRssMb.get(name) ?? 0, rssKb / 1024));
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS;
        const now = performance.now() / 1000;
        const prev = this.last.get(pid);
        if (prev && now > prev.at) {
          const list = this.cpu.get(name) ?? [];
          list.push(((cpu - prev.cpu) / (now - prev.at)) * 100);
          this.cpu.set(name, list);
        }
        this.last.set(pid, { cpu, at: now });
      } catch {
        // The process ended; its last figures stay.
      }
    }
  }
}
