import type { CaseDoc } from "./caseDoc";

/**
 * The node's recently written case documents. The node process is the only writer of its case
 * documents (see KeyedMutex), so what it last wrote is what the store holds: reads before a write
 * come from here instead of a store round trip. Bounded; least recently used entries go first.
 */
export class CaseCache {
  private readonly docs = new Map<string, CaseDoc>();

  constructor(private readonly capacity = 5_000) {}

  get(id: string): CaseDoc | undefined {
    const doc = this.docs.get(id);
    if (doc) {
      this.docs.delete(id);
      this.docs.set(id, doc);
    }
    return doc;
  }

  set(doc: CaseDoc): void {
    this.docs.delete(doc._id);
    this.docs.set(doc._id, doc);
    if (this.docs.size > this.capacity) this.docs.delete(this.docs.keys().next().value!);
  }

  delete(id: string): void {
    this.docs.delete(id);
  }
}
