import { CREDIT_CODE_ALPHABET } from "./creditCodeAlphabet";
import type { Finding } from "./validationResult";

export type CreditCodeStructureErrorCode = "LENGTH" | "FORMAT" | "DIVISION_CODE";

const ALPHABET_PATTERN = new RegExp(`^[${CREDIT_CODE_ALPHABET}]*$`);

/**
 * Structural errors of an (already upper-cased) unified social credit code, ignoring its
 * check character: length 18, alphabet, 6-digit administrative division code (characters 3–8).
 * Returns an empty list when the structure is fine.
 */
export function creditCodeStructure(code: string): Finding<CreditCodeStructureErrorCode>[] {
  if (code.length !== 18) {
    return [
      {
        code: "LENGTH",
        message: `统一社会信用代码应为 18 位，实际为 ${code.length} 位 / must be 18 characters long, got ${code.length}`,
      },
    ];
  }
  if (!ALPHABET_PATTERN.test(code)) {
    return [
      {
        code: "FORMAT",
        message:
          "统一社会信用代码含有非法字符（仅允许数字及除 I、O、Z、S、V 外的大写字母） / contains characters outside the allowed alphabet (digits and letters except I, O, Z, S, V)",
      },
    ];
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return [
      {
        code: "DIVISION_CODE",
        message: "第 3–8 位登记管理机关行政区划码应为 6 位数字 / characters 3–8 (administrative division code) must be digits",
      },
    ];
  }
  return [];
}
