import type { CertificateRecord } from "@tongban/certs-client";
import type { NodeConfig } from "@tongban/config";
import { makeCertificateId, makeCreditCode, makeResidentId, organizationCodeCheckChar } from "@tongban/identifiers";

/** A demo certificate (电子证照): a registry record plus the city whose registry holds it. */
export interface DemoCertificate extends CertificateRecord {
  /** The node whose registry holds the certificate (the issuing department's city). */
  registryNode: string;
}

interface CertificateType {
  code: string;
  name: string;
  department: keyof typeof DEPARTMENTS;
  holder: "person" | "organization";
  /** Years of validity; undefined for certificates without expiry. */
  years?: number;
  /** Issued by the district's department rather than the city's. */
  district?: boolean;
}

const DEPARTMENTS = {
  police: { zh: "公安局", org: "0001" },
  civil: { zh: "民政局", org: "0002" },
  land: { zh: "自然资源和规划局", org: "0003" },
  market: { zh: "市场监督管理局", org: "0004" },
  hr: { zh: "人力资源和社会保障局", org: "0005" },
} as const;

/**
 * Certificate types as GB/T 36904 codes them: the credit code of the national authority that
 * defines the type (a 机关 code at division 100000) and a 3-digit sequence.
 */
const MINISTRIES = {
  publicSecurity: makeCreditCode("11100000000013338"),
  civilAffairs: makeCreditCode("11100000000013127"),
  naturalResources: makeCreditCode("11100000MB0154320"),
  marketRegulation: makeCreditCode("11100000MB0143920"),
  humanResources: makeCreditCode("11100000717800899"),
} as const;

const TYPES: CertificateType[] = [
  { code: `${MINISTRIES.publicSecurity}001`, name: "居民户口簿", department: "police", holder: "person" },
  { code: `${MINISTRIES.civilAffairs}001`, name: "结婚证", department: "civil", holder: "person" },
  { code: `${MINISTRIES.naturalResources}001`, name: "不动产权证书", department: "land", holder: "person" },
  { code: `${MINISTRIES.publicSecurity}011`, name: "机动车驾驶证", department: "police", holder: "person", years: 6 },
  { code: `${MINISTRIES.marketRegulation}001`, name: "营业执照", department: "market", holder: "organization", district: true, years: 20 },
  { code: `${MINISTRIES.marketRegulation}002`, name: "食品经营许可证", department: "market", holder: "organization", years: 5 },
  { code: `${MINISTRIES.humanResources}001`, name: "职业资格证书", department: "hr", holder: "person" },
];

const SURNAMES = ["陈", "林", "黄", "郑", "王", "吴", "蔡", "许", "李", "张", "洪", "庄"];
const GIVEN = ["志明", "雅琴", "振华", "秀兰", "文杰", "丽娟", "建平", "美华"];
const TRADES = ["贸易", "食品", "茶业", "建材", "物流", "餐饮"];

/** Certificates each city's registry holds in the demo. */
export const DEMO_CERTIFICATES_PER_CITY = 42;

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

/** Government organ credit code (机关, 11…) of a department at `division`. */
function organCode(division: string, org: string, salt: number): string {
  const body8 = `${org}${String(salt).padStart(4, "0")}`.slice(-8).padStart(8, "0");
  return makeCreditCode(`11${division}${body8}${organizationCodeCheckChar(body8)}`);
}

/** Enterprise credit code (企业, 91…) registered at `division`. */
function companyCode(division: string, n: number): string {
  const body8 = `MA${String(3_000_000 + n * 7919).slice(-6)}`;
  return makeCreditCode(`91${division}${body8}${organizationCodeCheckChar(body8)}`);
}

/** People of the three cities who hold certificates (deterministic). */
export function demoPeople(nodes: readonly NodeConfig[]): { name: string; idNumber: string }[] {
  const districts = nodes.flatMap((n) => n.districts);
  return Array.from({ length: 24 }, (_, i) => {
    const d = districts[(i * 5) % districts.length]!;
    return {
      name: `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 3) % GIVEN.length]}`,
      idNumber: makeResidentId(d.code, utc(1962 + ((i * 7) % 38), i % 12, 1 + ((i * 5) % 27)), 100 + i * 13, i % 2 === 0),
    };
  });
}

/** Companies of the three cities that hold certificates (deterministic). */
export function demoCompanies(nodes: readonly NodeConfig[]): { name: string; idNumber: string }[] {
  return nodes.flatMap((node, c) =>
    Array.from({ length: 4 }, (_, i) => {
      const d = node.districts[i % node.districts.length]!;
      return {
        name: `${node.name.zh.replace("市", "")}${d.zh.replace(/[区县市]$/, "")}${TRADES[(i + c) % TRADES.length]}有限公司`,
        idNumber: companyCode(d.code, c * 10 + i),
      };
    }),
  );
}

/**
 * The demo registry contents of every city: realistic certificates with valid GB/T 36904
 * identifiers and issuer credit codes, most valid, some expired and some revoked. Deterministic
 * (fixed dates, no clock): the same network always yields the same certificates.
 */
export function demoCertificates(nodes: readonly NodeConfig[]): DemoCertificate[] {
  const people = demoPeople(nodes);
  const companies = demoCompanies(nodes);
  return nodes.flatMap((node, c) =>
    Array.from({ length: DEMO_CERTIFICATES_PER_CITY }, (_, k): DemoCertificate => {
      const type = TYPES[k % TYPES.length]!;
      const dept = DEPARTMENTS[type.department];
      const district = node.districts[k % node.districts.length]!;
      const territoryCode = type.district ? district.code : node.division;
      const issuerName = type.district ? `${node.name.zh}${district.zh}${dept.zh}` : `${node.name.zh}${dept.zh}`;
      const issuerCode = organCode(territoryCode, dept.org, c * 100 + (type.district ? k % node.districts.length : 0));
      const holder = type.holder === "person" ? people[(k + c * 7) % people.length]! : companies[(k + c * 3) % companies.length]!;
      const round = Math.floor(k / TYPES.length);
      const validFrom = utc(2015 + ((k + c) % 9), k % 12, 1 + (k % 27));
      // Every third round of an expiring type has lapsed; about one in eight of the rest was revoked.
      const expired = type.years !== undefined && round % 3 === 1;
      const revoked = !expired && k % 8 === 5;
      const validTo = expired
        ? utc(2022 + (k % 3), (k + 3) % 12, 1 + (k % 27))
        : type.years !== undefined
          ? utc(2035 + (k % 10), k % 12, 1 + (k % 27))
          : undefined;
      const serial = String(c + 1) + String(k + 1).padStart(6, "0");
      const year = validFrom.getUTCFullYear();
      const number =
        type.name === "不动产权证书"
          ? `闽(${year})${node.name.zh}不动产权第${serial.padStart(7, "0")}号`
          : type.name === "机动车驾驶证"
            ? holder.idNumber
            : type.name === "营业执照"
              ? holder.idNumber
              : `${type.code}-${territoryCode}-${year}-${serial}`;
      return {
        certificateId: makeCertificateId({ typeCode: type.code, issuerCode, serial, version: "1" }),
        typeCode: type.code,
        typeName: type.name,
        number,
        holderName: holder.name,
        holderIdType: type.holder === "person" ? "RESIDENT_ID" : "CREDIT_CODE",
        holderId: holder.idNumber,
        issuerName,
        issuerCode,
        validFrom,
        ...(validTo ? { validTo } : {}),
        territoryCode,
        status: expired ? "expired" : revoked ? "revoked" : "valid",
        version: 1,
        registryNode: node.id,
      };
    }),
  );
}
