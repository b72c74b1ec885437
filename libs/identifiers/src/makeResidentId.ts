import { isProvinceCode } from "./isProvinceCode";
import { residentIdCheckChar } from "./residentIdCheckChar";
import { shanghaiCalendarDate } from "./shanghaiCalendarDate";

/**
 * Builds a valid citizen identity number, for demo data and tests.
 *
 * @param addressCode 6-digit administrative division code with a known province prefix.
 * @param birthDate the birth date; its calendar date in Asia/Shanghai is used.
 * @param seq3 sequence number 0–999 (characters 15–17). Its last digit is forced to the parity
 *   required by `male` (odd for male, even for female), so it may change by one.
 * @param male sex encoded in the 17th digit.
 * @throws RangeError on an invalid address code, sequence number or a birth year outside 1900–9999.
 */
export function makeResidentId(addressCode: string, birthDate: Date, seq3: number, male: boolean): string {
  if (!/^\d{6}$/.test(addressCode) || !isProvinceCode(addressCode)) {
    throw new RangeError(`地址码无效：${addressCode} / invalid address code: ${addressCode}`);
  }
  if (!Number.isInteger(seq3) || seq3 < 0 || seq3 > 999) {
    throw new RangeError(`顺序码必须是 0–999 的整数：${seq3} / sequence number must be an integer 0–999: ${seq3}`);
  }
  if (Number.isNaN(birthDate.getTime())) {
    throw new RangeError("出生日期无效 / invalid birth date");
  }
  const { year, month, day } = shanghaiCalendarDate(birthDate);
  if (year < 1900 || year > 9999) {
    throw new RangeError(`出生年份超出范围：${year} / birth year out of range: ${year}`);
  }
  const seq = seq3 - (seq3 % 2) + (male ? 1 : 0);
  const first17 =
    addressCode +
    String(year).padStart(4, "0") +
    String(month).padStart(2, "0") +
    String(day).padStart(2, "0") +
    String(seq).padStart(3, "0");
  return first17 + residentIdCheckChar(first17);
}
