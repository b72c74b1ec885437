import { homeDepartment } from "@tongban/catalog";
import { ApplicantKind, type CaseSubmitted } from "@tongban/contracts";
import { eligibleItems } from "@tongban/demo";

/** A formally valid submission received at `from`'s window for a matter homed in `to`, as intake records it. */
export function sampleCaseSubmitted(from: string, to: string, receiptNo: string): CaseSubmitted {
  const item = eligibleItems(to)[0]!;
  return {
    receiptNo,
    itemCode: item.code,
    receivingNode: from,
    receivingDivision: "350203",
    homeNode: to,
    homeDepartment: homeDepartment(item.code, to)!.code,
    applicant: {
      kind: ApplicantKind.APPLICANT_KIND_PERSON,
      name: "陈晓明",
      idNumber: "35020319800101123X",
      phone: "13950000000",
      address: "厦门市思明区示范路1号",
    },
    materials: [{ name: "申请表", copies: 1 }],
    certificates: [],
    mailTrackingNo: "1100000000001",
    receivedAt: new Date("2026-03-02T01:00:00Z"),
    windowClerk: "window-1",
    certificateChecks: [],
    sealedApplicant: undefined,
    joint: undefined,
  };
}
