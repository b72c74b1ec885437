import { pino, type Logger } from "pino";

/**
 * Paths whose values are personal data (个人信息) and must never reach a log line:
 * applicants' names, id numbers, phones, addresses and certificate holders.
 */
export const personalDataPaths = [
  "applicant",
  "*.applicant",
  "*.*.applicant",
  "idNumber",
  "*.idNumber",
  "phone",
  "*.phone",
  "address",
  "*.address",
  "holderName",
  "*.holderName",
  "*.*.holderName",
  "holderIdNumber",
  "*.holderIdNumber",
  "*.*.holderIdNumber",
  "applicantName",
  "*.applicantName",
];

export interface LoggerOptions {
  service: string;
  node?: string;
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect output. */
  destination?: pino.DestinationStream;
}

/** Creates the service's root logger: JSON lines, personal data redacted. */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level ?? "info",
      base: { service: opts.service, ...(opts.node ? { node: opts.node } : {}) },
      redact: { paths: personalDataPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Synchronous writes: a line is out once the call returns, so nothing logged before an exit
    // (a refused start, a shutdown deadline, a lost lease) is lost or reordered. (pino 9 has no
    // `final`, and an asynchronous destination's flush callback can run before its last write.)
    opts.destination ?? pino.destination({ sync: true }),
  );
}

export type { Logger };
