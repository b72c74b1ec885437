import { type InRecord, type OutRecord, replayHeaders } from "@tongban/bus";
import type { Logger } from "@tongban/log";
import { OUTBOX_QUARANTINED } from "@tongban/store";
import type { DeadLetterStore } from "./adapters/deadLetterStore";
import { type DeadLetter, type Replay, type ReplayOutcome } from "./domain/deadLetter";
import type { TrackingRecord } from "./domain/trackingRecord";

export interface ReplayerDeps {
  store: DeadLetterStore;
  publish: (records: OutRecord[]) => Promise<void>;
  /** Reads dead-lettered records back from their topic (the monitor never stores their values). */
  read: (topic: string, partition: number, offsets: readonly string[]) => Promise<Map<string, InRecord>>;
  /** Records of `topic` not yet committed by `group`. */
  lag: (group: string, topic: string) => Promise<number>;
  /**
   * A node's inbound topic and consumer group: the only place a dead letter from that node's
   * dead-letter topic is replayed to, whatever the record's headers name.
   */
  inbound: (node: string) => { topic: string; group: string };
  /** The monitor's own consumer group and dead-letter topic of a node, to know it has seen every re-dead-letter. */
  monitorDlq: (node: string) => { group: string; topic: string };
  ids: () => string;
  now: () => Date;
  log: Logger;
  onChange: () => void;
  /** How long after a replay the consumer's lag may settle it as delivered. */
  graceMs?: number;
  pollMs?: number;
}

/** Thrown for a replay that cannot be done (unknown dead letter, value gone from the topic). */
export class ReplayError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 410,
  ) {
    super(message);
    this.name = "ReplayError";
  }
}

/**
 * Replays dead letters to their node's inbound topic and settles each replay: failed when the node
 * dead-letters it again (the replay id travels in a header the bus copies to the dead letter),
 * delivered when the node reports the case's step, or when its consumer has committed past the
 * replay without dead-lettering it.
 */
