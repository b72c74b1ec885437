/**
 * Serialises async work per key within one process.
 *
 * FerretDB v1 implements updates as read, modify, then write-by-_id, without re-checking the
 * filter at write time, so two concurrent conditional updates of one document can both "match"
 * and the second silently undoes the first. Every writer of a document therefore goes through
 * this lock, and each document has writers in one process only (see services/node).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
