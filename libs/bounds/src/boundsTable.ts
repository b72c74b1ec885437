import * as L from "./limits";

/** One row of the README's "Input bounds" table: which fields, and their limit. */
export interface BoundsRow {
  fields: string;
  limit: string;
}

const chars = (n: number) => `${n} characters`;
const entries = (n: number) => `${n} entries`;
const kib = (n: number) => `${n / 1024} KiB`;

/** The README's "Input bounds" table, row by row, from the constants (a unit test keeps them equal). */
export function boundsTable(): BoundsRow[] {
  return [
    { fields: "receipt_no", limit: chars(L.MAX_RECEIPT_NO_LENGTH) },
    {
      fields: "item_code, home_node, home_department, receiving_division, department, state, issuer_code, requesting_node, monitor node",
      limit: chars(L.MAX_CODE_LENGTH),
    },
    { fields: "case_id, request_id, page_token", limit: chars(L.MAX_ID_LENGTH) },
    { fields: "monitor dead-letter id", limit: chars(L.MAX_DEAD_LETTER_ID_LENGTH) },
    { fields: "window_clerk, clerk, operator", limit: chars(L.MAX_CLERK_LENGTH) },
    { fields: "applicant.name, holder_name", limit: chars(L.MAX_NAME_LENGTH) },
    { fields: "applicant.id_number, holder_id_number", limit: chars(L.MAX_ID_NUMBER_LENGTH) },
    { fields: "applicant.phone", limit: chars(L.MAX_PHONE_LENGTH) },
    { fields: "applicant.address", limit: chars(L.MAX_ADDRESS_LENGTH) },
    { fields: "materials[].name", limit: chars(L.MAX_MATERIAL_NAME_LENGTH) },
    { fields: "materials[].copies", limit: `${L.MAX_MATERIAL_COPIES}` },
    { fields: "mail_tracking_no, channel.tracking_no", limit: chars(L.MAX_TRACKING_NO_LENGTH) },
    { fields: "certificate_id", limit: chars(L.MAX_CERTIFICATE_ID_LENGTH) },
    { fields: "certificates[].number, number", limit: chars(L.MAX_CERTIFICATE_NUMBER_LENGTH) },
    { fields: "reason, reasons[], items[]", limit: chars(L.MAX_REASON_LENGTH) },
    { fields: "comment", limit: chars(L.MAX_COMMENT_LENGTH) },
    { fields: "document_ref", limit: chars(L.MAX_DOCUMENT_REF_LENGTH) },
    { fields: "monitor search q", limit: chars(L.MAX_SEARCH_LENGTH) },
    { fields: "materials", limit: entries(L.MAX_MATERIALS) },
    { fields: "certificates", limit: entries(L.MAX_CERTIFICATES) },
    { fields: "items, reasons", limit: entries(L.MAX_LIST_ENTRIES) },
    { fields: "VerifyBatch queries", limit: entries(L.MAX_VERIFY_BATCH) },
    { fields: "field violations reported per request", limit: entries(L.MAX_VIOLATIONS_REPORTED) },
    { fields: "intake gRPC message", limit: kib(L.INTAKE_MAX_RECEIVE_BYTES) },
    { fields: "queue gRPC message", limit: kib(L.QUEUE_MAX_RECEIVE_BYTES) },
    { fields: "certs gRPC message", limit: kib(L.CERTS_MAX_RECEIVE_BYTES) },
    { fields: "monitor HTTP body", limit: kib(L.MONITOR_MAX_BODY_BYTES) },
  ];
}
