import { demoCertificates, type DemoCertificate } from "@tongban/demo";
import { makeCertificateId } from "@tongban/identifiers";
import { network } from "../support/testNetwork";

export const certs = demoCertificates(network.nodes);

/** The demo certificate of `holder` in `node`'s registry of the given type; fails loudly if the demo data changed. */
export function certOf(holder: string, node: string, typeCode: string): DemoCertificate {
  const c = certs.find((x) => x.holderName === holder && x.registryNode === node && x.typeCode === typeCode);
  if (!c) throw new Error(`demo data has no ${typeCode} of ${holder} in ${node}`);
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
  return makeCertificateId({ typeCode: "15100", issuerCode: issuer, serial: "9999999", version: "1" });
}

export const query = (c: DemoCertificate, holder: { name: string; id: string } = { name: c.holderName, id: c.holderId }) => ({
  certificateId: c.certificateId,
  number: c.number,
  holderName: holder.name,
  holderIdNumber: holder.id,
});

export const purpose = (caseId = "01TESTCASE0000000000000000") => ({
  caseId,
  itemCode: "TB-2020-010",
  requestingNode: "xiamen",
  operator: "clerk-xiamen-1",
});
