/**
 * Input bounds (输入上限) of every API: the longest string and the most entries of a repeated
 * field that any real request needs, with room to spare. Lengths count characters (Unicode code
 * points), so a Chinese name of 100 characters fits a limit of 100. The README's "Input bounds"
 * table is checked against these numbers by a unit test.
 */

/** Window receipt number (收件编号); its own pattern allows 4 to 40 letters, digits or dashes. */
export const MAX_RECEIPT_NO_LENGTH = 40;
/** Codes: catalog item code, department, division, node id, issuer code, state names. */
export const MAX_CODE_LENGTH = 64;
/** Ids a client or the exchange made: case id, request id, page token, dead-letter id. */
export const MAX_ID_LENGTH = 64;
/** The monitor's dead-letter id: `<topic>:<partition>:<offset>`, a Kafka topic name being at most 249 characters. */
export const MAX_DEAD_LETTER_ID_LENGTH = 300;
/** Staff ids: window clerk, authority clerk, registry operator. */
export const MAX_CLERK_LENGTH = 64;
/** Applicant name (a company's registered name is the longest) and certificate holder name. */
export const MAX_NAME_LENGTH = 100;
/** 居民身份证号码 (18) or 统一社会信用代码 (18), with room for historic forms. */
export const MAX_ID_NUMBER_LENGTH = 32;
export const MAX_PHONE_LENGTH = 20;
export const MAX_ADDRESS_LENGTH = 200;
/** Name of one material handed in at the window. */
export const MAX_MATERIAL_NAME_LENGTH = 100;
/** Paper copies of one material. */
export const MAX_MATERIAL_COPIES = 100;
/** Mail tracking number (EMS 13, others up to 30). */
export const MAX_TRACKING_NO_LENGTH = 30;
/** GB/T 36904 certificate identifier. */
export const MAX_CERTIFICATE_ID_LENGTH = 128;
/** Certificate number printed on the certificate. */
export const MAX_CERTIFICATE_NUMBER_LENGTH = 64;
/** One reason or one correction item (refusal, denial, correction, suspension, extension, withdrawal, revocation). */
export const MAX_REASON_LENGTH = 500;
/** The applicant's rating comment (好差评). */
export const MAX_COMMENT_LENGTH = 500;
/** Decision document reference (决定文书文号). */
export const MAX_DOCUMENT_REF_LENGTH = 100;
/** The monitor's case search text. */
export const MAX_SEARCH_LENGTH = 64;

/** Materials on one application: a real application lists a few dozen at most. */
export const MAX_MATERIALS = 50;
/** One scanned material (电子材料): at most 50 MB. */
export const MAX_MATERIAL_BYTES = 50 * 1024 * 1024;
/** The scans of one case together: at most 200 MB. */
export const MAX_CASE_MATERIAL_BYTES = 200 * 1024 * 1024;
/** The media types a scan may have: PDF, OFD (GB/T 33190), JPEG, PNG. */
export const MATERIAL_MEDIA_TYPES = ["application/pdf", "application/ofd", "image/jpeg", "image/png"] as const;
/** A material file's reference: at most 64 characters. */
export const MAX_MATERIAL_REF_LENGTH = 64;
/** Certificates one application references. */
export const MAX_CERTIFICATES = 20;
/** Entries of a reasons or correction-items list. */
export const MAX_LIST_ENTRIES = 20;
/** Legs of one joint application (多地联办): the catalog's joint items have two. */
export const MAX_LEGS = 8;
/** Cases one page of a list (ListQueue, ListSentCases) may hold. */
export const MAX_PAGE_SIZE = 200;
/** Lookups one VerifyBatch may carry. */
export const MAX_VERIFY_BATCH = 100;

/** Field violations reported for one request; the rest are summed up in one more entry. */
export const MAX_VIOLATIONS_REPORTED = 20;

/**
 * gRPC `max_receive_message_length` of the intake API. The largest valid SubmitCase (50 materials,
 * 20 certificates, every field at its limit) is under 64 KiB. The limit is set well above that,
 * at twice the broker's 1 MB message size, so that even a grossly oversized request of the kind
 * seen in the field (50,000 materials, 20,000 certificate references) is parsed and answered with
 * a field violation naming its limit; anything larger is refused unread with RESOURCE_EXHAUSTED.
 */
export const INTAKE_MAX_RECEIVE_BYTES = 2 * 1024 * 1024;
/** The queue API: the largest valid command (20 reasons of 500 characters) is under 32 KiB. */
export const QUEUE_MAX_RECEIVE_BYTES = 64 * 1024;
/** The certs API: the largest valid VerifyBatch (100 lookups at their limits) is under 64 KiB. */
export const CERTS_MAX_RECEIVE_BYTES = 256 * 1024;
/** The monitor's HTTP API: its POSTs carry no body; anything bigger is refused with 413. */
export const MONITOR_MAX_BODY_BYTES = 16 * 1024;
