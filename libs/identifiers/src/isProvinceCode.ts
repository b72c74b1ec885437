/**
 * Two-digit province-level prefixes of the GB/T 2260 administrative division codes,
 * plus 81/82/83 used by residence permits for residents of Hong Kong, Macao and Taiwan.
 */
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82",
  "83",
]);

/**
 * Whether the first two characters of `code` form a known province-level prefix.
 * Only the prefix is checked: county codes change over time and historic codes stay valid.
 */
export function isProvinceCode(code: string): boolean {
  return PROVINCE_CODES.has(code.slice(0, 2));
}
