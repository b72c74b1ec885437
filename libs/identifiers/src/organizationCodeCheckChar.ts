const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/**
 * Check character of a 9-character organization code (组织机构代码, GB 11714-1997) for its
 * first 8 characters: digits count as their value, letters A–Z as 10–35;
 * `11 − (Σ(value × weight) mod 11)`, where 10 becomes `X` and 11 becomes `0`.
 *
 * @throws RangeError when `body8` is not 8 digits or upper-case letters.
 */
export function organizationCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) {
    throw new RangeError("组织机构代码本体应为 8 位数字或大写字母 / organization code body must be 8 digits or upper-case letters");
  }
  let sum = 0;
  WEIGHTS.forEach((weight, i) => {
    sum += Number.parseInt(body8.charAt(i), 36) * weight;
  });
  const check = 11 - (sum % 11);
  if (check === 10) return "X";
  if (check === 11) return "0";
  return String(check);
}
