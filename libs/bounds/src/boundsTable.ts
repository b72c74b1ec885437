import * as L from "./limits";

type Limit = { [K in keyof typeof L]: (typeof L)[K] extends number ? K : never }[keyof typeof L];

/** One row of the README's "Input bounds" table: which fields, their limit, and the constant it comes from. */
export interface BoundsRow {
  fields: string;
  limit: string;
  constant: Limit;
}

const chars = (n: number) => `${n} characters`;
const entries = (n: number) => `${n} entries`;
const bytes = (n: number) => (n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${n / 1024} KiB`);

const rows: [fields: string, constant: Limit, unit: (n: number) => string][] = [
  ["receipt_no", "MAX_RECEIPT_NO_LENGTH", chars],
  [
    "item_code, home_node, home_department, receiving_division, department, state, issuer_code, requesting_node, batch, code, if_none_match, legs[].role, legs[].home_node, legs[].home_department, monitor node",
    "MAX_CODE_LENGTH",
    chars,
  ],
  ["case_id, request_id, page_token, ticket_no, joint_id", "MAX_ID_LENGTH", chars],
  ["monitor dead-letter id", "MAX_DEAD_LETTER_ID_LENGTH", chars],
  ["window_clerk, clerk, operator", "MAX_CLERK_LENGTH", chars],
  ["applicant.name, holder_name", "MAX_NAME_LENGTH", chars],
  ["applicant.id_number, holder_id_number", "MAX_ID_NUMBER_LENGTH", chars],
  ["applicant.phone", "MAX_PHONE_LENGTH", chars],
  ["applicant.address", "MAX_ADDRESS_LENGTH", chars],
  ["materials[].name", "MAX_MATERIAL_NAME_LENGTH", chars],
  ["materials[].copies", "MAX_MATERIAL_COPIES", String],
  ["materials[].file.ref", "MAX_MATERIAL_REF_LENGTH", chars],
  ["materials[].file.size, one uploaded scan", "MAX_MATERIAL_BYTES", bytes],
  ["materials[].file.size of one case together", "MAX_CASE_MATERIAL_BYTES", bytes],
  ["mail_tracking_no, channel.tracking_no", "MAX_TRACKING_NO_LENGTH", chars],
  ["certificate_id", "MAX_CERTIFICATE_ID_LENGTH", chars],
  ["certificates[].number, number", "MAX_CERTIFICATE_NUMBER_LENGTH", chars],
  ["reason, reasons[], items[], description, answer", "MAX_REASON_LENGTH", chars],
  ["comment", "MAX_COMMENT_LENGTH", chars],
  ["document_ref", "MAX_DOCUMENT_REF_LENGTH", chars],
  ["monitor search q", "MAX_SEARCH_LENGTH", chars],
  ["materials", "MAX_MATERIALS", entries],
  ["certificates", "MAX_CERTIFICATES", entries],
  ["items, reasons", "MAX_LIST_ENTRIES", entries],
  ["legs", "MAX_LEGS", entries],
  ["page_size", "MAX_PAGE_SIZE", entries],
  ["VerifyBatch queries", "MAX_VERIFY_BATCH", entries],
  ["field violations reported per request", "MAX_VIOLATIONS_REPORTED", entries],
  ["intake gRPC message", "INTAKE_MAX_RECEIVE_BYTES", bytes],
  ["queue gRPC message", "QUEUE_MAX_RECEIVE_BYTES", bytes],
  ["certs gRPC message", "CERTS_MAX_RECEIVE_BYTES", bytes],
  ["monitor HTTP body", "MONITOR_MAX_BODY_BYTES", bytes],
];

/** The README's "Input bounds" table, row by row, from the constants (a unit test keeps the two equal). */
export function boundsTable(): BoundsRow[] {
  return rows.map(([fields, constant, unit]) => ({ fields, constant, limit: unit(L[constant]) }));
}
