import { describe, expect, it } from "vitest";
import { Network } from "@tongban/config";
import { validateCertificateId, validateCreditCode, validateResidentId } from "@tongban/identifiers";
import { DEMO_CERTIFICATES_PER_CITY, demoCertificates } from "./certificates";
import { sampleSubmission } from "./sampleSubmission";

const network = Network.load();
const certs = demoCertificates(network.nodes);

describe("demo certificates", () => {
  it("when generated twice, then they are identical (deterministic)", () => {
    expect(demoCertificates(network.nodes)).toEqual(certs);
  });

  it("when generated, then every city has its share with unique, valid identifiers and issuer credit codes", () => {
    for (const n of network.nodes) expect(certs.filter((c) => c.registryNode === n.id)).toHaveLength(DEMO_CERTIFICATES_PER_CITY);
    expect(new Set(certs.map((c) => c.certificateId)).size).toBe(certs.length);
    for (const c of certs) {
      const id = validateCertificateId(c.certificateId);
      expect(id.ok && id.warnings).toEqual([]);
      const issuer = validateCreditCode(c.issuerCode);
      expect(issuer.ok && issuer.warnings).toEqual([]);
      expect(c.issuerCode.slice(2, 8)).toBe(c.territoryCode);
      const holder = c.holderIdType === "RESIDENT_ID" ? validateResidentId(c.holderId) : validateCreditCode(c.holderId);
      expect(holder.ok).toBe(true);
    }
  });

  it("when generated, then each city has valid, expired and revoked certificates, and expired ones ended in the past", () => {
    for (const n of network.nodes) {
      const mine = certs.filter((c) => c.registryNode === n.id);
      for (const s of ["valid", "expired", "revoked"]) expect(mine.some((c) => c.status === s)).toBe(true);
    }
    for (const c of certs.filter((x) => x.status === "expired")) expect(c.validTo!.getTime()).toBeLessThan(Date.UTC(2025, 0, 1));
  });

  it("when a sample submission references certificates, then the applicant is their holder; without, the default output is unchanged", () => {
    const from = network.node("xiamen")!;
    const cert = certs.find((c) => c.registryNode === "quanzhou" && c.holderIdType === "RESIDENT_ID")!;
    const req = sampleSubmission(from, "zhangzhou", 7, "WIN", { certificates: [cert] });
    expect(req.applicant).toMatchObject({ name: cert.holderName, idNumber: cert.holderId });
    expect(req.certificates).toEqual([{ certificateId: cert.certificateId, number: cert.number }]);
    const plain = sampleSubmission(from, "zhangzhou", 7);
    expect(plain.certificates).toEqual([]);
    expect(sampleSubmission(from, "zhangzhou", 7, "WIN", {})).toEqual(plain);
  });
});
