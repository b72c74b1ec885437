import { s10CheckDigit } from "./s10CheckDigit";
import type { Finding, ValidationResult } from "./validationResult";

export type EmsTrackingNoErrorCode = "LENGTH" | "FORMAT" | "CHECK_DIGIT";

/** Parsed EMS tracking number. */
export type EmsTrackingNoInfo =
  | {
      /** UPU S10 13-character identifier, e.g. `EA123456785CN`. */
      format: "S10";
      /** Upper-cased, whitespace removed. */
      normalized: string;
      /** Two-letter service indicator; EMS items use `E` as first letter. */
      serviceIndicator: string;
      /** 8-digit serial number. */
      serial: string;
      /** Check digit over the serial number. */
      checkDigit: number;
      /** ISO 3166-1 alpha-2 code of the issuing postal operator's country, e.g. `CN`. */
      countryCode: string;
    }
  | {
      /** Domestic 13-digit waybill number starting with 1, e.g. `1012345678901`. */
      format: "DOMESTIC_13";
      /** Whitespace removed. */
      normalized: string;
    };

/**
 * Validates an EMS tracking number.
 *
 * Two formats are accepted:
 * - UPU S10 (13 characters: 2 letters service indicator, 8 digits serial, 1 check digit,
 *   2 letters country code), as defined by UPU standard S10; the check digit is verified
 *   (see `s10CheckDigit`).
 * - The 13-digit numeric waybill number starting with `1` used by China Post EMS for domestic
 *   express mail. No check digit algorithm for it is publicly specified, so only the
 *   format is checked.
 *
 * Whitespace inside the number (as printed on labels, e.g. `EA 123 456 785 CN`) is ignored.
 */
export function validateEmsTrackingNo(input: string): ValidationResult<EmsTrackingNoInfo, EmsTrackingNoErrorCode, never> {
  if (typeof input !== "string") {
    return fail("FORMAT", "邮件号必须是字符串 / the tracking number must be a string");
  }
  const trackingNo = input.replace(/\s+/g, "").toUpperCase();
  if (trackingNo.length !== 13) {
    return fail("LENGTH", `邮件号应为 13 位，实际为 ${trackingNo.length} 位 / must be 13 characters long, got ${trackingNo.length}`);
  }

  if (/^1\d{12}$/.test(trackingNo)) {
    return { ok: true, value: { format: "DOMESTIC_13", normalized: trackingNo }, warnings: [] };
  }

  const s10 = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/.exec(trackingNo);
  if (s10 === null) {
    return fail(
      "FORMAT",
      "邮件号格式错误，应为 2 位字母 + 9 位数字 + 2 位字母，或以 1 开头的 13 位数字 / must be 2 letters + 9 digits + 2 letters, or 13 digits starting with 1",
    );
  }
  const [, serviceIndicator = "", serial = "", check = "", countryCode = ""] = s10;
  const expected = s10CheckDigit(serial);
  if (Number(check) !== expected) {
    return fail("CHECK_DIGIT", `校验位错误，应为 ${expected} / check digit mismatch, expected ${expected}`);
  }
  return {
    ok: true,
    value: { format: "S10", normalized: trackingNo, serviceIndicator, serial, checkDigit: expected, countryCode },
    warnings: [],
  };
}

function fail(code: EmsTrackingNoErrorCode, message: string): { ok: false; errors: Finding<EmsTrackingNoErrorCode>[] } {
  return { ok: false, errors: [{ code, message }] };
}
