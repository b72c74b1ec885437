/** Kafka topic names, one place for the whole network. */
export const topics = {
  /** The only topic a node reads case events from. */
  inbound: (prefix: string, node: string) => `${prefix}.${node}.inbound`,
  /** Submissions of a city's window systems (SubmitCaseRequest keyed by receipt number): the Kafka intake channel. */
  intake: (prefix: string, node: string) => `${prefix}.${node}.intake`,
  /** The node's answer to each intake record (IntakeResult keyed by receipt number), for the city's window systems. */
  intakeResults: (prefix: string, node: string) => `${prefix}.${node}.intake-results`,
  /** Where a node parks what it cannot process, with the reason. */
  deadLetter: (prefix: string, node: string) => `${prefix}.${node}.dlq`,
  /** Metadata-only tracking events for operators (no personal data). */
  tracking: (prefix: string) => `${prefix}.tracking`,
  /** Certificate revocations from every city's registry (CertificateRevoked, keyed by certificate id). */
  certsRevoked: (prefix: string) => `${prefix}.certs.revoked`,
  /** Where the monitor parks tracking records and dead letters it cannot read. */
  monitorDeadLetter: (prefix: string) => `${prefix}.monitor.dlq`,
  /** Registries' signed audit chain heads (AuditAnchor, keyed by registry node). */
  certsAnchors: (prefix: string) => `${prefix}.certs.anchors`,
};

/** Kafka consumer-group names, beside the topics they read (the names are kept: deployments keep their offsets). */
export const groups = {
  /** A node's consumer of its inbound topic. */
  inbound: (prefix: string, node: string) => `${prefix}.${node}.node`,
  /** A node's consumer of the certificate revocations. */
  revocations: (prefix: string, node: string) => `${prefix}.${node}.certs-revoked`,
  /** A node's consumer of its city's intake topic. */
  intake: (prefix: string, node: string) => `${prefix}.${node}.intake`,
  /** The prefix of the consumer groups a city's window systems read their intake results with. */
  window: (prefix: string, node: string) => `${prefix}.${node}.window.`,
  /** The monitor's consumer of the tracking topic. */
  monitorTracking: (prefix: string) => `${prefix}.monitor.tracking`,
  /** The monitor's consumer of every node's dead-letter topic. */
  monitorDeadLetters: (prefix: string) => `${prefix}.monitor.dlq`,
  /** The prefix of the operators' command line's groups (throwaway readers, the lag probe). */
  cli: (prefix: string) => `${prefix}.cli.`,
};
