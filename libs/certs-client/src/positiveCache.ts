/**
 * A short-lived cache of positive answers (VALID), bounded in size. Negative answers are never
 * cached: a certificate that becomes valid again, or a typo corrected, must be asked afresh.
 */
export class PositiveCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    // Maps iterate in insertion order: the first key is the oldest.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets a certificate's answers (e.g. on its revocation). */
  forget(predicate: (key: string) => boolean): void {
    for (const k of this.entries.keys()) if (predicate(k)) this.entries.delete(k);
  }
}
