import { CREDIT_CODE_ALPHABET } from "./creditCodeAlphabet";

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/**
 * Check character of a unified social credit code (GB 32100-2015) for its first 17
 * characters: `31 − (Σ(value × weight) mod 31)`, where 31 becomes 0, mapped back to the alphabet.
 *
 * @throws RangeError when `first17` is not 17 characters of the credit code alphabet.
 */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) {
    throw new RangeError("前 17 位长度错误 / the first part must be exactly 17 characters");
  }
  let sum = 0;
  WEIGHTS.forEach((weight, i) => {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) {
      throw new RangeError(`非法字符：${first17.charAt(i)} / character not allowed: ${first17.charAt(i)}`);
    }
    sum += value * weight;
  });
  return CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
}
