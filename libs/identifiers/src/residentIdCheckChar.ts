const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";

/**
 * Check character of a citizen identity number (GB 11643-1999, ISO 7064 MOD 11-2)
 * for its first 17 digits: `"10X98765432"[Σ(digit × weight) mod 11]`.
 *
 * @throws RangeError when `first17` is not exactly 17 digits.
 */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError("前 17 位必须是数字 / the first 17 characters must be digits");
  }
  let sum = 0;
  WEIGHTS.forEach((weight, i) => {
    sum += Number(first17.charAt(i)) * weight;
  });
  return CHECK_CHARS.charAt(sum % 11);
}
