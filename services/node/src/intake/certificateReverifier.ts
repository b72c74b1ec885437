import type { Logger } from "pino";
import { type ExchangeContext, checksOf, isPendingCheck, recordReverification } from "@tongban/exchange";
import type { CertificateVerifier } from "./certificateVerifier";

export interface ReverifierOptions {
  /** How often announced cases are verified again while their registry is away. */
  intervalMs?: number;
  batchSize?: number;
}

/**
 * Receiving side: verifies again the UNVERIFIED certificates of forwarded cases; once their
 * registry answers, the case records it and tells the home authority. Intake announces such
 * cases by id, so a pass reads them by `_id`. The collection is swept once, at start, for the
 * cases an earlier process left pending: this process is the city's only writer (its lease), so
 * every case that becomes pending later is one it announced itself — no periodic scan, which on
 * FerretDB decodes the whole collection.
 */
export class CertificateReverifier {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly verifier: CertificateVerifier,
    private readonly log: Logger,
    opts: ReverifierOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 5_000;
    this.batchSize = opts.batchSize ?? 50;
  }

  /** A case was forwarded with UNVERIFIED certificates. */
  announce(caseId: string): void {
    this.pending.add(caseId);
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      if (this.pending.size > 0) this.guard(() => this.runOnce());
      this.timer = setTimeout(tick, this.intervalMs);
    };
    this.timer = setTimeout(tick, this.intervalMs);
    this.guard(() => this.sweep());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private guard(fn: () => Promise<unknown>): void {
    this.running ??= fn()
      .catch((err) => this.log.warn({ err }, "certificate re-verification pass failed; will retry"))
      .finally(() => {
        this.running = undefined;
      });
  }

  private async sweep(): Promise<void> {
    const docs = await this.ctx.cases.find({ role: "receiving", certificatesPending: true }, { projection: { _id: 1 } }).toArray();
    for (const d of docs) this.pending.add(d._id);
  }

  /** One pass over announced cases; returns how many got answers. */
  async runOnce(): Promise<number> {
    let answered = 0;
    for (const caseId of [...this.pending].slice(0, this.batchSize)) {
      if (this.stopped) break;
      const doc = await this.ctx.cases.findOne({ _id: caseId });
      const waiting = doc && doc.role === "receiving" ? checksOf(doc).filter(isPendingCheck) : [];
      if (!doc || waiting.length === 0) {
        this.pending.delete(caseId);
        continue;
      }
      const s = doc.submission;
      const fresh = await this.verifier.verify({
        caseId,
        itemCode: doc.itemCode,
        requestingNode: this.ctx.nodeId,
        operator: s.windowClerk,
        holder: { name: s.applicant?.name ?? "", idNumber: s.applicant?.idNumber ?? "" },
        refs: waiting.map((c) => ({ certificateId: c.certificateId, number: c.number })),
      });
      const written = await recordReverification(this.ctx, caseId, fresh);
      if (!written) continue;
      answered++;
      const still = checksOf(written).filter(isPendingCheck).length;
      if (still === 0) this.pending.delete(caseId);
      this.log.info({ caseId, still }, "certificates re-verified");
    }
    return answered;
  }
}
