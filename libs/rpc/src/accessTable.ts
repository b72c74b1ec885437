import type { Role } from "@tongban/identity";

/**
 * Who may call a method. `roles`: the caller certificate's role (or "any" authenticated identity);
 * `cities`: "own" = only identities of the server's own city, "network" = of any city of the network;
 * `person`: the call must also carry a token (`authorization: Bearer <JWT>`) of a person with this
 * role, issued by the server city's identity provider. `also`: the rule the handler applies to the
 * data itself (中文 / English in the README table comes from here).
 */
export interface AccessRule {
  roles: readonly Role[] | "any";
  cities: "own" | "network";
  person?: "clerk";
  also?: string;
}

const intake = (also?: string): AccessRule => ({ roles: ["window"], cities: "own", ...(also ? { also } : {}) });
const sentByThisCity = "only cases this city's windows sent (a home-side case is NOT_FOUND)";
const queue = (also: string): AccessRule => ({ roles: ["authority"], cities: "own", person: "clerk", also });
const ownDepartment = "only cases of the clerk's department; the clerk is the token's subject";

/**
 * The authorization table (授权表): every method of every gRPC service the exchange serves. The
 * access interceptor refuses a method that has no entry, so a new method cannot be forgotten.
 */
export const accessTable: Readonly<Record<string, AccessRule>> = {
  "/tongban.v1.IntakeService/SubmitCase": intake(),
  "/tongban.v1.IntakeService/SubmitCorrection": intake(sentByThisCity),
  "/tongban.v1.IntakeService/WithdrawCase": intake(sentByThisCity),
  "/tongban.v1.IntakeService/RecordDelivery": intake(sentByThisCity),
  "/tongban.v1.IntakeService/RecordRating": intake(sentByThisCity),
  "/tongban.v1.IntakeService/RecordComplaint": intake(sentByThisCity),
  "/tongban.v1.IntakeService/GetCase": intake(sentByThisCity),
  "/tongban.v1.IntakeService/ListSentCases": intake(sentByThisCity),
  "/tongban.v1.IntakeService/WatchSentCases": intake(sentByThisCity),
  "/tongban.v1.IntakeService/GetJointCase": intake("only joint applications this city's windows registered"),
  "/tongban.v1.IntakeService/WithdrawJointCase": intake("only joint applications this city's windows registered"),

  "/tongban.v1.MaterialService/UploadMaterial": intake("the reference answered is usable only in this city's submissions"),
  "/tongban.v1.MaterialService/FetchMaterial": {
    roles: ["node"],
    cities: "network",
    also: "only the case's home node (the caller's city), only files that case cites; anything else is NOT_FOUND",
  },

  "/tongban.v1.CatalogService/ListItems": { roles: ["window", "authority"], cities: "own", also: "public catalog data, no personal data" },
  "/tongban.v1.CatalogService/GetItem": { roles: ["window", "authority"], cities: "own", also: "public catalog data, no personal data" },

  "/tongban.v1.AuthorityQueueService/ListQueue": queue("filtered to the clerk's department; another department is PERMISSION_DENIED"),
  "/tongban.v1.AuthorityQueueService/WatchQueue": queue("filtered to the clerk's department; another department is PERMISSION_DENIED"),
  "/tongban.v1.AuthorityQueueService/GetQueueItem": queue(ownDepartment),
  "/tongban.v1.AuthorityQueueService/ClaimItem": queue(ownDepartment),
  "/tongban.v1.AuthorityQueueService/ReleaseItem": queue(ownDepartment),
  "/tongban.v1.AuthorityQueueService/ExecuteCommand": queue(ownDepartment),
  "/tongban.v1.AuthorityQueueService/ListMaterials": queue(ownDepartment),
  "/tongban.v1.AuthorityQueueService/DownloadMaterial": queue(`${ownDepartment}; only scans fetched and verified`),

  "/tongban.v1.CertificateRegistryService/Verify": {
    roles: ["node"],
    cities: "network",
    also: "the purpose's requesting node is the caller's city; holder-mismatch answers are rate-limited per caller",
  },
  "/tongban.v1.CertificateRegistryService/VerifyBatch": {
    roles: ["node"],
    cities: "network",
    also: "the purpose's requesting node is the caller's city; holder-mismatch answers are rate-limited per caller",
  },
  "/tongban.v1.CertificateRegistryService/Revoke": {
    roles: ["issuer"],
    cities: "own",
    also: "only the certificate's issuer: the caller's 统一社会信用代码 must be the record's issuer code",
  },
  "/tongban.v1.CertificateRegistryService/VerifyAuditChain": { roles: ["operator", "auditor"], cities: "own" },

  "/grpc.health.v1.Health/Check": { roles: "any", cities: "network" },
  "/grpc.health.v1.Health/Watch": { roles: "any", cities: "network" },
};

/** The table as Markdown for the README's "Security model" (kept equal by a unit test). */
export function renderAccessTable(table: Readonly<Record<string, AccessRule>> = accessTable): string {
  const rows = Object.entries(table).map(([path, r]) => {
    const callers = r.roles === "any" ? "any identity" : r.roles.join(", ");
    const cities = r.cities === "own" ? "own city" : "any city of the network";
    return `| \`${path.slice(1)}\` | ${callers} | ${cities} | ${r.person ? `${r.person} token` : "—"} | ${r.also ?? "—"} |`;
  });
  return ["| method | caller role | caller city | person | on the data |", "|---|---|---|---|---|", ...rows].join("\n");
}
