export type { Finding, ValidationResult } from "./validationResult";
export { isProvinceCode } from "./isProvinceCode";
export { residentIdCheckChar } from "./residentIdCheckChar";
export { validateResidentId, type ResidentIdErrorCode, type ResidentIdInfo, type ValidateResidentIdOptions } from "./validateResidentId";
export { makeResidentId } from "./makeResidentId";
export { CREDIT_CODE_ALPHABET } from "./creditCodeAlphabet";
export { creditCodeCheckChar } from "./creditCodeCheckChar";
export { organizationCodeCheckChar } from "./organizationCodeCheckChar";
export { validateCreditCode, type CreditCodeErrorCode, type CreditCodeInfo, type CreditCodeWarningCode } from "./validateCreditCode";
export { makeCreditCode } from "./makeCreditCode";
export { s10CheckDigit } from "./s10CheckDigit";
export { validateEmsTrackingNo, type EmsTrackingNoErrorCode, type EmsTrackingNoInfo } from "./validateEmsTrackingNo";
export { CERTIFICATE_ID_PREFIX } from "./certificateIdPrefix";
export { certificateIdCheckChar } from "./certificateIdCheckChar";
export type { CertificateIdParts } from "./certificateIdPartsErrors";
export {
  validateCertificateId,
  type CertificateIdErrorCode,
  type CertificateIdInfo,
  type CertificateIdWarningCode,
} from "./validateCertificateId";
export { makeCertificateId } from "./makeCertificateId";
