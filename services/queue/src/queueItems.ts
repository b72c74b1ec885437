import type { Collection, Db } from "mongodb";
import type { CaseSubmitted } from "@tongban/contracts";
import { isDuplicateKey } from "@tongban/store";

/** A case in the home authorities' queue (业务属地办件队列). Holds personal data: home node only. */
export interface QueueItem {
  _id: string;
  receiptNo: string;
  itemCode: string;
  receivingNode: string;
  homeDepartment: string;
  state: string;
  /** Last case event seq applied; events are applied strictly in order, once. */
  seq: number;
  submitted: CaseSubmitted;
  receivedAt: Date;
  queuedAt: Date;
  updatedAt: Date;
  rev: number;
}

/** Event ids already applied (收件箱): the unique _id makes replays no-ops. */
export interface InboxEntry {
  _id: string;
  caseId: string;
  type: string;
  sourceNode: string;
  appliedAt: Date;
}

export const QUEUE = "queue";
export const INBOX = "inbox";

export async function ensureQueueIndexes(db: Db): Promise<void> {
  const q = db.collection(QUEUE);
  await q.createIndex({ homeDepartment: 1, state: 1 }, { name: "dept_state" });
  await q.createIndex({ itemCode: 1 }, { name: "item" });
}

/** Inserts the queue item for a newly received case; false if it was already there. */
export async function insertQueueItem(queue: Collection<QueueItem>, item: QueueItem): Promise<boolean> {
  try {
    await queue.insertOne(item);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

export async function recordApplied(inbox: Collection<InboxEntry>, entry: InboxEntry): Promise<void> {
  try {
    await inbox.insertOne(entry);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}