export class Replayer {
  private readonly pending = new Map<string, Replay>();
  /** When this process first saw each pending replay (its own clock: replayedAt may come from an injected one). */
  private readonly seenAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly d: ReplayerDeps) {}

  async start(): Promise<void> {
    for (const r of await this.d.store.pendingReplays()) this.pending.set(r._id, r);
    const tick = () => {
      void this.settleByLag().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.d.pollMs ?? 1_000);
      });
    };
    this.timer = setTimeout(tick, this.d.pollMs ?? 1_000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Replays one dead letter. */
  async replay(id: string): Promise<Replay> {
    const dl = await this.d.store.get(id);
    if (!dl) throw new ReplayError(`没有该死信 / no dead letter ${id}`, 404);
    if (dl.code === OUTBOX_QUARANTINED) {
      // A notice carries no payload: the entry itself waits in the node's quarantine.
      const eventId = dl.event?.eventId ?? "<eventId>";
      throw new ReplayError(
        `外发隔离通知没有可重放的内容；修复原因后请求重发：npm run tongban -- quarantine resend ${dl.node} ${eventId} / ` +
          `an outbox quarantine notice has no payload to replay; after fixing its cause, request a resend: npm run tongban -- quarantine resend ${dl.node} ${eventId}`,
        409,
      );
    }
    const [replay] = await this.replayMany([dl]);
    if (!replay) throw new ReplayError(`死信已不在主题上 / dead letter ${id} is no longer on ${dl.topic}`, 410);
    return replay;
  }

  /** Replays every dead letter of `node` that has not been replayed yet, in topic order. */
  async replayAll(node: string): Promise<Replay[]> {
    const letters = await this.d.store.list(node, 10_000);
    const replayed = new Set((await this.d.store.replaysOf(letters.map((l) => l._id))).map((r) => r.deadLetterId));
    const todo = letters
      .filter((l) => !replayed.has(l._id) && l.sourceTopic === this.d.inbound(l.node).topic && l.code !== OUTBOX_QUARANTINED)
      .sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    return this.replayMany(todo);
  }

  private async replayMany(letters: DeadLetter[]): Promise<Replay[]> {
    const out: Replay[] = [];
    const byPartition = new Map<string, DeadLetter[]>();
    for (const l of letters) {
      if (!l.sourceTopic) throw new ReplayError(`死信没有来源主题 / dead letter ${l._id} has no source topic`, 409);
      const inbound = this.d.inbound(l.node).topic;
      // The source topic is a header the record carried: a replay never goes anywhere but the node's own inbound topic.
      if (l.sourceTopic !== inbound) {
        throw new ReplayError(
          `死信来源主题 ${l.sourceTopic} 不是节点 ${l.node} 的入站主题 ${inbound}，不予重放 / ` +
            `dead letter ${l._id} came from ${l.sourceTopic}, not node ${l.node}'s inbound topic ${inbound}: it is not replayed`,
          409,
        );
      }
      const k = `${l.topic}\u0000${l.partition}`;
      byPartition.set(k, [...(byPartition.get(k) ?? []), l]);
    }
    for (const group of byPartition.values()) {
      const first = group[0]!;
      const values = await this.d.read(
        first.topic,
        first.partition,
        group.map((l) => l.offset),
      );
      for (const l of group) {
        const rec = values.get(l.offset);
        if (!rec) continue;
        const target = this.d.inbound(l.node);
        const replay: Replay = {
          _id: this.d.ids(),
          deadLetterId: l._id,
          node: l.node,
          sourceTopic: target.topic,
          group: target.group,
          caseId: l.event?.caseId,
          caseSeq: l.event?.caseSeq,
          replayedAt: this.d.now(),
        };
        // Recorded before publishing, so an outcome can never arrive for an unknown replay.
        await this.d.store.insertReplay(replay);
        this.pending.set(replay._id, replay);
        await this.d.publish([
          {
            topic: target.topic,
            key: rec.key ?? l.key,
            value: rec.value ?? Buffer.alloc(0),
            headers: replayHeaders(rec.headers, replay._id, l._id),
          },
        ]);
        this.d.log.info({ deadLetter: l._id, replay: replay._id, topic: target.topic }, "dead letter replayed");
        out.push(replay);
      }
    }
    if (out.length > 0) this.d.onChange();
    return out;
  }

  /** A dead letter arrived: if it is a replay failing again, that replay failed. */
  async onDeadLetter(dl: DeadLetter): Promise<void> {
    if (!dl.replayId) return;
    const replay = this.pending.get(dl.replayId) ?? (await this.d.store.replay(dl.replayId));
    if (!replay) return;
    await this.settle(replay, "failed", `${dl.code}: ${dl.reason}`);
  }

  /** A tracking record arrived: the node recording the replayed step settles the replay as delivered. */
  async onTracking(r: TrackingRecord): Promise<void> {
    for (const replay of this.pending.values()) {
      if (replay.caseId === r.caseId && replay.node === r.reportedBy && r.seq >= (replay.caseSeq ?? 0)) {
        await this.settle(replay, "delivered", `${r.reportedBy}: ${r.step} → ${r.state}`);
      }
    }
  }

  private async settle(replay: Replay, outcome: ReplayOutcome["outcome"], detail: string): Promise<void> {
    this.pending.delete(replay._id);
    await this.d.store.insertOutcome({ _id: replay._id, deadLetterId: replay.deadLetterId, outcome, detail, at: this.d.now() });
    this.d.onChange();
  }

  private async settleByLag(): Promise<void> {
    if (this.checking || this.pending.size === 0) return;
    this.checking = true;
    try {
      const settleAfter = Date.now() - (this.d.graceMs ?? 3_000);
      for (const replay of [...this.pending.values()]) {
        if (!this.pending.has(replay._id)) continue;
        const seenAt = this.seenAt.get(replay._id) ?? Date.now();
        this.seenAt.set(replay._id, seenAt);
        if (seenAt > settleAfter) continue;
        // The node publishes a dead letter before committing, so once its group has no lag and the
        // monitor has read its whole dead-letter topic, a replay not failed by now was consumed.
        const dlq = this.d.monitorDlq(replay.node);
        if ((await this.d.lag(replay.group, replay.sourceTopic)) !== 0) continue;
        if ((await this.d.lag(dlq.group, dlq.topic)) !== 0) continue;
        if (!this.pending.has(replay._id)) continue;
        this.seenAt.delete(replay._id);
        await this.settle(replay, "delivered", `${replay.group}: consumed without error`);
      }
    } catch (err) {
      this.d.log.warn({ err }, "replay settlement check failed; will retry");
    } finally {
      this.checking = false;
    }
  }
}
