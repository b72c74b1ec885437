import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "mongodb";
import { isDuplicateKey } from "./connectMongo";

/** Collection of the writer leases in a node's database: one document per epoch. */
export const NODE_LEASE = "node_lease";

/** One epoch of a node's writer lease. `_id` is `<node>#<epoch>`, so two claims of one epoch cannot both be inserted. */
export interface LeaseDoc {
  _id: string;
  node: string;
  epoch: number;
  holder: string;
  acquiredAt: Date;
  /** Until when the holder is alive; renewed by its heartbeat. */
  expiresAt: Date;
  /** Set by a holder that stopped cleanly: the next starter need not wait for expiry. */
  releasedAt?: Date;
}

/**
 * A write was refused because this process no longer holds a valid writer lease (another process
 * may have taken the city). Nothing was written; retrying later, at the current writer, can succeed.
 */
export class WriterLeaseLostError extends Error {
  constructor(readonly node: string) {
    super(`节点 ${node} 的写入租约已失效，拒绝写入 / node ${node}: this process no longer holds the writer lease; write refused`);
    this.name = "WriterLeaseLostError";
  }
}

/** A second writer for the same node was refused because the lease is held. */
export class LeaseHeldError extends Error {
  constructor(
    readonly node: string,
    readonly holder: string,
    readonly epoch: number,
    readonly expiresAt: Date,
  ) {
    super(
      `节点 ${node} 已有写入进程在运行，拒绝启动第二个 / node ${node} already has a running writer ` +
        `(holder ${holder}, epoch ${epoch}, heartbeat until ${expiresAt.toISOString()}); stop it first, ` +
        `or start again once its heartbeat stopped if it died`,
    );
    this.name = "LeaseHeldError";
  }
}

export interface NodeLeaseOptions {
  node: string;
  /** How long a holder stays the writer without a heartbeat. */
  ttlMs: number;
  /** How often the holder renews (well under ttlMs). */
  renewMs: number;
  /** Called once when another holder took a later epoch: this process must stop writing. */
  onLost: (reason: string) => void;
  now?: () => Date;
  /** Told of a heartbeat that could not be written (store unreachable); the lease stays held until it expires. */
  onRenewFailed?: (err: unknown) => void;
}

/**
 * One writer per city: a lease with an epoch and a heartbeat in the node's own database.
 *
 * A starter that finds an unreleased lease watches its heartbeat for one TTL: a renewal means the
 * holder is alive and the starter refuses; silence means it died and the starter takes over.
 * FerretDB v1 runs a conditional update as read-modify-write without re-checking the filter, so
 * a take-over is never an update: a starter reads the latest epoch N and, if it has expired or
 * was released, inserts the document of epoch N+1; the unique `_id` lets exactly one starter
 * win. The holder only ever updates its own epoch's document, and learns that it was replaced
 * by finding the document of the next epoch.
 */
export class NodeLease {
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  private epochHeld = 0;
  /**
   * Until when (performance.now() of this process) this process may write: one TTL from the
   * START of the last heartbeat that completed in time. Measured on the monotonic clock so that
   * a wall-clock jump cannot extend it; counted from the start so that a heartbeat delayed in
   * the network or by a paused process never stretches it past what a starter waits.
   */
  private validUntil = 0;
  private renewing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lost = false;
  private readonly now: () => Date;

