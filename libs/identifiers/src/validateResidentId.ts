import { isProvinceCode } from "./isProvinceCode";
import { residentIdCheckChar } from "./residentIdCheckChar";
import { shanghaiCalendarDate } from "./shanghaiCalendarDate";
import type { Finding, ValidationResult } from "./validationResult";

export type ResidentIdErrorCode = "LENGTH" | "FORMAT" | "CHECK_DIGIT" | "BIRTH_DATE" | "ADDRESS_CODE";

/** Parsed citizen identity number. */
export interface ResidentIdInfo {
  /** The 18-character number, trimmed, with a lowercase `x` turned into `X`. */
  normalized: string;
  /** First 6 digits: administrative division code where the number was first issued. */
  addressCode: string;
  /** Birth date as an ISO calendar date `YYYY-MM-DD` (no time zone attached). */
  birthDate: string;
  /** Derived from the parity of the 17th digit: odd is male. */
  sex: "male" | "female";
}

export interface ValidateResidentIdOptions {
  /** Reference instant for the "birth date not in the future" rule; defaults to the current time. */
  now?: Date;
}

const MIN_BIRTH_YEAR = 1900;

/**
 * Validates an 18-character citizen identity number (居民身份证号码, GB 11643-1999).
 *
 * Rules: 17 digits followed by a check character (digit or `X`, lowercase accepted);
 * MOD 11-2 check character; birth date (characters 7–14) is a real calendar date,
 * not before 1900 and not after today in Asia/Shanghai; the address code starts with a
 * known province prefix (historic county codes are accepted).
 */
export function validateResidentId(
  input: string,
  opts: ValidateResidentIdOptions = {},
): ValidationResult<ResidentIdInfo, ResidentIdErrorCode, never> {
  if (typeof input !== "string") {
    return fail("FORMAT", "身份证号码必须是字符串 / the identity number must be a string");
  }
  const id = input.trim().toUpperCase();
  if (id.length !== 18) {
    return fail("LENGTH", `身份证号码应为 18 位，实际为 ${id.length} 位 / must be 18 characters long, got ${id.length}`);
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return fail("FORMAT", "身份证号码应为 17 位数字加 1 位校验码（数字或 X） / must be 17 digits followed by a digit or X");
  }

  const errors: Finding<ResidentIdErrorCode>[] = [];

  const expected = residentIdCheckChar(id.slice(0, 17));
  if (id.charAt(17) !== expected) {
    errors.push({
      code: "CHECK_DIGIT",
      message: `校验码错误，应为 ${expected} / check character mismatch, expected ${expected}`,
    });
  }

  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birthDateError = checkBirthDate(year, month, day, opts.now ?? new Date());
  if (birthDateError !== undefined) {
    errors.push({ code: "BIRTH_DATE", message: birthDateError });
  }

  const addressCode = id.slice(0, 6);
  if (!isProvinceCode(addressCode)) {
    errors.push({
      code: "ADDRESS_CODE",
      message: `地址码 ${addressCode} 的省级代码无效 / address code ${addressCode} has no valid province prefix`,
    });
  }

  if (errors.length > 0) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      normalized: id,
      addressCode,
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: Number(id.charAt(16)) % 2 === 1 ? "male" : "female",
    },
    warnings: [],
  };
}

function checkBirthDate(year: number, month: number, day: number, now: Date): string | undefined {
  const probe = new Date(Date.UTC(year, month - 1, day));
  probe.setUTCFullYear(year);
  if (month < 1 || month > 12 || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return "出生日期不是有效日期 / birth date is not a valid calendar date";
  }
  if (year < MIN_BIRTH_YEAR) {
    return `出生日期早于 ${MIN_BIRTH_YEAR} 年 / birth date is before ${MIN_BIRTH_YEAR}`;
  }
  const today = shanghaiCalendarDate(now);
  const birthKey = year * 10000 + month * 100 + day;
  const todayKey = today.year * 10000 + today.month * 100 + today.day;
  if (birthKey > todayKey) {
    return "出生日期晚于当前日期 / birth date is in the future";
  }
  return undefined;
}

function fail(code: ResidentIdErrorCode, message: string): { ok: false; errors: Finding<ResidentIdErrorCode>[] } {
  return { ok: false, errors: [{ code, message }] };
}
