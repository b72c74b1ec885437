import type { Collection } from "mongodb";
import type { Logger } from "pino";
import type { OutboxEntry, Pending } from "@tongban/store";

/** Where the relay has got to in the case log: every batch up to `batch` is published (or quarantined). */
export interface RelayCheckpoint {
  _id: string;
  batch: number;
  at: Date;
}

export const CHECKPOINTS = "checkpoints";
export const RELAY_CHECKPOINT = "relay";

interface Held {
  entry: OutboxEntry;
  batch: number;
}

/**
 * The outbox of the case log: entries of committed rows wait here, in memory, until the relay has
 * published them; nothing is written to clear them. Instead the relay's position (the last batch
 * all of whose entries are out) is saved now and then as a checkpoint, and a restart publishes
 * again the entries of the batches after it (at least once: receivers deduplicate).
 */
export class LogOutbox {
  private readonly pending = new Map<string, Held[]>();
  /** Entries not yet out, per batch. */
  private readonly open = new Map<number, number>();
  /** Highest batch handed over. */
  private last: number;
  private saved: number;
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;

  constructor(
    private readonly checkpoints: Collection<RelayCheckpoint>,
    private readonly log: Logger,
    /** The checkpoint read at start. */
    from: number,
    private readonly saveEveryMs = 500,
  ) {
    this.last = from;
    this.saved = from;
  }

  static async checkpointOf(checkpoints: Collection<RelayCheckpoint>): Promise<number> {
    return (await checkpoints.findOne({ _id: RELAY_CHECKPOINT }))?.batch ?? 0;
  }

  /** Takes the entries of a committed batch, per case in log order; returns the cases that got some. */
  add(batch: number, rows: readonly { caseId: string; outbox: readonly OutboxEntry[] }[]): string[] {
    let count = 0;
    const cases: string[] = [];
    for (const r of rows) {
      if (r.outbox.length === 0) continue;
      const held = this.pending.get(r.caseId) ?? [];
      if (held.length === 0) this.pending.set(r.caseId, held);
      for (const entry of r.outbox) held.push({ entry, batch });
      count += r.outbox.length;
      cases.push(r.caseId);
    }
    if (count > 0) this.open.set(batch, (this.open.get(batch) ?? 0) + count);
    if (batch > this.last) this.last = batch;
    this.scheduleSave();
    return cases;
  }

  /** A case's unsent entries, as the relay reads them. */
  load(caseId: string): Pending | undefined {
    const held = this.pending.get(caseId);
    return held ? { _id: caseId, outbox: held.map((h) => h.entry) } : undefined;
  }

  /** The relay published (or quarantined) these entries. */
  clear(caseId: string, sent: Set<string>): void {
    const held = this.pending.get(caseId);
    if (!held) return;
    const rest: Held[] = [];
    for (const h of held) {
      if (!sent.has(h.entry.eventId)) {
        rest.push(h);
        continue;
      }
      const left = (this.open.get(h.batch) ?? 1) - 1;
      if (left <= 0) this.open.delete(h.batch);
      else this.open.set(h.batch, left);
    }
    if (rest.length > 0) this.pending.set(caseId, rest);
    else this.pending.delete(caseId);
    this.scheduleSave();
  }

  /** The cases with entries not yet out. */
  caseIds(): string[] {
    return [...this.pending.keys()];
  }

  /** Whether a case has entries not yet out. */
  has(caseId: string): boolean {
    return this.pending.has(caseId);
  }

  /** Cases with entries not yet out. */
  get pendingCases(): number {
    return this.pending.size;
  }

  /** The batch up to which everything is out. */
  position(): number {
    let lowest = Infinity;
    for (const b of this.open.keys()) if (b < lowest) lowest = b;
    return lowest === Infinity ? this.last : lowest - 1;
  }

  /** Saves the position now (at shutdown). */
  async save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.saving) await this.saving;
    const at = this.position();
    if (at <= this.saved) return;
    this.saving = this.checkpoints
      .updateOne({ _id: RELAY_CHECKPOINT }, { $set: { batch: at, at: new Date() } }, { upsert: true })
      .then(() => {
        this.saved = Math.max(this.saved, at);
      })
      .finally(() => {
        this.saving = undefined;
      });
    await this.saving;
  }

  stop(): Promise<void> {
    return this.save();
  }

  private scheduleSave(): void {
    if (this.timer || this.position() <= this.saved) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save().catch((err) => {
        this.log.warn({ err }, "saving the relay checkpoint failed; will retry");
        this.scheduleSave();
      });
    }, this.saveEveryMs);
  }
}
