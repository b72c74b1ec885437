import { creditCodeCheckChar } from "./creditCodeCheckChar";
import { creditCodeStructure, type CreditCodeStructureErrorCode } from "./creditCodeStructure";
import { organizationCodeCheckChar } from "./organizationCodeCheckChar";
import type { Finding, ValidationResult } from "./validationResult";

export type CreditCodeErrorCode = CreditCodeStructureErrorCode | "CHECK_CHAR";
export type CreditCodeWarningCode = "CHECK_CHAR_LEGACY" | "ORG_CODE_CHECK";

/** Parsed unified social credit code. */
export interface CreditCodeInfo {
  /** The 18-character code, trimmed and upper-cased. */
  normalized: string;
  /** Character 1: registration authority (登记管理部门), e.g. `9` for market regulation. */
  registrationAuthority: string;
  /** Character 2: entity type (机构类别), e.g. `1` for an enterprise. */
  entityType: string;
  /** Characters 3–8: administrative division code of the registration authority. */
  divisionCode: string;
  /** Characters 9–17: organization code (GB 11714), including its own check character. */
  organizationCode: string;
}

/**
 * Validates a unified social credit code (统一社会信用代码, GB 32100-2015).
 *
 * Structural problems and check character mismatches are errors, with one exception:
 * some codes issued early in Fujian (division code starting with `35`) carry a check character
 * that does not follow the published algorithm; for those a mismatch yields the warning
 * `CHECK_CHAR_LEGACY` instead. A mismatch of the embedded organization code check
 * character (GB 11714) only yields the warning `ORG_CODE_CHECK`.
 */
export function validateCreditCode(input: string): ValidationResult<CreditCodeInfo, CreditCodeErrorCode, CreditCodeWarningCode> {
  if (typeof input !== "string") {
    return {
      ok: false,
      errors: [{ code: "FORMAT", message: "统一社会信用代码必须是字符串 / the credit code must be a string" }],
    };
  }
  const code = input.trim().toUpperCase();
  const structural = creditCodeStructure(code);
  if (structural.length > 0) {
    return { ok: false, errors: structural };
  }

  const warnings: Finding<CreditCodeWarningCode>[] = [];
  const divisionCode = code.slice(2, 8);
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code.charAt(17) !== expected) {
    if (!divisionCode.startsWith("35")) {
      return {
        ok: false,
        errors: [
          {
            code: "CHECK_CHAR",
            message: `校验码错误，应为 ${expected} / check character mismatch, expected ${expected}`,
          },
        ],
      };
    }
    warnings.push({
      code: "CHECK_CHAR_LEGACY",
      message: `校验码与算法不符（应为 ${expected}），按福建早期赋码存量代码接受 / check character mismatch (expected ${expected}), accepted as an early Fujian legacy code`,
    });
  }

  const organizationCode = code.slice(8, 17);
  const orgBody = organizationCode.slice(0, 8);
  const orgExpected = organizationCodeCheckChar(orgBody);
  if (organizationCode.charAt(8) !== orgExpected) {
    warnings.push({
      code: "ORG_CODE_CHECK",
      message: `内嵌组织机构代码校验码不符（应为 ${orgExpected}） / embedded organization code check character mismatch, expected ${orgExpected}`,
    });
  }

  return {
    ok: true,
    value: {
      normalized: code,
      registrationAuthority: code.charAt(0),
      entityType: code.charAt(1),
      divisionCode,
      organizationCode,
    },
    warnings,
  };
}
