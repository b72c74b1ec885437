import { type CaseSummary, summariseCase } from "./caseSummary";
import type { TrackedCase } from "./pairStats";
import type { TrackingRecord } from "./trackingRecord";

/**
 * The monitor's in-memory projection of every case it has tracking records for, rebuilt from the
 * store at start and fed by the tracking consumer. Order-independent: records may arrive in any
 * order and more than once.
 */
export class CaseBook {
  private readonly records = new Map<string, TrackingRecord[]>();
  private readonly summaries = new Map<string, CaseSummary>();
  /** Joint application id → the case ids of its legs (多地联办). */
  private readonly joints = new Map<string, Set<string>>();

  /** Adds a record; false when it was already known (same tracking id). */
  add(r: TrackingRecord): boolean {
    const list = this.records.get(r.caseId) ?? [];
    if (list.some((x) => x._id === r._id)) return false;
    list.push(r);
    this.records.set(r.caseId, list);
    this.summaries.delete(r.caseId);
    if (r.jointId) {
      const legs = this.joints.get(r.jointId) ?? new Set<string>();
      legs.add(r.caseId);
      this.joints.set(r.jointId, legs);
    }
    return true;
  }

  /** Forgets a case (its retention ran out). */
  remove(caseId: string): void {
    for (const r of this.records.get(caseId) ?? []) {
      if (!r.jointId) continue;
      const legs = this.joints.get(r.jointId);
      legs?.delete(caseId);
      if (legs?.size === 0) this.joints.delete(r.jointId);
    }
    this.records.delete(caseId);
    this.summaries.delete(caseId);
  }

  /** Finished cases whose last step is older than `before` (their tracking has expired). */
  expired(before: Date): string[] {
    const out: string[] = [];
    for (const s of this.allSummaries()) if (s.finished && s.lastAt !== undefined && s.lastAt < before) out.push(s.caseId);
    return out;
  }

  get size(): number {
    return this.records.size;
  }

  summary(caseId: string): CaseSummary | undefined {
    let s = this.summaries.get(caseId);
    if (!s) {
      s = summariseCase(this.records.get(caseId) ?? []);
      if (s) this.summaries.set(caseId, s);
    }
    return s;
  }

  recordsOf(caseId: string): readonly TrackingRecord[] {
    return this.records.get(caseId) ?? [];
  }

  *cases(): Iterable<TrackedCase> {
    for (const [caseId, records] of this.records) yield { summary: this.summary(caseId)!, records };
  }

  *allSummaries(): Iterable<CaseSummary> {
    for (const caseId of this.records.keys()) yield this.summary(caseId)!;
  }

  /** The case ids of a joint application's legs that have tracking records, in no particular order. */
  legsOf(jointId: string): readonly string[] {
    return [...(this.joints.get(jointId) ?? [])];
  }

  /** Every joint application id with at least one leg tracked. */
  jointIds(): Iterable<string> {
    return this.joints.keys();
  }

  /** Case ids starting with `prefix` (case-insensitive), at most `limit`; with `legsOnly`, only legs of joint applications. */
  search(prefix: string, limit = 20, legsOnly = false): string[] {
    const p = prefix.trim().toUpperCase();
    const out: string[] = [];
    for (const id of this.records.keys()) {
      if (out.length >= limit) break;
      if (!id.toUpperCase().startsWith(p)) continue;
      if (legsOnly && !this.summary(id)?.jointId) continue;
      out.push(id);
    }
    return out;
  }
}
