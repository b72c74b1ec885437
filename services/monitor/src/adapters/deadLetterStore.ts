import type { Collection, Db } from "mongodb";
import { type StoreFeatures, expireByTtl, isDuplicateKey } from "@tongban/store";
import type { DeadLetter, Replay, ReplayOutcome } from "../domain/deadLetter";

export const DEAD_LETTERS = "deadLetters";
export const REPLAYS = "replays";
export const REPLAY_OUTCOMES = "replayOutcomes";

const insertOnce = async <T extends { _id: string }>(c: Collection<T>, doc: T): Promise<boolean> => {
  try {
    await c.insertOne(doc as never);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
};

/**
 * Dead letters, replays and replay outcomes, each insert-only with a unique _id (dead letter:
 * its topic position; outcome: its replay's id, so the first outcome wins).
 */
export class DeadLetterStore {
  private constructor(
    private readonly letters: Collection<DeadLetter>,
    private readonly replays: Collection<Replay>,
    private readonly outcomes: Collection<ReplayOutcome>,
  ) {}

  static async open(db: Db): Promise<DeadLetterStore> {
    const letters = db.collection<DeadLetter>(DEAD_LETTERS);
    const replays = db.collection<Replay>(REPLAYS);
    const outcomes = db.collection<ReplayOutcome>(REPLAY_OUTCOMES);
    await letters.createIndex({ node: 1 }, { name: "by_node" });
    await replays.createIndex({ deadLetterId: 1 }, { name: "by_dead_letter" });
    await outcomes.createIndex({ deadLetterId: 1 }, { name: "by_dead_letter" });
    return new DeadLetterStore(letters, replays, outcomes);
  }

  insertDeadLetter(d: DeadLetter): Promise<boolean> {
    return insertOnce(this.letters, d);
  }

  insertReplay(r: Replay): Promise<boolean> {
    return insertOnce(this.replays, r);
  }

  insertOutcome(o: ReplayOutcome): Promise<boolean> {
    return insertOnce(this.outcomes, o);
  }

  /** On a store with TTL indexes, the server deletes what deleteBefore would; true when it does. */
  async expireByTtl(db: Db, features: StoreFeatures, days: number): Promise<boolean> {
    const done = await Promise.all([
      expireByTtl(db, features, DEAD_LETTERS, "receivedAt", days),
      expireByTtl(db, features, REPLAYS, "replayedAt", days),
      expireByTtl(db, features, REPLAY_OUTCOMES, "at", days),
    ]);
    return done.every(Boolean);
  }

  /** Deletes dead letters received, replays made and outcomes recorded before `before`; the numbers deleted. */
  async deleteBefore(before: Date): Promise<{ deadLetters: number; replays: number; outcomes: number }> {
    const [deadLetters, replays, outcomes] = await Promise.all([
      this.letters.deleteMany({ receivedAt: { $lt: before } }),
      this.replays.deleteMany({ replayedAt: { $lt: before } }),
      this.outcomes.deleteMany({ at: { $lt: before } }),
    ]);
    return { deadLetters: deadLetters.deletedCount, replays: replays.deletedCount, outcomes: outcomes.deletedCount };
  }

  get(id: string): Promise<DeadLetter | null> {
    return this.letters.findOne({ _id: id });
  }

  /** The newest dead letters, of one node or of all. */
  list(node: string | undefined, limit = 500): Promise<DeadLetter[]> {
    return this.letters
      .find(node ? { node } : {})
      .sort({ receivedAt: -1 })
      .limit(limit)
      .toArray();
  }

  replaysOf(deadLetterIds: readonly string[]): Promise<Replay[]> {
    return this.replays.find({ deadLetterId: { $in: [...deadLetterIds] } }).toArray();
  }

  outcomesOf(deadLetterIds: readonly string[]): Promise<ReplayOutcome[]> {
    return this.outcomes.find({ deadLetterId: { $in: [...deadLetterIds] } }).toArray();
  }

  replay(id: string): Promise<Replay | null> {
    return this.replays.findOne({ _id: id });
  }

  /** Replays that have no outcome yet. */
  async pendingReplays(): Promise<Replay[]> {
    const [all, done] = await Promise.all([this.replays.find({}).toArray(), this.outcomes.find({}, { projection: { _id: 1 } }).toArray()]);
    const finished = new Set(done.map((o) => o._id));
    return all.filter((r) => !finished.has(r._id));
  }
}
