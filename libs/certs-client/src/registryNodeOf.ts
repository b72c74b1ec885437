import type { Network } from "@tongban/config";
import { validateCertificateId } from "@tongban/identifiers";

/**
 * The node whose registry holds a certificate, routed by its issuer's territory: characters 3–8
 * of the issuer's 统一社会信用代码 (part of the GB/T 36904 identifier) are the division code of
 * the issuing department. Undefined for malformed identifiers and territories outside the network.
 */
export function registryNodeOf(network: Network, certificateId: string): string | undefined {
  const r = validateCertificateId(certificateId);
  if (!r.ok) return undefined;
  return network.nodeOfDivision(r.value.issuerCode.slice(2, 8))?.id;
}
