import { sampleSubmission } from "@tongban/demo";
import { callUnary } from "@tongban/rpc";
import type { SubmitCaseRequest } from "@tongban/contracts";
import { type FaultNetwork, network, nodeIds } from "./faultNetwork";

/** The six ordered city pairs (window city → home city). */
export const pairs: [string, string][] = nodeIds.flatMap((from) =>
  nodeIds.filter((to) => to !== from).map((to): [string, string] => [from, to]),
);

export interface Acked {
  caseId: string;
  from: string;
  to: string;
  receiptNo: string;
  ackedAt: number;
  /** How long the acknowledging call took. */
  latencyMs: number;
}

export interface Sample {
  /** Epoch milliseconds. */
  t: number;
  acked: number;
  /** Cases present in their home queue. */
  delivered: number;
  inFlight: number;
}

export interface LoadOptions {
  total: number;
  /** Cases submitted but not yet in their home queue the generator keeps going. */
  inFlight: number;
  /** Submissions awaiting an answer at most. */
  concurrency: number;
  /** Builds submission `n` (default: a valid sample case); keep receipt numbers unique per network. */
  request?: (from: string, to: string, n: number, receiptPrefix: string) => SubmitCaseRequest;
  /** Give up on a submission that is not acknowledged after this long. */
  submitTimeoutMs?: number;
}

/**
 * A steady load across all six city pairs: a new submission whenever fewer than `inFlight` cases
 * are between the window and their home queue (pending answers included), and every case the
 * home queues hold counted twice a second. A failed submission is sent again unchanged (same
 * receipt number): the window's answer for a retry is the case it already registered.
 */
export class LoadGenerator {
  readonly acked: Acked[] = [];
  readonly samples: Sample[] = [];
  readonly refusals = new Map<string, number>();
  private readonly failures: string[] = [];
  private pending = 0;
  private delivered = 0;
  private started = 0;
  private stopped = false;
  private sampler: Promise<void> | undefined;
  private submitting: Promise<void> | undefined;
  private readonly receiptPrefix: string;
  private total: number;
  private deliveredBefore: number | undefined;
  peakInFlight = 0;

  constructor(
    private readonly net: FaultNetwork,
    private readonly o: LoadOptions,
  ) {
    this.receiptPrefix = `FLT${net.prefix.slice(1, 7).toUpperCase()}`;
    this.total = o.total;
  }

  /** Starts no submission after this one (those started are still seen through). */
  endSubmissions(): void {
    this.total = Math.min(this.total, this.started);
  }

  get inFlight(): number {
    return this.pending + this.acked.length - this.delivered;
  }

  get deliveredCount(): number {
    return this.delivered;
  }

  start(): void {
    this.sampler = (async () => {
      while (!this.stopped) {
        try {
          const counts = await Promise.all(this.net.cities.map((c) => c.db.collection("cases").countDocuments({ role: "home" })));
          const total = counts.reduce((a, b) => a + b, 0);
          // Cases of an earlier scenario on the same network are not this load's.
          this.deliveredBefore ??= total;
          this.delivered = total - this.deliveredBefore;
        } catch {
          // The store may be down on purpose; the next sample counts again.
        }
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
        this.samples.push({ t: Date.now(), acked: this.acked.length, delivered: this.delivered, inFlight: this.inFlight });
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    this.submitting = this.run();
  }

  /** Resolves when every submission is acknowledged. */
  async submitted(): Promise<void> {
    await this.submitting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.sampler;
  }

  /** Resolves once at least `n` cases are acknowledged. */
  async ackedAtLeast(n: number, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acked.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.acked.length} of ${n} submissions acknowledged after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async run(): Promise<void> {
    const all: Promise<void>[] = [];
    while (this.started < this.total) {
      if (this.pending >= this.o.concurrency || this.inFlight >= this.o.inFlight) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const n = this.started++;
      const [from, to] = pairs[n % pairs.length]!;
      all.push(this.submitOne(from, to, n).catch((err: Error) => void this.failures.push(err.message)));
    }
    await Promise.all(all);
    if (this.failures.length > 0)
      throw new Error(`${this.failures.length} submissions never acknowledged: ${this.failures.slice(0, 3).join("; ")}`);
  }

  private async submitOne(from: string, to: string, n: number): Promise<void> {
    const req = this.o.request?.(from, to, n, this.receiptPrefix) ?? sampleSubmission(network.node(from)!, to, n, this.receiptPrefix);
    const city = this.net.city(from);
    const deadline = Date.now() + (this.o.submitTimeoutMs ?? 180_000);
    this.pending++;
    try {
      for (;;) {
        const t = Date.now();
        try {
          const res = await callUnary(city.intake, city.intake.submitCase, req, 10_000);
          this.acked.push({ caseId: res.caseId, from, to, receiptNo: req.receiptNo, ackedAt: Date.now(), latencyMs: Date.now() - t });
          return;
        } catch (err) {
          const code = String((err as { code?: number }).code ?? "?");
          this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
          if (Date.now() > deadline) throw new Error(`submission ${req.receiptNo} not acknowledged: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    } finally {
      this.pending--;
    }
  }
}
