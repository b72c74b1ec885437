/**
 * A single problem (error or warning) found while validating an identifier.
 * `code` is a stable machine-readable key; `message` is bilingual, Chinese first.
 */
export interface Finding<C extends string = string> {
  code: C;
  message: string;
}

/**
 * Outcome of every validator in this package: either the normalized, parsed value
 * (possibly with warnings) or the list of errors.
 */
export type ValidationResult<T, E extends string = string, W extends string = string> =
  { ok: true; value: T; warnings: Finding<W>[] } | { ok: false; errors: Finding<E>[] };
