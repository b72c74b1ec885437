import { describe, expect, it } from "vitest";
import { s10CheckDigit } from "./s10CheckDigit";
import { validateEmsTrackingNo } from "./validateEmsTrackingNo";

function errorCodes(input: string): string[] {
  const result = validateEmsTrackingNo(input);
  return result.ok ? [] : result.errors.map((e) => e.code);
}

describe("s10CheckDigit", () => {
  it("when given the UPU S10 standard's own example AA 473 124 829 GB, then its check digit 9 is computed and the identifier validates", () => {
    // 4·8+7·6+3·4+1·2+2·3+4·5+8·9+2·7 = 200; 200 mod 11 = 2; 11 − 2 = 9.
    expect(s10CheckDigit("47312482")).toBe(9);
    expect(validateEmsTrackingNo("AA 473 124 829 GB")).toMatchObject({ ok: true, value: { format: "S10", countryCode: "GB" } });
  });

  it("when the serial is 12345678, then the check digit is 5", () => {
    // 1·8+2·6+3·4+4·2+5·3+6·5+7·9+8·7 = 204; 204 mod 11 = 6; 11 − 6 = 5.
    expect(s10CheckDigit("12345678")).toBe(5);
  });

  it("when 11 − (sum mod 11) is 10, then the check digit is 0", () => {
    // 00004000: 4·3 = 12; 12 mod 11 = 1; 11 − 1 = 10 → 0.
    expect(s10CheckDigit("00004000")).toBe(0);
  });

  it("when the sum is a multiple of 11, then the check digit is 5", () => {
    // 00000000: sum 0; 11 − 0 = 11 → 5.
    expect(s10CheckDigit("00000000")).toBe(5);
  });
});

describe("validateEmsTrackingNo", () => {
  it("when given an S10 number with a correct check digit, then it is valid and parsed", () => {
    expect(validateEmsTrackingNo("EA123456785CN")).toEqual({
      ok: true,
      value: {
        format: "S10",
        normalized: "EA123456785CN",
        serviceIndicator: "EA",
        serial: "12345678",
        checkDigit: 5,
        countryCode: "CN",
      },
      warnings: [],
    });
  });

  it("when an S10 number is lowercase with label spacing, then it is normalized", () => {
    const result = validateEmsTrackingNo(" ea 123 456 785 cn ");
    expect(result.ok && result.value.normalized).toBe("EA123456785CN");
  });

  it("when the S10 check digit is wrong, then the error is CHECK_DIGIT", () => {
    expect(errorCodes("EA123456784CN")).toEqual(["CHECK_DIGIT"]);
  });

  it("when given a 13-digit domestic number starting with 1, then it is valid by format", () => {
    expect(validateEmsTrackingNo("1012345678901")).toEqual({
      ok: true,
      value: { format: "DOMESTIC_13", normalized: "1012345678901" },
      warnings: [],
    });
  });

  it("when a 13-digit number does not start with 1, then the error is FORMAT", () => {
    expect(errorCodes("9012345678901")).toEqual(["FORMAT"]);
  });

  it("when the S10 layout is broken, then the error is FORMAT", () => {
    expect(errorCodes("E1123456785CN")).toEqual(["FORMAT"]);
    expect(errorCodes("EA12345678XCN")).toEqual(["FORMAT"]);
  });

  it("when the length is not 13, then the error is LENGTH", () => {
    expect(errorCodes("EA12345678CN")).toEqual(["LENGTH"]);
    expect(errorCodes("10123456789012")).toEqual(["LENGTH"]);
  });
});
