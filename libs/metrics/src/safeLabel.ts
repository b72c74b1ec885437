/**
 * Keeps label values to identifiers (event types, codes, topics, methods), so a label can never
 * carry personal data from a hostile or malformed header, and an unbounded set of distinct values
 * cannot grow the series without limit.
 */
export class LabelGuard {
  private readonly seen = new Set<string>();

  constructor(
    private readonly pattern: RegExp,
    private readonly fallback: string,
    private readonly known?: ReadonlySet<string>,
    private readonly maxDistinct = 100,
  ) {}

  /** The value itself when it is an allowed identifier, else the fallback. */
  of(value: string | undefined): string {
    if (value === undefined || value.length === 0 || value.length > 120) return this.fallback;
    if (this.known) return this.known.has(value) ? value : this.fallback;
    if (!this.pattern.test(value)) return this.fallback;
    if (!this.seen.has(value)) {
      if (this.seen.size >= this.maxDistinct) return this.fallback;
      this.seen.add(value);
    }
    return value;
  }
}

/** Event types look like `case.accepted` or `tracking`: lower-case words and dots, no digits. */
export const eventTypePattern = /^[a-z][a-z_]*(\.[a-z_]+)*$/;

/** Codes look like `UNKNOWN_TYPE` or `INVALID_ARGUMENT`. */
export const codePattern = /^[A-Z][A-Z_]*$/;

/** Topics, consumer groups and gRPC methods: the characters Kafka and gRPC names use. */
export const namePattern = /^[A-Za-z0-9._\-/]+$/;
