import { describe, expect, it } from "vitest";
import type { CertificateRecord } from "@tongban/certs-client";
import { decideOutcome, disclosesDetails } from "./decideOutcome";

const record: CertificateRecord = {
  certificateId: "1.2.156.3005.2.11100000000013338W011.11350200MA0001000X.1000001.1.0",
  typeCode: "11100000000013338W011",
  typeName: "机动车驾驶证",
  number: "350203198001010013",
  holderName: "陈志明",
  holderIdType: "RESIDENT_ID",
  holderId: "35020319800101001X",
  issuerName: "厦门市公安局",
  issuerCode: "11350200MA0001000X",
  validFrom: new Date("2020-01-01T00:00:00Z"),
  validTo: new Date("2030-01-01T00:00:00Z"),
  territoryCode: "350200",
  status: "valid",
  version: 1,
};
const facts = { number: record.number, holderName: record.holderName, holderId: record.holderId };
const now = new Date("2025-06-01T00:00:00Z");

describe("decideOutcome", () => {
  it("when number and holder match a valid certificate within its dates, then VALID", () => {
    expect(decideOutcome(record, facts, now)).toBe("VALID");
  });

  it("when holder id differs only in case and spacing, then it still matches", () => {
    expect(decideOutcome(record, { ...facts, holderId: " 35020319800101001x ", holderName: "陈 志明" }, now)).toBe("VALID");
  });

  it("when the certificate is unknown or its number differs, then NOT_FOUND", () => {
    expect(decideOutcome(undefined, facts, now)).toBe("NOT_FOUND");
    expect(decideOutcome(record, { ...facts, number: "350203198001010021" }, now)).toBe("NOT_FOUND");
  });

  it("when the holder's name or id differs, then HOLDER_MISMATCH, even for a revoked certificate", () => {
    expect(decideOutcome(record, { ...facts, holderName: "林雅琴" }, now)).toBe("HOLDER_MISMATCH");
    expect(decideOutcome({ ...record, status: "revoked" }, { ...facts, holderId: "350203198001010021" }, now)).toBe("HOLDER_MISMATCH");
  });

  it("when the certificate is revoked, then REVOKED, even if it has also expired", () => {
    expect(decideOutcome({ ...record, status: "revoked" }, facts, now)).toBe("REVOKED");
    expect(decideOutcome({ ...record, status: "revoked", validTo: new Date("2021-01-01T00:00:00Z") }, facts, now)).toBe("REVOKED");
  });

  it("when the certificate is past its end date or marked expired, then EXPIRED", () => {
    expect(decideOutcome(record, facts, new Date("2030-01-02T00:00:00Z"))).toBe("EXPIRED");
    expect(decideOutcome({ ...record, status: "expired" }, facts, now)).toBe("EXPIRED");
  });

  it("when the certificate has no end date (长期), then it never expires by date", () => {
    const { validTo: _, ...noExpiry } = record;
    expect(decideOutcome(noExpiry, facts, new Date("2099-01-01T00:00:00Z"))).toBe("VALID");
  });

  it("when the caller did not prove number and holder, then no details are disclosed", () => {
    expect(disclosesDetails("NOT_FOUND")).toBe(false);
    expect(disclosesDetails("HOLDER_MISMATCH")).toBe(false);
    expect(["VALID", "EXPIRED", "REVOKED"].every((o) => disclosesDetails(o as never))).toBe(true);
  });
});
