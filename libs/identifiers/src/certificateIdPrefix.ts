/** OID arc that every electronic certificate identifier (GB/T 36904) starts with. */
export const CERTIFICATE_ID_PREFIX = "1.2.156.3005.2";
