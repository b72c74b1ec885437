import { handlingOf, homeDepartment, items } from "@tongban/catalog";
import type { NodeConfig } from "@tongban/config";
import { ApplicantKind, type SubmitCaseRequest } from "@tongban/contracts";
import { makeResidentId } from "@tongban/identifiers";
import type { DemoCertificate } from "./certificates";

const SURNAMES = ["陈", "林", "黄", "张", "李", "王", "吴", "郑", "蔡", "许"];
const GIVEN = ["晓明", "丽华", "建国", "秀英", "志强", "美玲", "文辉", "雅婷", "国栋", "淑芬"];

/** Items that may travel by remote receipt and have a home department in `homeNode`. */
export function eligibleItems(homeNode: string) {
  return items().filter((i) => i.remoteReceipt && handlingOf(i).kind === "single" && homeDepartment(i.code, homeNode) !== undefined);
}

export interface SampleOptions {
  /**
   * Certificates the application references (by identifier and number); the applicant becomes
   * the holder of the first one, so the others match only if they have the same holder.
   */
  certificates?: readonly DemoCertificate[];
}

/**
 * A realistic, valid submission from a window in `from` for a matter whose home is `to`:
 * a catalog item eligible for remote receipt, its home department, a valid 居民身份证号码.
 * Deterministic in `n`, so runs are reproducible.
 */
export function sampleSubmission(
  from: NodeConfig,
  to: string,
  n: number,
  receiptPrefix = "WIN",
  opts: SampleOptions = {},
): SubmitCaseRequest {
  const candidates = eligibleItems(to);
  const item = candidates[n % candidates.length];
  if (!item) throw new Error(`no remote-receipt item has a home department in ${to}`);
  const district = from.districts[n % from.districts.length] ?? from.districts[0]!;
  const birth = new Date(Date.UTC(1960 + (n % 40), n % 12, 1 + (n % 28)));
  const certs = opts.certificates ?? [];
  const holder = certs[0];
  return {
    receiptNo: `${receiptPrefix}-${from.id.slice(0, 2).toUpperCase()}-${String(n).padStart(8, "0")}`,
    itemCode: item.code,
    receivingDivision: district.code,
    homeNode: to,
    homeDepartment: homeDepartment(item.code, to)!.code,
    applicant: {
      kind: holder?.holderIdType === "CREDIT_CODE" ? ApplicantKind.APPLICANT_KIND_ORGANIZATION : ApplicantKind.APPLICANT_KIND_PERSON,
      name: holder?.holderName ?? `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n >> 3) % GIVEN.length]}`,
      idNumber: holder?.holderId ?? makeResidentId(district.code, birth, (n % 900) + 100, n % 2 === 0),
      phone: `139${String(50_000_000 + (n % 49_999_999)).padStart(8, "0")}`,
      address: `${from.name.zh}${district.zh}示范路${(n % 200) + 1}号`,
    },
    materials: [
      { name: "申请表", copies: 1 },
      { name: "身份证复印件", copies: 1 },
    ],
    certificates: certs.map((c) => ({ certificateId: c.certificateId, number: c.number })),
    mailTrackingNo: `1${String(100_000_000_000 + n).slice(-12)}`,
    windowClerk: `clerk-${from.id}-${(n % 5) + 1}`,
    identityVerified: true,
    legs: [],
  };
}

/** Items handled jointly (多地联办) whose every leg has a department in each of the given cities. */
export function jointItems(...cities: string[]) {
  return items().filter((i) => i.remoteReceipt && handlingOf(i).kind === "joint" && cities.every((c) => homeDepartment(i.code, c)));
}

/**
 * A formally valid joint application (多地联办) received at `from`'s window: the transfer-out leg
 * homed in `out`, the transfer-in leg in `into` (either may be `from` itself).
 */
export function sampleJointSubmission(from: NodeConfig, out: string, into: string, n: number, receiptPrefix = "JNT"): SubmitCaseRequest {
  const item = jointItems(out, into)[n % jointItems(out, into).length];
  if (!item) throw new Error(`no joint item has departments in ${out} and ${into}`);
  const base = sampleSubmission(from, out === from.id ? into : out, n, receiptPrefix);
  return {
    ...base,
    itemCode: item.code,
    homeNode: "",
    homeDepartment: "",
    legs: [
      { role: "out", homeNode: out, homeDepartment: homeDepartment(item.code, out)!.code },
      { role: "in", homeNode: into, homeDepartment: homeDepartment(item.code, into)!.code },
    ],
  };
}
