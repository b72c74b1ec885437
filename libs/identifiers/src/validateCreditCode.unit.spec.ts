import { describe, expect, it } from "vitest";
import { creditCodeCheckChar } from "./creditCodeCheckChar";
import { makeCreditCode } from "./makeCreditCode";
import { organizationCodeCheckChar } from "./organizationCodeCheckChar";
import { validateCreditCode } from "./validateCreditCode";

function errorCodes(input: string): string[] {
  const result = validateCreditCode(input);
  return result.ok ? [] : result.errors.map((e) => e.code);
}

function warningCodes(input: string): string[] {
  const result = validateCreditCode(input);
  return result.ok ? result.warnings.map((w) => w.code) : [];
}

/** Builds 17 characters with a consistent embedded organization code. */
function first17(prefix8: string, orgBody8: string): string {
  return prefix8 + orgBody8 + organizationCodeCheckChar(orgBody8);
}

/** Replaces the check character of a valid code with a different, still allowed one. */
function withWrongCheck(code: string): string {
  const last = code.charAt(17);
  return code.slice(0, 17) + (last === "1" ? "2" : "1");
}

describe("validateCreditCode", () => {
  it("when given the published example 91350100M000100Y43, then it is valid with no warnings", () => {
    // Σ = 1·9+3·1+9·3+27·5+19·0+26·1+16·0+17·0+20·21+29·0+25·0+13·0+8·1+24·0+10·0+30·30+28·4 = 1640;
    // 1640 mod 31 = 28 → 31 − 28 = 3.
    expect(creditCodeCheckChar("91350100M000100Y4")).toBe("3");
    const result = validateCreditCode("91350100M000100Y43");
    expect(result).toEqual({
      ok: true,
      value: {
        normalized: "91350100M000100Y43",
        registrationAuthority: "9",
        entityType: "1",
        divisionCode: "350100",
        organizationCode: "M000100Y4",
      },
      warnings: [],
    });
  });

  it("when built with makeCreditCode, then the code is valid", () => {
    for (const code of [
      makeCreditCode(first17("91350200", "MA2XXXXX")),
      makeCreditCode(first17("91350500", "MA31BC7D")),
      makeCreditCode(first17("12350600", "00367812")),
      makeCreditCode(first17("91110000", "10000123")),
    ]) {
      expect(validateCreditCode(code)).toMatchObject({ ok: true, warnings: [] });
    }
  });

  it("when the input is lowercase with surrounding spaces, then it is normalized to upper case", () => {
    const code = makeCreditCode(first17("91350200", "MA2XXXXX"));
    const result = validateCreditCode(`  ${code.toLowerCase()} `);
    expect(result.ok && result.value.normalized).toBe(code);
  });

  it("when the length is not 18, then the error is LENGTH", () => {
    expect(errorCodes("91350100M000100Y4")).toEqual(["LENGTH"]);
  });

  it("when a character outside the alphabet appears, then the error is FORMAT", () => {
    for (const letter of ["I", "O", "Z", "S", "V", "-"]) {
      expect(errorCodes(`91350100M000100${letter}43`)).toEqual(["FORMAT"]);
    }
  });

  it("when the division code contains a letter, then the error is DIVISION_CODE", () => {
    const first = "913501A0M000100Y4";
    expect(errorCodes(first + creditCodeCheckChar(first))).toEqual(["DIVISION_CODE"]);
  });

  it("when only the check character is wrong outside Fujian, then the error is CHECK_CHAR", () => {
    const code = makeCreditCode(first17("91440300", "MA5DABCD"));
    const result = validateCreditCode(withWrongCheck(code));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.code)).toEqual(["CHECK_CHAR"]);
      expect(result.errors[0]?.message).toContain(`应为 ${code.charAt(17)}`);
    }
  });

  it("when only the check character is wrong for a Fujian division code, then it is valid with CHECK_CHAR_LEGACY", () => {
    const code = makeCreditCode(first17("91350200", "MA2XXXXX"));
    const broken = withWrongCheck(code);
    const result = validateCreditCode(broken);
    expect(result.ok).toBe(true);
    expect(warningCodes(broken)).toEqual(["CHECK_CHAR_LEGACY"]);
    expect(warningCodes(withWrongCheck("91350100M000100Y43"))).toEqual(["CHECK_CHAR_LEGACY"]);
  });

  it("when a Fujian code has a structural problem and a wrong check character, then it is still an error", () => {
    expect(errorCodes("91350100M000100Y4I")).toEqual(["FORMAT"]);
  });

  it("when the embedded organization code check character is wrong, then it is valid with ORG_CODE_CHECK", () => {
    const orgCheck = organizationCodeCheckChar("MA2XXXXX");
    const wrongOrgCheck = orgCheck === "1" ? "2" : "1";
    const code = makeCreditCode(`91350200MA2XXXXX${wrongOrgCheck}`);
    expect(warningCodes(code)).toEqual(["ORG_CODE_CHECK"]);
  });

  it("when computing organization code check characters, then 10 maps to X and 11 to 0", () => {
    // M000100Y: 22·3 + 1·5 + 34·2 = 139; 139 mod 11 = 7; 11 − 7 = 4.
    expect(organizationCodeCheckChar("M000100Y")).toBe("4");
    // 00000001: 1·2 = 2; 11 − 2 = 9.
    expect(organizationCodeCheckChar("00000001")).toBe("9");
    // 00000030: 3·4 = 12; 12 mod 11 = 1; 11 − 1 = 10 → X.
    expect(organizationCodeCheckChar("00000030")).toBe("X");
    // 00000000: sum 0; 11 − 0 = 11 → 0.
    expect(organizationCodeCheckChar("00000000")).toBe("0");
  });

  it("when the weighted sum is a multiple of 31, then the check character is 0", () => {
    // All zeros: sum 0 → 31 → 0.
    expect(creditCodeCheckChar("00000000000000000")).toBe("0");
  });
});

describe("makeCreditCode", () => {
  it("when the input is not 17 valid characters, then it throws", () => {
    expect(() => makeCreditCode("91350100M000100Y")).toThrow(RangeError);
    expect(() => makeCreditCode("91350100M000100YI")).toThrow(RangeError);
  });
});
