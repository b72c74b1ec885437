import { creditCodeCheckChar } from "./creditCodeCheckChar";
import { creditCodeStructure } from "./creditCodeStructure";

/**
 * Appends the check character to the first 17 characters of a unified social credit code,
 * for demo data and tests. Input is upper-cased. The embedded organization code is taken as
 * given; use `organizationCodeCheckChar` to make it consistent as well.
 *
 * @throws RangeError when `first17` is not 17 characters of the credit code alphabet with a
 *   6-digit division code.
 */
export function makeCreditCode(first17: string): string {
  const upper = first17.toUpperCase();
  if (upper.length !== 17) {
    throw new RangeError(`应提供前 17 位，实际为 ${upper.length} 位 / expected the first 17 characters, got ${upper.length}`);
  }
  const problems = creditCodeStructure(`${upper}0`);
  const problem = problems[0];
  if (problem !== undefined) {
    throw new RangeError(problem.message);
  }
  return upper + creditCodeCheckChar(upper);
}
