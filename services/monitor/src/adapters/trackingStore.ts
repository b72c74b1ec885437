import type { Collection, Db } from "mongodb";
import { isDuplicateKey } from "@tongban/store";
import type { TrackingRecord } from "../domain/trackingRecord";

export const TRACKING = "tracking";

/**
 * The monitor's tracking records: insert-only, one document per tracking id (the unique _id
 * dedupes redelivered events), so no document ever has two writers.
 */
export class TrackingStore {
  private constructor(private readonly records: Collection<TrackingRecord>) {}

  static async open(db: Db): Promise<TrackingStore> {
    const records = db.collection<TrackingRecord>(TRACKING);
    await records.createIndex({ caseId: 1 }, { name: "by_case" });
    await records.createIndex({ jointId: 1 }, { name: "by_joint" });
    return new TrackingStore(records);
  }

  /** Stores a record; false when it was stored before. */
  async insert(r: TrackingRecord): Promise<boolean> {
    try {
      await this.records.insertOne(r);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  all(): AsyncIterable<TrackingRecord> {
    return this.records.find({});
  }

  /** Deletes every record (before a rebuild from the tracking topic). */
  async clear(): Promise<number> {
    return (await this.records.deleteMany({})).deletedCount;
  }

  /** Deletes every record of the given cases; the number deleted. */
  async deleteCases(caseIds: readonly string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < caseIds.length; i += 100) {
      n += (await this.records.deleteMany({ caseId: { $in: caseIds.slice(i, i + 100) } })).deletedCount;
    }
    return n;
  }

  byCase(caseId: string): Promise<TrackingRecord[]> {
    return this.records.find({ caseId }).toArray();
  }

  /** Every record of every leg of a joint application (多地联办). */
  byJoint(jointId: string): Promise<TrackingRecord[]> {
    return this.records.find({ jointId }).toArray();
  }
}
