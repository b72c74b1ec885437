/**
 * Statutory time limits of an item, in working days (法定节假日 excluded; the calendar that
 * decides which days count lives elsewhere).
 */
export interface TimeLimits {
  /** From receipt of the application to the one-time request for corrections (补正). */
  readonly correctionDays: number;
  /** From acceptance (受理) to the decision (决定). */
  readonly decisionDays: number;
  /** Extension of the decision period allowed with the head of the authority's approval. */
  readonly extensionDays: number;
  /** From the decision to issuing and delivering (颁发、送达) the result. */
  readonly deliveryDays: number;
  /** Legal basis of the values, item-specific basis first, then the general default. */
  readonly basis: readonly string[];
}

/**
 * Per-item deviation from {@link STATUTORY_TIME_LIMITS}, as stored in `items.json` under
 * `timeLimits`. Every override must cite its legal basis.
 */
export interface TimeLimitsOverride {
  readonly correctionDays?: number;
  readonly decisionDays?: number;
  readonly extensionDays?: number;
  readonly deliveryDays?: number;
  readonly basis: string;
}

/** Defaults under 《中华人民共和国行政许可法》, applied where an item has no override. */
export const STATUTORY_TIME_LIMITS: TimeLimits = Object.freeze({
  correctionDays: 5,
  decisionDays: 20,
  extensionDays: 10,
  deliveryDays: 10,
  basis: Object.freeze([
    "《中华人民共和国行政许可法》第三十二条（5日内一次告知补正）、第四十二条（20日内决定，可延长10日）、第四十四条（10日内颁发、送达）、第八十二条（以工作日计算）",
  ]),
});

/** Returns the statutory defaults with the fields of `override` laid over them. */
export function mergeTimeLimits(override?: TimeLimitsOverride): TimeLimits {
  if (override === undefined) return STATUTORY_TIME_LIMITS;
  const d = STATUTORY_TIME_LIMITS;
  return Object.freeze({
    correctionDays: override.correctionDays ?? d.correctionDays,
    decisionDays: override.decisionDays ?? d.decisionDays,
    extensionDays: override.extensionDays ?? d.extensionDays,
    deliveryDays: override.deliveryDays ?? d.deliveryDays,
    basis: Object.freeze([override.basis, ...d.basis]),
  });
}
