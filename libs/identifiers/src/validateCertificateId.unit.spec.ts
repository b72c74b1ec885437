import { describe, expect, it } from "vitest";
import { certificateIdCheckChar } from "./certificateIdCheckChar";
import { makeCertificateId } from "./makeCertificateId";
import { validateCertificateId } from "./validateCertificateId";

// A residence-booklet type defined by an authority whose credit code has the shape of a national
// organ's (11 + 100000 + organization code + check character), sequence 001, as issued.
const PARTS = {
  typeCode: "11100000000013338W001",
  issuerCode: "91350100M000100Y43",
  serial: "000123",
  version: "1",
};

function errorCodes(input: string): string[] {
  const result = validateCertificateId(input);
  return result.ok ? [] : result.errors.map((e) => e.code);
}

function withWrongCheck(id: string): string {
  const last = id.charAt(id.length - 1);
  return id.slice(0, -1) + (last === "A" ? "B" : "A");
}

describe("certificateIdCheckChar", () => {
  it("when given the ISO/IEC 7064 MOD 37,36 reference string A12425GABC1234002, then the check character is M", () => {
    expect(certificateIdCheckChar("A12425GABC1234002")).toBe("M");
  });

  it("when the body contains dots or lower case, then they do not change the result", () => {
    expect(certificateIdCheckChar("1.2.156.3005.2.1.a.2")).toBe(certificateIdCheckChar("12156300521A2"));
  });

  it("when the body contains other characters, then it throws", () => {
    expect(() => certificateIdCheckChar("1.2-3")).toThrow(RangeError);
    expect(() => certificateIdCheckChar("..")).toThrow(RangeError);
  });
});

describe("validateCertificateId", () => {
  it("when an identifier is built with makeCertificateId, then it validates and parses back to the same parts", () => {
    const id = makeCertificateId(PARTS);
    expect(id.startsWith("1.2.156.3005.2.11100000000013338W001.91350100M000100Y43.000123.1.")).toBe(true);
    const result = validateCertificateId(id);
    expect(result).toEqual({
      ok: true,
      value: { normalized: id, ...PARTS, checkChar: id.charAt(id.length - 1) },
      warnings: [],
    });
  });

  it("when an identifier is written as issued (type code of the defining ministry plus sequence, a district bureau as issuer, version 001), then it validates without warnings", () => {
    const result = validateCertificateId("1.2.156.3005.2.11100000000013338W011.11350203MB0179548J.2019050012345.001.E");
    expect(result).toMatchObject({
      ok: true,
      value: {
        typeCode: "11100000000013338W011",
        issuerCode: "11350203MB0179548J",
        serial: "2019050012345",
        version: "001",
        checkChar: "E",
      },
      warnings: [],
    });
  });

  it("when every single character of the body changes, then the check character detects it", () => {
    const id = makeCertificateId(PARTS);
    const body = id.slice(0, -2).replaceAll(".", "");
    expect(certificateIdCheckChar(body)).toBe(id.charAt(id.length - 1));
    for (let i = 0; i < body.length; i++) {
      const ch = body.charAt(i);
      const replaced = body.slice(0, i) + (ch === "0" ? "1" : "0") + body.slice(i + 1);
      expect(certificateIdCheckChar(replaced)).not.toBe(id.charAt(id.length - 1));
    }
  });

  it("when the check character does not match, then it is valid with warning CHECK_CHAR", () => {
    const result = validateCertificateId(withWrongCheck(makeCertificateId(PARTS)));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.warnings.map((w) => w.code)).toEqual(["CHECK_CHAR"]);
      expect(result.warnings[0]?.message).toMatch(/^校验字符错误.* \/ check character mismatch/);
    }
  });

  it("when the identifier is lowercase, then it is normalized to upper case", () => {
    const id = makeCertificateId(PARTS);
    const result = validateCertificateId(id.toLowerCase());
    expect(result.ok && result.value.normalized).toBe(id);
  });

  it("when the OID prefix differs, then the error is PREFIX", () => {
    expect(errorCodes("1.2.156.3005.3.1.91350100M000100Y43.1.1.0")).toEqual(["PREFIX"]);
    expect(errorCodes("1.2.156.30052.1.91350100M000100Y43.1.1.0")).toEqual(["PREFIX"]);
  });

  it("when the number of components is wrong, then the error is FORMAT", () => {
    expect(errorCodes("1.2.156.3005.2.1.91350100M000100Y43.1.1")).toEqual(["FORMAT"]);
    expect(errorCodes("1.2.156.3005.2.1.91350100M000100Y43.1.1.0.0")).toEqual(["FORMAT"]);
  });

  it("when the check component is not a single character, then the error is FORMAT", () => {
    expect(errorCodes("1.2.156.3005.2.11100000000013338W001.91350100M000100Y43.1.1.AB")).toEqual(["FORMAT"]);
  });

  it("when a component is malformed, then its own error code is reported", () => {
    // Type codes as the old validator wanted them (digits only) or near misses of the standard's shape.
    expect(errorCodes("1.2.156.3005.2.1234567890123456789012.91350100M000100Y43.1.1.0")).toEqual(["TYPE_CODE"]);
    expect(errorCodes("1.2.156.3005.2.11100.91350100M000100Y43.1.1.0")).toEqual(["TYPE_CODE"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338W01.91350100M000100Y43.1.1.0")).toEqual(["TYPE_CODE"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338W0011.91350100M000100Y43.1.1.0")).toEqual(["TYPE_CODE"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338W00A.91350100M000100Y43.1.1.0")).toEqual(["TYPE_CODE"]);
    expect(errorCodes("1.2.156.3005.2.111ABC00000013338W001.91350100M000100Y43.1.1.0")).toEqual(["TYPE_CODE"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338I001.91350100M000100Y43.1.1.0")).toEqual(["TYPE_CODE"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338W001.91350100M000100Y4.1.1.0")).toEqual(["ISSUER_CODE"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338W001.91350100M000100YI3.1.1.0")).toEqual(["ISSUER_CODE"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338W001.91350100M000100Y43.X1.1.0")).toEqual(["SERIAL"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338W001.91350100M000100Y43.1.1000.0")).toEqual(["VERSION"]);
    expect(errorCodes("1.2.156.3005.2.11100000000013338W001.91350100M000100Y43..1.0")).toEqual(["SERIAL"]);
  });

  it("when the issuer code has a wrong credit code check character, then only its format matters", () => {
    const id = makeCertificateId({ ...PARTS, issuerCode: "91440300MA5DABCD01" });
    expect(validateCertificateId(id)).toMatchObject({ ok: true, warnings: [] });
  });
});

describe("makeCertificateId", () => {
  it("when a part is malformed, then it throws", () => {
    expect(() => makeCertificateId({ ...PARTS, version: "1234" })).toThrow(RangeError);
    expect(() => makeCertificateId({ ...PARTS, issuerCode: "X" })).toThrow(RangeError);
  });
});
