/** How the holder of a certificate is identified (证照持有人身份标识类型). */
export type HolderIdType = "RESIDENT_ID" | "CREDIT_CODE";

export type CertificateStatus = "valid" | "revoked" | "expired";

/**
 * One certificate (电子证照) in a city's registry, with the GB/T 36903 metadata: identifier
 * (GB/T 36904), type, number, holder, issuer (统一社会信用代码), validity, territory (属地),
 * status and version. `validTo` is absent for certificates without expiry (长期有效).
 */
export interface CertificateRecord {
  certificateId: string;
  typeCode: string;
  typeName: string;
  number: string;
  holderName: string;
  holderIdType: HolderIdType;
  holderId: string;
  issuerName: string;
  issuerCode: string;
  validFrom: Date;
  validTo?: Date;
  territoryCode: string;
  status: CertificateStatus;
  version: number;
  revokedAt?: Date;
  revokeReason?: string;
}
