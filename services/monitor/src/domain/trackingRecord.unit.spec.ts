import { describe, expect, it } from "vitest";
import { TrackingEvent } from "@tongban/contracts";
import { toTrackingRecord } from "./trackingRecord";

const checkedAt = new Date("2026-03-02T02:00:00Z");
const event = (over: Partial<TrackingEvent>) =>
  TrackingEvent.decode(
    TrackingEvent.encode(
      TrackingEvent.fromPartial({ trackingId: "t1", caseId: "C1", reportedBy: "quanzhou", step: "case.accepted", ...over }),
    ).finish(),
  );

describe("a tracking event as the monitor stores it", () => {
  it("when the case cites scans that were checked and it was accepted on them, then the record carries the counts, the check time and the flag", () => {
    const r = toTrackingRecord(
      event({ scansCited: 3, scansCheckedAt: checkedAt, scansVerified: 2, scansMismatched: 1, acceptedOnElectronicCopies: true }),
    )!;
    expect(r).toMatchObject({
      scansCited: 3,
      scansCheckedAt: checkedAt,
      scansVerified: 2,
      scansMismatched: 1,
      acceptedOnElectronicCopies: true,
    });
  });

  it("when the check found every scan matching, then a zero mismatch count is kept with the check", () => {
    const r = toTrackingRecord(event({ scansCited: 2, scansCheckedAt: checkedAt, scansVerified: 2 }))!;
    expect(r).toMatchObject({ scansCited: 2, scansCheckedAt: checkedAt, scansVerified: 2, scansMismatched: 0 });
  });

  it("when the scans are not checked yet, then the record has their number and no counts", () => {
    const r = toTrackingRecord(event({ scansCited: 2 }))!;
    expect(r.scansCited).toBe(2);
    expect(Object.keys(r)).not.toContain("scansCheckedAt");
    expect(Object.keys(r)).not.toContain("scansVerified");
    expect(Object.keys(r)).not.toContain("acceptedOnElectronicCopies");
  });

  it("when the case is paper only, then the record has no scan fields at all", () => {
    const keys = Object.keys(toTrackingRecord(event({}))!);
    for (const k of ["scansCited", "scansCheckedAt", "scansVerified", "scansMismatched", "acceptedOnElectronicCopies"]) {
      expect(keys).not.toContain(k);
    }
  });
});
