import type { Logger } from "pino";
import { type ExchangeContext, checksOf, isPendingCheck, loadCase, recordReverification } from "@tongban/exchange";
import type { CertificateVerifier } from "./certificateVerifier";

export interface ReverifierOptions {
  /** How often announced cases are verified again while their registry is away. */
  intervalMs?: number;
  batchSize?: number;
}

/**
 * Receiving side: verifies again the UNVERIFIED certificates of forwarded cases; once their
 * registry answers, the case records it and tells the home authority. The cases waiting come
 * from the node's in-memory case index (kept by every append; this process is the city's only
 * writer), so a pass reads only those cases, by `_id` — never a scan, which on FerretDB decodes
 * the whole collection.
 */
export class CertificateReverifier {
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

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running ??= this.runOnce()
        .catch((err) => this.log.warn({ err }, "certificate re-verification pass failed; will retry"))
        .finally(() => {
          this.running = undefined;
        });
      this.timer = setTimeout(tick, this.intervalMs);
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the cases waiting for a registry; returns how many got answers. */
  async runOnce(): Promise<number> {
    let answered = 0;
    for (const caseId of this.ctx.caseLog.index.pendingCertificates().slice(0, this.batchSize)) {
      if (this.stopped) break;
      const doc = await loadCase(this.ctx, caseId);
      const waiting = doc && doc.role === "receiving" ? checksOf(doc).filter(isPendingCheck) : [];
      if (!doc || waiting.length === 0) continue;
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
      this.log.info({ caseId, still: checksOf(written).filter(isPendingCheck).length }, "certificates re-verified");
    }
    return answered;
  }
}
