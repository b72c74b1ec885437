/** How many holder-mismatch answers a caller may get, over what sliding window, for how many callers at most. */
export interface MismatchLimits {
  limit: number;
  windowMs: number;
  /** Callers tracked at once; beyond it the longest-idle caller with an empty window (else the longest-idle) is forgotten. */
  maxCallers: number;
}

/** Whether a caller may still be answered; when not, how long until its oldest counted answer leaves the window. */
export type Allowance = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

/**
 * A sliding-window count of HOLDER_MISMATCH answers per caller identity (不作为核验“神谕”): a caller
 * who could try holder names and id numbers against a certificate learns one bit per try, so once
 * it has had `limit` mismatch answers within `windowMs` it is refused every lookup until the
 * oldest of them leaves the window. Pure: the caller passes the time; memory is bounded by
 * `maxCallers` and, per caller, by the limit plus one batch.
 */
export class MismatchLimiter {
  /** Per caller, the times (ms) of its counted mismatch answers, oldest first; Map order = least recently active first. */
  private readonly seen = new Map<string, number[]>();

  constructor(private readonly l: MismatchLimits) {
    if (l.limit < 1 || l.windowMs < 1 || l.maxCallers < 1) throw new Error("mismatch limits must be positive");
  }

  /** What the caller may still get now. */
  allowance(caller: string, nowMs: number): Allowance {
    const times = this.current(caller, nowMs);
    const used = times?.length ?? 0;
    if (used < this.l.limit) return { ok: true, remaining: this.l.limit - used };
    // The window frees up when enough of the oldest answers have left it to bring the count below the limit.
    const freeing = times![used - this.l.limit]!;
    return { ok: false, retryAfterMs: Math.max(1, freeing + this.l.windowMs - nowMs) };
  }

  /**
   * Counts `mismatches` answers for the caller and says whether they fit in what it had left; when
   * they do not, they are counted all the same (the lookups were made) and the caller is refused.
   */
  take(caller: string, mismatches: number, nowMs: number): Allowance {
    const before = this.allowance(caller, nowMs);
    if (mismatches > 0) {
      const times = this.current(caller, nowMs) ?? [];
      for (let i = 0; i < mismatches; i++) times.push(nowMs);
      this.touch(caller, times);
    }
    if (before.ok && mismatches <= before.remaining) return { ok: true, remaining: before.remaining - mismatches };
    return this.allowance(caller, nowMs);
  }

  /** Callers currently tracked (for tests and metrics). */
  get size(): number {
    return this.seen.size;
  }

  /** The caller's times still inside the window, pruned in place; undefined when none. */
  private current(caller: string, nowMs: number): number[] | undefined {
    const times = this.seen.get(caller);
    if (!times) return undefined;
    const from = nowMs - this.l.windowMs;
    let stale = 0;
    while (stale < times.length && times[stale]! <= from) stale++;
    if (stale > 0) times.splice(0, stale);
    if (times.length === 0) {
      this.seen.delete(caller);
      return undefined;
    }
    return times;
  }

  private touch(caller: string, times: number[]): void {
    this.seen.delete(caller);
    this.seen.set(caller, times);
    if (this.seen.size <= this.l.maxCallers) return;
    const from = times.at(-1)! - this.l.windowMs;
    for (const [k, t] of this.seen) {
      if (t.length === 0 || t.at(-1)! <= from) {
        this.seen.delete(k);
        return;
      }
    }
    // Every tracked caller is active: forget the one idle longest (the first in Map order).
    this.seen.delete(this.seen.keys().next().value!);
  }
}
