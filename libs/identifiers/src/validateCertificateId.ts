import { certificateIdCheckChar } from "./certificateIdCheckChar";
import { certificateIdPartsErrors, type CertificateIdPartErrorCode, type CertificateIdParts } from "./certificateIdPartsErrors";
import { CERTIFICATE_ID_PREFIX } from "./certificateIdPrefix";
import type { Finding, ValidationResult } from "./validationResult";

export type CertificateIdErrorCode = "PREFIX" | "FORMAT" | CertificateIdPartErrorCode;
export type CertificateIdWarningCode = "CHECK_CHAR";

/** Parsed electronic certificate identifier. */
export interface CertificateIdInfo extends CertificateIdParts {
  /** The identifier, trimmed and upper-cased. */
  normalized: string;
  /** The check character as found in the identifier. */
  checkChar: string;
}

/**
 * Validates an electronic certificate identifier (电子证照标识, GB/T 36904):
 * `1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>`, where the type code is
 * the defining authority's unified social credit code plus a 3-digit sequence (21 characters, so
 * letters occur) and the issuer code the issuing authority's credit code.
 *
 * A wrong prefix or malformed component is an error. A check character that does not match
 * ISO/IEC 7064 MOD 37,36 (see `certificateIdCheckChar`) is only a warning (`CHECK_CHAR`),
 * since identifiers issued by other systems are accepted as long as they are well-formed.
 */
export function validateCertificateId(
  input: string,
): ValidationResult<CertificateIdInfo, CertificateIdErrorCode, CertificateIdWarningCode> {
  if (typeof input !== "string") {
    return fail("FORMAT", "证照标识必须是字符串 / the certificate identifier must be a string");
  }
  const id = input.trim().toUpperCase();
  if (!id.startsWith(`${CERTIFICATE_ID_PREFIX}.`)) {
    return fail("PREFIX", `证照标识应以 ${CERTIFICATE_ID_PREFIX} 开头 / must start with ${CERTIFICATE_ID_PREFIX}`);
  }
  const components = id.slice(CERTIFICATE_ID_PREFIX.length + 1).split(".");
  if (components.length !== 5) {
    return fail(
      "FORMAT",
      `前缀后应有 5 段（类型代码、颁发机构代码、流水号、版本号、校验字符），实际为 ${components.length} 段 / expected 5 components after the prefix (type code, issuer code, serial, version, check character), got ${components.length}`,
    );
  }
  const [typeCode = "", issuerCode = "", serial = "", version = "", checkChar = ""] = components;
  const errors: Finding<CertificateIdErrorCode>[] = certificateIdPartsErrors({ typeCode, issuerCode, serial, version });
  if (!/^[0-9A-Z]$/.test(checkChar)) {
    errors.push({ code: "FORMAT", message: "校验字符应为 1 位数字或字母 / check character must be one digit or letter" });
  }
  if (errors.length > 0) {
    return { ok: false, errors };
  }

  const body = id.slice(0, id.length - checkChar.length - 1);
  const expected = certificateIdCheckChar(body);
  const warnings: Finding<CertificateIdWarningCode>[] = [];
  if (checkChar !== expected) {
    warnings.push({
      code: "CHECK_CHAR",
      message: `校验字符错误，应为 ${expected} / check character mismatch, expected ${expected}`,
    });
  }
  return {
    ok: true,
    value: { normalized: id, typeCode, issuerCode, serial, version, checkChar },
    warnings,
  };
}

function fail(code: CertificateIdErrorCode, message: string): { ok: false; errors: Finding<CertificateIdErrorCode>[] } {
  return { ok: false, errors: [{ code, message }] };
}
