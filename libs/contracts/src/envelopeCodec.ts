import { CaseEvent } from "./gen/tongban/v1/case_events";
import { AuditAnchor, CertificateRevoked } from "./gen/tongban/v1/certs";
import { EventEnvelope } from "./gen/tongban/v1/envelope";
import { TrackingEvent } from "./gen/tongban/v1/tracking";

/** Current schema version written into every envelope. */
export const SCHEMA_VERSION = 1;

/** The envelope `type` of a payload, e.g. "case.accepted" or "case.command_requested". */
export function eventTypeOf(payload: CaseEvent): string {
  const c = payload.event?.$case;
  return c === undefined ? "unknown" : `case.${c.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`)}`;
}

export function encodeEnvelope(env: EventEnvelope): Buffer {
  return Buffer.from(EventEnvelope.encode(env).finish());
}

/** Decodes an envelope; throws on malformed bytes or a missing event id or case id. An unknown payload type decodes with `payload.event` undefined. */
export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  const env = EventEnvelope.decode(bytes);
  if (!env.eventId || !env.caseId) throw new Error("envelope lacks event id or case id");
  return env;
}

/** Encoders of the other signed messages on the bus (see signatures). */
export const encodeTracking = (t: TrackingEvent): Uint8Array => TrackingEvent.encode(t).finish();
export const encodeRevocation = (r: CertificateRevoked): Uint8Array => CertificateRevoked.encode(r).finish();
export const encodeAnchor = (a: AuditAnchor): Uint8Array => AuditAnchor.encode(a).finish();
