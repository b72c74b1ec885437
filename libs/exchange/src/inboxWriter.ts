import type { Collection, Db } from "mongodb";
import { duplicateKeyErrorsOf } from "@tongban/store";
import { INBOX, type InboxEntry } from "./caseDoc";
import type { InboxStore } from "./exchangeContext";

/**
 * Buffers inbox records and writes them in one insert per consumed batch, before its offset is
 * committed. Flushes are chained, so a flush resolves only after every earlier one (which may
 * have taken this batch's records) has been written.
 */
export class InboxWriter implements InboxStore {
  private pending: InboxEntry[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly inbox: Collection<InboxEntry>,
    /** Throws when this process may no longer write the node's documents. */
    private readonly assertWriter: () => void = () => undefined,
  ) {}

  async seen(eventId: string): Promise<boolean> {
    return (await this.inbox.findOne({ _id: eventId }, { projection: { _id: 1 } })) !== null;
  }

  add(entry: InboxEntry): void {
    this.pending.push(entry);
  }

  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const write = async () => {
      if (batch.length === 0) return;
      try {
        this.assertWriter();
        await this.inbox.insertMany(batch, { ordered: false });
      } catch (err) {
        // Entries already there (a replayed batch) are fine; anything else (a network error too) is not.
        if (!duplicateKeyErrorsOf(err)) {
          // Back into the buffer: a later flush (perhaps another partition's, whose commit would
          // otherwise pass over these records' entries) writes them again.
          this.pending.unshift(...batch);
          throw err;
        }
      }
    };
    this.tail = this.tail.then(write, write);
    return this.tail;
  }
}

/**
 * Forgets inbox entries applied before `before` (数据保留): their messages are past the topics'
 * retention, so no replay can bring them again. Only the city's writer prunes. The number removed.
 */
export async function pruneInbox(db: Db, before: Date, assertWriter?: () => void): Promise<number> {
  assertWriter?.();
  return (await db.collection<InboxEntry>(INBOX).deleteMany({ appliedAt: { $lt: before } })).deletedCount;
}
