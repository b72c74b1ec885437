const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

/**
 * Check digit of the 8-digit serial number of a UPU S10 item identifier
 * (UPU standard S10, "Identification of postal items – 13-character identifier"):
 * weights 8,6,4,2,3,5,9,7; `11 − (Σ mod 11)`, where 10 becomes 0 and 11 becomes 5.
 *
 * @throws RangeError when `serial8` is not exactly 8 digits.
 */
export function s10CheckDigit(serial8: string): number {
  if (!/^\d{8}$/.test(serial8)) {
    throw new RangeError("序列号应为 8 位数字 / serial number must be 8 digits");
  }
  let sum = 0;
  WEIGHTS.forEach((weight, i) => {
    sum += Number(serial8.charAt(i)) * weight;
  });
  const check = 11 - (sum % 11);
  if (check === 10) return 0;
  if (check === 11) return 5;
  return check;
}
