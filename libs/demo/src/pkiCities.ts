import type { NodeConfig } from "@tongban/config";
import { demoCertificates } from "./certificates";

/**
 * The cities of the development PKI with the issuing departments (统一社会信用代码) of their demo
 * certificates, so that each department has a certificate to revoke its own certificates with.
 */
export function devPkiCities(nodes: readonly NodeConfig[]): { id: string; issuers: string[] }[] {
  const certs = demoCertificates(nodes);
  return nodes.map((n) => ({
    id: n.id,
    issuers: [...new Set(certs.filter((c) => c.registryNode === n.id).map((c) => c.issuerCode))].sort(),
  }));
}
