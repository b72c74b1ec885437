import { certificateIdCheckChar } from "./certificateIdCheckChar";
import { certificateIdPartsErrors, type CertificateIdParts } from "./certificateIdPartsErrors";
import { CERTIFICATE_ID_PREFIX } from "./certificateIdPrefix";

/**
 * Builds a well-formed electronic certificate identifier with a correct check character,
 * for demo data and tests. The issuer code is upper-cased.
 *
 * @throws RangeError when a component is malformed.
 */
export function makeCertificateId(parts: CertificateIdParts): string {
  const normalized: CertificateIdParts = { ...parts, issuerCode: parts.issuerCode.toUpperCase() };
  const problem = certificateIdPartsErrors(normalized)[0];
  if (problem !== undefined) {
    throw new RangeError(problem.message);
  }
  const body = [CERTIFICATE_ID_PREFIX, normalized.typeCode, normalized.issuerCode, normalized.serial, normalized.version].join(".");
  return `${body}.${certificateIdCheckChar(body)}`;
}