  private constructor(
    private readonly db: Db,
    private readonly opts: NodeLeaseOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Takes the lease or throws LeaseHeldError; then renews it every `renewMs` until released. */
  static async acquire(db: Db, opts: NodeLeaseOptions): Promise<NodeLease> {
    const lease = new NodeLease(db, opts);
    await lease.claim();
    lease.timer = setInterval(() => void lease.renew(), opts.renewMs);
    return lease;
  }

  get epoch(): number {
    return this.epochHeld;
  }

  /** Held, not lost, and renewed recently enough that no one else can have taken it. Local and cheap: no store call. */
  valid(): boolean {
    return !this.lost && performance.now() < this.validUntil;
  }

  /** Throws WriterLeaseLostError unless valid(): call right before each write of the city's documents. */
  assertValid(): void {
    if (!this.valid()) throw new WriterLeaseLostError(this.opts.node);
  }

  private get leases() {
    return this.db.collection<LeaseDoc>(NODE_LEASE);
  }

  private async latest(): Promise<LeaseDoc | null> {
    const [doc] = await this.leases.find({ node: this.opts.node }).sort({ epoch: -1 }).limit(1).toArray();
    return doc ?? null;
  }

  /**
   * Whether the holder of `current` is alive, judged by watching its heartbeat rather than by
   * comparing its expiry with this machine's clock: the two clocks may disagree by more than the
   * TTL. A heartbeat seen within one TTL (timed here) means alive; none means dead.
   */
  private async holderAlive(current: LeaseDoc): Promise<boolean> {
    const watchUntil = performance.now() + this.opts.ttlMs;
    const step = Math.max(20, Math.min(250, this.opts.renewMs / 2));
    while (performance.now() < watchUntil) {
      await new Promise((r) => setTimeout(r, step));
      const seen = await this.leases.findOne({ _id: current._id });
      if (!seen || seen.releasedAt) return false;
      if (seen.expiresAt.getTime() !== current.expiresAt.getTime()) return true;
      if (await this.leases.findOne({ _id: `${this.opts.node}#${current.epoch + 1}` })) return true;
    }
    return false;
  }

  private async claim(): Promise<void> {
    const current = await this.latest();
    if (current && !current.releasedAt && (await this.holderAlive(current))) {
      const seen = (await this.latest()) ?? current;
      throw new LeaseHeldError(this.opts.node, seen.holder, seen.epoch, seen.expiresAt);
    }
    const now = this.now();
    const t0 = performance.now();
    const epoch = (current?.epoch ?? 0) + 1;
    const expiresAt = new Date(now.getTime() + this.opts.ttlMs);
    try {
      await this.leases.insertOne({
        _id: `${this.opts.node}#${epoch}`,
        node: this.opts.node,
        epoch,
        holder: this.holder,
        acquiredAt: now,
        expiresAt,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another starter inserted this epoch first: it is the writer.
      const winner = await this.latest();
      throw new LeaseHeldError(this.opts.node, winner?.holder ?? "?", winner?.epoch ?? epoch, winner?.expiresAt ?? expiresAt);
    }
    this.epochHeld = epoch;
    this.validUntil = t0 + this.opts.ttlMs;
    // Old epochs are history only; keep a few for the record.
    await this.leases.deleteMany({ node: this.opts.node, epoch: { $lt: epoch - 5 } }).catch(() => undefined);
  }

  /** One heartbeat: notices a later epoch (lost), else extends this epoch's expiry. */
  renew(): Promise<void> {
    if (this.lost) return Promise.resolve();
    this.renewing ??= this.heartbeat().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async heartbeat(): Promise<void> {
    // A starter waits one TTL of silence from a heartbeat it saw; this heartbeat can only have
    // been seen after it started, so validity is extended from here, never from when it lands.
    const t0 = performance.now();
    try {
      const next = await this.leases.findOne({ _id: `${this.opts.node}#${this.epochHeld + 1}` });
      if (next) return this.lose(`epoch ${next.epoch} was taken by ${next.holder}`);
      const expiresAt = new Date(this.now().getTime() + this.opts.ttlMs);
      await this.leases.updateOne({ _id: `${this.opts.node}#${this.epochHeld}` }, { $set: { expiresAt } });
      if (this.lost) return;
      // Completed after the lease had already run out here: a starter may have taken the city
      // meanwhile (this write may even have landed after its insert), so this process stops.
      if (performance.now() >= this.validUntil) {
        return this.lose(`heartbeat completed ${Math.round(performance.now() - t0)} ms after it started, after the lease had expired`);
      }
      this.validUntil = t0 + this.opts.ttlMs;
    } catch (err) {
      this.opts.onRenewFailed?.(err);
    }
  }

  private lose(reason: string): void {
    if (this.lost) return;
    this.lost = true;
    this.validUntil = 0;
    this.stopTimer();
    this.opts.onLost(reason);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Stops renewing without releasing: what a holder that died (or paused) looks like to the next
   * starter. Resolves once a heartbeat already in flight has landed, so none lands after.
   */
  async abandon(): Promise<void> {
    this.stopTimer();
    await this.renewing;
  }

  /** Stops renewing and marks the epoch released so the next starter need not wait for expiry. */
  async release(): Promise<void> {
    this.stopTimer();
    this.validUntil = 0;
    if (this.lost || this.epochHeld === 0) return;
    const now = this.now();
    await this.leases.updateOne({ _id: `${this.opts.node}#${this.epochHeld}` }, { $set: { expiresAt: now, releasedAt: now } });
  }
}
