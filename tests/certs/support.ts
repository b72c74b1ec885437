import { CertificateRegistryServiceClient } from "@tongban/contracts";
import { demoCertificates, type DemoCertificate } from "@tongban/demo";
import type { Role } from "@tongban/identity";
import { makeCertificateId } from "@tongban/identifiers";
import { callerAs, network } from "../support/testNetwork";

export const certs = demoCertificates(network.nodes);

/** The demo certificate of `holder` in `node`'s registry of the given type (by name); fails loudly if the demo data changed. */
export function certOf(holder: string, node: string, typeName: string): DemoCertificate {
  const c = certs.find((x) => x.holderName === holder && x.registryNode === node && x.typeName === typeName);
  if (!c) throw new Error(`demo data has no ${typeName} of ${holder} in ${node}`);
  return c;
}

export function certWhere(what: string, p: (c: DemoCertificate) => boolean): DemoCertificate {
  const c = certs.find(p);
  if (!c) throw new Error(`demo data has no certificate that is ${what}`);
  return c;
}

/** A well-formed identifier from a real issuer of `node` that its registry does not hold. */
export function unknownCertificateId(node: string): string {
  const issuer = certWhere(`issued in ${node}`, (c) => c.registryNode === node).issuerCode;
  return makeCertificateId({ typeCode: "11100000717800899E001", issuerCode: issuer, serial: "9999999", version: "1" });
}

export const query = (c: DemoCertificate, holder: { name: string; id: string } = { name: c.holderName, id: c.holderId }) => ({
  certificateId: c.certificateId,
  number: c.number,
  holderName: holder.name,
  holderIdNumber: holder.id,
});

/** A complete purpose as the Xiamen node states it (the callers of these tests are the Xiamen node unless said otherwise). */
export const purpose = (caseId = "01TESTCASE0000000000000000", requestingNode = "xiamen") => ({
  caseId,
  itemCode: "TB-2020-010",
  requestingNode,
  operator: "clerk-xiamen-1",
});

/** The name a development identity of this role has by default: a node or registry is named after its city. */
const defaultName = (city: string, role: Role) => (role === "node" || role === "registry" ? city : "main");

/**
 * Clients of registries under various identities; `close()` closes every client it made.
 * An issuing department's name is its 统一社会信用代码 (`as(city, "issuer", code)`).
 */
export function registryClients() {
  const made: CertificateRegistryServiceClient[] = [];
  return {
    as(port: number, city: string, role: Role, name = defaultName(city, role)): CertificateRegistryServiceClient {
      const caller = callerAs(city, role, name);
      const client = new CertificateRegistryServiceClient(`localhost:${port}`, caller.credentials, caller.options);
      made.push(client);
      return client;
    },
    close(): void {
      for (const c of made.splice(0)) c.close();
    },
  };
}
