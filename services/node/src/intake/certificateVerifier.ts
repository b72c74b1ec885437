import type { CertificateCheck } from "@tongban/contracts";

/** The lookup of an application's certificates, with its purpose (用证事由). */
export interface CertificateLookup {
  caseId: string;
  itemCode: string;
  requestingNode: string;
  operator: string;
  holder: { name: string; idNumber: string };
  refs: readonly { certificateId: string; number: string }[];
}

/**
 * Verifies certificates with their issuing cities' registries. Never blocks the window: within
 * its time budget it answers every reference, UNVERIFIED where the registry could not be reached.
 */
export interface CertificateVerifier {
  verify(lookup: CertificateLookup): Promise<CertificateCheck[]>;
}
