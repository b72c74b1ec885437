import { creditCodeStructure } from "./creditCodeStructure";
import type { Finding } from "./validationResult";

export type CertificateIdPartErrorCode = "TYPE_CODE" | "ISSUER_CODE" | "SERIAL" | "VERSION";

/** The variable components of an electronic certificate identifier. */
export interface CertificateIdParts {
  /**
   * Certificate type code (证照类型代码): the 18-character unified social credit code of the
   * authority that defines the certificate type (证照定义机构) followed by its 3-digit sequence
   * number for the type, 21 characters in all.
   */
  typeCode: string;
  /** Unified social credit code of the issuing authority (format checked, not its check character). */
  issuerCode: string;
  /** Serial number, digits. */
  serial: string;
  /** Version number, 1–3 digits. */
  version: string;
}

/** Errors in the components of an electronic certificate identifier; empty when all are well-formed. */
export function certificateIdPartsErrors(parts: CertificateIdParts): Finding<CertificateIdPartErrorCode>[] {
  const errors: Finding<CertificateIdPartErrorCode>[] = [];
  if (!/^\d{3}$/.test(parts.typeCode.slice(18)) || creditCodeStructure(parts.typeCode.slice(0, 18)).length > 0) {
    errors.push({
      code: "TYPE_CODE",
      message:
        "证照类型代码应为证照定义机构的 18 位统一社会信用代码加 3 位顺序码 / type code must be the defining authority's 18-character unified social credit code followed by a 3-digit sequence number",
    });
  }
  if (creditCodeStructure(parts.issuerCode).length > 0) {
    errors.push({
      code: "ISSUER_CODE",
      message:
        "颁发机构代码应为格式正确的 18 位统一社会信用代码 / issuer code must be a well-formed 18-character unified social credit code",
    });
  }
  if (!/^\d+$/.test(parts.serial)) {
    errors.push({ code: "SERIAL", message: "流水号应为数字 / serial number must be digits" });
  }
  if (!/^\d{1,3}$/.test(parts.version)) {
    errors.push({ code: "VERSION", message: "版本号应为 1–3 位数字 / version must be 1–3 digits" });
  }
  return errors;
}
