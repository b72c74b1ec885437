/** Kafka topic names, one place for the whole network. */
export const topics = {
  /** The only topic a node reads case events from. */
  inbound: (prefix: string, node: string) => `${prefix}.${node}.inbound`,
  /** Where a node parks what it cannot process, with the reason. */
  deadLetter: (prefix: string, node: string) => `${prefix}.${node}.dlq`,
  /** Metadata-only tracking events for operators (no personal data). */
  tracking: (prefix: string) => `${prefix}.tracking`,
  /** Certificate revocations from every city's registry (CertificateRevoked, keyed by certificate id). */
  certsRevoked: (prefix: string) => `${prefix}.certs.revoked`,
};
