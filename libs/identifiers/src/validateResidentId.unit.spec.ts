import { describe, expect, it } from "vitest";
import { makeResidentId } from "./makeResidentId";
import { residentIdCheckChar } from "./residentIdCheckChar";
import { validateResidentId } from "./validateResidentId";

const NOW = new Date("2026-03-01T04:00:00Z");

function errorCodes(input: string, now: Date = NOW): string[] {
  const result = validateResidentId(input, { now });
  return result.ok ? [] : result.errors.map((e) => e.code);
}

describe("validateResidentId", () => {
  it("when given the published example 11010519491231002X, then it is valid and parsed", () => {
    const result = validateResidentId("11010519491231002X", { now: NOW });
    expect(result).toEqual({
      ok: true,
      value: { normalized: "11010519491231002X", addressCode: "110105", birthDate: "1949-12-31", sex: "female" },
      warnings: [],
    });
  });

  it("when the check character is a lowercase x, then it is accepted and normalized to X", () => {
    const result = validateResidentId(" 11010519491231002x ", { now: NOW });
    expect(result.ok && result.value.normalized).toBe("11010519491231002X");
  });

  it("when the 17th digit is odd, then the sex is male", () => {
    const id = makeResidentId("350203", new Date("1985-06-15T00:00:00+08:00"), 123, true);
    expect(id.slice(0, 17)).toBe("35020319850615123");
    const result = validateResidentId(id, { now: NOW });
    expect(result.ok && result.value.sex).toBe("male");
    expect(result.ok && result.value.birthDate).toBe("1985-06-15");
  });

  it("when the address code is a historic Fujian county code, then it is accepted", () => {
    for (const addressCode of ["350681", "350625"]) {
      const id = makeResidentId(addressCode, new Date("1990-01-01T00:00:00+08:00"), 42, false);
      expect(validateResidentId(id, { now: NOW }).ok).toBe(true);
    }
  });

  it("when computing the check character by hand, then it matches the MOD 11-2 table", () => {
    // 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 172; 172 mod 11 = 7 → "X"
    expect(residentIdCheckChar("11010519491231002")).toBe("X");
  });

  it("when the length is not 18, then the error is LENGTH", () => {
    expect(errorCodes("110105194912310")).toEqual(["LENGTH"]);
    expect(errorCodes("11010519491231002X1")).toEqual(["LENGTH"]);
  });

  it("when a non-digit appears before the check character, then the error is FORMAT", () => {
    expect(errorCodes("1101051949123100AX")).toEqual(["FORMAT"]);
    expect(errorCodes("11010519491231002Y")).toEqual(["FORMAT"]);
  });

  it("when the check character is wrong, then the error is CHECK_DIGIT with a bilingual message", () => {
    const result = validateResidentId("110105194912310021", { now: NOW });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.code).toBe("CHECK_DIGIT");
      expect(result.errors[0]?.message).toMatch(/^校验码错误.* \/ check character mismatch/);
    }
  });

  it("when the birth date is not a real calendar date, then the error is BIRTH_DATE", () => {
    for (const first17 of ["11010519490229002", "11010519491332002", "11010519490431002", "11010519490100002"]) {
      expect(errorCodes(first17 + residentIdCheckChar(first17))).toEqual(["BIRTH_DATE"]);
    }
  });

  it("when the birth date is 29 February of a leap year, then it is accepted", () => {
    const first17 = "35020320000229001";
    expect(validateResidentId(first17 + residentIdCheckChar(first17), { now: NOW }).ok).toBe(true);
  });

  it("when the birth date is before 1900, then the error is BIRTH_DATE", () => {
    const first17 = "11010518991231002";
    expect(errorCodes(first17 + residentIdCheckChar(first17))).toEqual(["BIRTH_DATE"]);
  });

  it("when the birth date is after today in Shanghai, then the error is BIRTH_DATE", () => {
    const first17 = "35020320260302001";
    const id = first17 + residentIdCheckChar(first17);
    expect(errorCodes(id, new Date("2026-03-01T15:59:59Z"))).toEqual(["BIRTH_DATE"]);
    // 2026-03-01T16:00:00Z is already 2 March in Shanghai.
    expect(errorCodes(id, new Date("2026-03-01T16:00:00Z"))).toEqual([]);
  });

  it("when the province prefix is unknown, then the error is ADDRESS_CODE", () => {
    const first17 = "99010519491231002";
    expect(errorCodes(first17 + residentIdCheckChar(first17))).toEqual(["ADDRESS_CODE"]);
  });

  it("when several independent rules fail, then all their errors are reported", () => {
    expect(errorCodes("990105189912310021")).toEqual(["CHECK_DIGIT", "BIRTH_DATE", "ADDRESS_CODE"]);
  });
});

describe("makeResidentId", () => {
  it("when the requested sex does not match the sequence parity, then the last sequence digit is adjusted", () => {
    const female = makeResidentId("350203", new Date("1985-06-15T00:00:00+08:00"), 123, false);
    expect(female.slice(14, 17)).toBe("122");
    const male = makeResidentId("350203", new Date("1985-06-15T00:00:00+08:00"), 998, true);
    expect(male.slice(14, 17)).toBe("999");
  });

  it("when the birth instant is late evening UTC, then the Shanghai calendar date is used", () => {
    const id = makeResidentId("350203", new Date("1985-06-14T16:30:00Z"), 1, true);
    expect(id.slice(6, 14)).toBe("19850615");
  });

  it("when the address code or sequence is invalid, then it throws", () => {
    expect(() => makeResidentId("990000", new Date("1985-06-15T00:00:00+08:00"), 1, true)).toThrow(RangeError);
    expect(() => makeResidentId("35020", new Date("1985-06-15T00:00:00+08:00"), 1, true)).toThrow(RangeError);
    expect(() => makeResidentId("350203", new Date("1985-06-15T00:00:00+08:00"), 1000, true)).toThrow(RangeError);
  });
});
