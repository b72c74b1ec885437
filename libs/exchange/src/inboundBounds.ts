import {
  type BoundViolation,
  MAX_ADDRESS_LENGTH,
  MAX_CERTIFICATES,
  MAX_CERTIFICATE_ID_LENGTH,
  MAX_CERTIFICATE_NUMBER_LENGTH,
  MAX_CLERK_LENGTH,
  MAX_CODE_LENGTH,
  MAX_COMMENT_LENGTH,
  MAX_DOCUMENT_REF_LENGTH,
  MAX_ID_LENGTH,
  MAX_ID_NUMBER_LENGTH,
  MAX_LEGS,
  MAX_LIST_ENTRIES,
  MAX_MATERIALS,
  MAX_MATERIAL_REF_LENGTH,
  checkCopies,
  checkMaterialFiles,
  MAX_MATERIAL_NAME_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PHONE_LENGTH,
  MAX_REASON_LENGTH,
  MAX_RECEIPT_NO_LENGTH,
  MAX_TRACKING_NO_LENGTH,
  checkCount,
  checkText,
} from "@tongban/bounds";
import { PoisonMessage } from "@tongban/bus";
import type { CaseSubmitted, CertificateCheck, EventEnvelope, JointCaseView, JointRef } from "@tongban/contracts";

/** Dead-letter code of an inbound event whose content can never be applied; the one malformed payloads already get. */
export const OUT_OF_BOUNDS_CODE = "UNDECODABLE";

/** Violations named in a dead-letter reason; the rest are counted. */
const REASONS_LISTED = 3;

const materialsNoun = { zh: "材料", en: "materials" };
const certificatesNoun = { zh: "证照", en: "certificates" };
const checksNoun = { zh: "证照核验", en: "certificate checks" };
const reasonsNoun = { zh: "理由", en: "reasons" };
const itemsNoun = { zh: "补正内容", en: "items" };
const legsNoun = { zh: "联办环节", en: "legs" };

/**
 * What in an inbound envelope breaks the input bounds intake and the queue API hold requests to
 * (@tongban/bounds): counts of every list first (a list over its count is not walked), then the
 * length and characters of every string. Descriptions name the field and the limit, never the value.
 */
export function inboundViolations(env: EventEnvelope): BoundViolation[] {
  const v: BoundViolation[] = [];
  const line = (field: string, value: string, max: number) => checkText(v, field, value, max);
  const free = (field: string, value: string, max: number) => checkText(v, field, value, max, { multiline: true });
  const list = (field: string, values: string[], noun: { zh: string; en: string }) => {
    if (checkCount(v, field, values.length, MAX_LIST_ENTRIES, noun)) values.forEach((s, i) => free(`${field}[${i}]`, s, MAX_REASON_LENGTH));
  };

  line("event_id", env.eventId, MAX_ID_LENGTH);
  line("case_id", env.caseId, MAX_ID_LENGTH);
  line("type", env.type, MAX_CODE_LENGTH);
  line("source_node", env.sourceNode, MAX_CODE_LENGTH);
  if (env.trace) {
    // W3C: a traceparent is 55 characters, a tracestate at most 512.
    line("trace.traceparent", env.trace.traceparent, MAX_CODE_LENGTH);
    line("trace.tracestate", env.trace.tracestate, MAX_REASON_LENGTH);
  }

  const w = env.payload?.event;
  switch (w?.$case) {
    case "submitted":
      submitted(v, w.value);
      break;
    case "forwarded":
      line("tracking_no", w.value.trackingNo, MAX_TRACKING_NO_LENGTH);
      break;
    case "refused":
      list("reasons", w.value.reasons, reasonsNoun);
      break;
    case "scansChecked":
      if (checkCount(v, "mismatched_refs", w.value.mismatchedRefs.length, MAX_MATERIALS, materialsNoun))
        w.value.mismatchedRefs.forEach((r, i) => line(`mismatched_refs[${i}]`, r, MAX_MATERIAL_REF_LENGTH));
      for (const [field, n] of [
        ["verified", w.value.verified],
        ["paper_only", w.value.paperOnly],
      ] as const)
        if (n > MAX_MATERIALS) v.push({ field, description: `最多${MAX_MATERIALS} / at most ${MAX_MATERIALS} (got ${n})` });
      break;
    case "correctionRequested":
    case "correctionSubmitted":
      list("items", w.value.items, itemsNoun);
      break;
    case "suspended":
      line("kind", w.value.kind, MAX_CODE_LENGTH);
      free("reason", w.value.reason, MAX_REASON_LENGTH);
      break;
    case "deadlineExtended":
      free("reason", w.value.reason, MAX_REASON_LENGTH);
      break;
    case "decided": {
      const d = w.value.decision;
      if (!d) break;
      line("decision.outcome", d.outcome, MAX_CODE_LENGTH);
      line("decision.document_ref", d.documentRef, MAX_DOCUMENT_REF_LENGTH);
      list("decision.reasons", d.reasons, reasonsNoun);
      break;
    }
    case "resultSent":
      if (!w.value.channel) break;
      line("channel.kind", w.value.channel.kind, MAX_CODE_LENGTH);
      line("channel.tracking_no", w.value.channel.trackingNo, MAX_TRACKING_NO_LENGTH);
      break;
    case "delivered":
      line("recorded_by", w.value.recordedBy, MAX_CODE_LENGTH);
      break;
    case "rated":
      line("level", w.value.level, MAX_CODE_LENGTH);
      free("comment", w.value.comment, MAX_COMMENT_LENGTH);
      break;
    case "problemOpened":
      line("source", w.value.source, MAX_CODE_LENGTH);
      line("reference", w.value.reference, MAX_CODE_LENGTH);
      free("description", w.value.description, MAX_REASON_LENGTH);
      break;
    case "problemAnswered":
      free("answer", w.value.answer, MAX_REASON_LENGTH);
      break;
    case "withdrawn":
      free("reason", w.value.reason, MAX_REASON_LENGTH);
      line("from_status", w.value.fromStatus, MAX_CODE_LENGTH);
      break;
    case "commandRequested": {
      const r = w.value;
      line("request_id", r.requestId, MAX_ID_LENGTH);
      line("requested_by", r.requestedBy, MAX_CLERK_LENGTH);
      const c = r.command;
      if (c?.$case === "submitCorrection") list("submit_correction.items", c.value.items, itemsNoun);
      else if (c?.$case === "withdraw") free("withdraw.reason", c.value.reason, MAX_REASON_LENGTH);
      else if (c?.$case === "recordRating") {
        line("record_rating.level", c.value.level, MAX_CODE_LENGTH);
        free("record_rating.comment", c.value.comment, MAX_COMMENT_LENGTH);
      } else if (c?.$case === "recordComplaint") {
        line("record_complaint.ticket_no", c.value.ticketNo, MAX_CODE_LENGTH);
        free("record_complaint.description", c.value.description, MAX_REASON_LENGTH);
      }
      break;
    }
    case "commandRejected":
      line("request_id", w.value.requestId, MAX_ID_LENGTH);
      line("command_type", w.value.commandType, MAX_CODE_LENGTH);
      line("code", w.value.code, MAX_CODE_LENGTH);
      line("state", w.value.state, MAX_CODE_LENGTH);
      break;
    case "certificatesVerified":
      if (checkCount(v, "checks", w.value.checks.length, MAX_CERTIFICATES, checksNoun)) certificateChecks(v, "checks", w.value.checks);
      break;
    case "jointStatusReported":
      if (w.value.joint) jointView(v, "joint", w.value.joint);
      break;
    default:
      // The rest carry timestamps only, or nothing this node can apply (UNKNOWN_TYPE elsewhere).
      break;
  }
  return v;
}

function submitted(v: BoundViolation[], s: CaseSubmitted): void {
  const line = (field: string, value: string, max: number) => checkText(v, field, value, max);
  // Counts first: a list over its bound is reported once and its entries are not walked.
  const materials = checkCount(v, "materials", s.materials.length, MAX_MATERIALS, materialsNoun);
  const certificates = checkCount(v, "certificates", s.certificates.length, MAX_CERTIFICATES, certificatesNoun);
  const checks = checkCount(v, "certificate_checks", s.certificateChecks.length, MAX_CERTIFICATES, checksNoun);

  line("receipt_no", s.receiptNo, MAX_RECEIPT_NO_LENGTH);
  line("item_code", s.itemCode, MAX_CODE_LENGTH);
  line("receiving_node", s.receivingNode, MAX_CODE_LENGTH);
  line("receiving_division", s.receivingDivision, MAX_CODE_LENGTH);
  line("home_node", s.homeNode, MAX_CODE_LENGTH);
  line("home_department", s.homeDepartment, MAX_CODE_LENGTH);
  if (s.applicant) {
    line("applicant.name", s.applicant.name, MAX_NAME_LENGTH);
    line("applicant.id_number", s.applicant.idNumber, MAX_ID_NUMBER_LENGTH);
    line("applicant.phone", s.applicant.phone, MAX_PHONE_LENGTH);
    line("applicant.address", s.applicant.address, MAX_ADDRESS_LENGTH);
  }
  line("mail_tracking_no", s.mailTrackingNo, MAX_TRACKING_NO_LENGTH);
  line("window_clerk", s.windowClerk, MAX_CLERK_LENGTH);
  if (materials) {
    s.materials.forEach((m, i) => {
      line(`materials[${i}].name`, m.name, MAX_MATERIAL_NAME_LENGTH);
      checkCopies(v, `materials[${i}].copies`, m.copies);
    });
    checkMaterialFiles(v, s.materials);
  }
  if (certificates) {
    s.certificates.forEach((c, i) => {
      line(`certificates[${i}].certificate_id`, c.certificateId, MAX_CERTIFICATE_ID_LENGTH);
      line(`certificates[${i}].number`, c.number, MAX_CERTIFICATE_NUMBER_LENGTH);
    });
  }
  if (checks) certificateChecks(v, "certificate_checks", s.certificateChecks);
  if (s.joint) jointRef(v, s.joint);
}

/** A leg's reference to its joint application (多地联办). */
function jointRef(v: BoundViolation[], j: JointRef): void {
  const line = (field: string, value: string, max: number) => checkText(v, `joint.${field}`, value, max);
  line("joint_id", j.jointId, MAX_ID_LENGTH);
  line("leg_role", j.legRole, MAX_CODE_LENGTH);
  if (checkCount(v, "joint.legs", j.legs.length, MAX_LEGS, legsNoun)) {
    j.legs.forEach((l, i) => {
      line(`legs[${i}].role`, l.role, MAX_CODE_LENGTH);
      line(`legs[${i}].case_id`, l.caseId, MAX_ID_LENGTH);
      line(`legs[${i}].home_node`, l.homeNode, MAX_CODE_LENGTH);
      line(`legs[${i}].home_department`, l.homeDepartment, MAX_CODE_LENGTH);
      if (checkCount(v, `joint.legs[${i}].waits_for`, l.waitsFor.length, MAX_LEGS, legsNoun))
        l.waitsFor.forEach((r, k) => line(`legs[${i}].waits_for[${k}]`, r, MAX_CODE_LENGTH));
    });
  }
  if (checkCount(v, "joint.prerequisites", j.prerequisites.length, MAX_LEGS, legsNoun)) {
    j.prerequisites.forEach((p, i) => {
      line(`prerequisites[${i}].role`, p.role, MAX_CODE_LENGTH);
      line(`prerequisites[${i}].case_id`, p.caseId, MAX_ID_LENGTH);
      line(`prerequisites[${i}].home_node`, p.homeNode, MAX_CODE_LENGTH);
      line(`prerequisites[${i}].home_department`, p.homeDepartment, MAX_CODE_LENGTH);
      line(`prerequisites[${i}].outcome`, p.outcome, MAX_CODE_LENGTH);
      line(`prerequisites[${i}].document_ref`, p.documentRef, MAX_DOCUMENT_REF_LENGTH);
    });
  }
}

/** A joint application's report: ids and codes, reasons, and each leg. */
function jointView(v: BoundViolation[], field: string, j: JointCaseView): void {
  const line = (f: string, value: string, max: number) => checkText(v, `${field}.${f}`, value, max);
  line("joint_id", j.jointId, MAX_ID_LENGTH);
  line("receipt_no", j.receiptNo, MAX_RECEIPT_NO_LENGTH);
  line("item_code", j.itemCode, MAX_CODE_LENGTH);
  line("receiving_node", j.receivingNode, MAX_CODE_LENGTH);
  line("state", j.state, MAX_CODE_LENGTH);
  line("state_zh", j.stateZh, MAX_CODE_LENGTH);
  line("state_en", j.stateEn, MAX_CODE_LENGTH);
  line("ended_by_leg", j.endedByLeg, MAX_CODE_LENGTH);
  if (checkCount(v, `${field}.reasons`, j.reasons.length, MAX_LIST_ENTRIES, reasonsNoun))
    j.reasons.forEach((r, i) => checkText(v, `${field}.reasons[${i}]`, r, MAX_REASON_LENGTH, { multiline: true }));
  if (!checkCount(v, `${field}.legs`, j.legs.length, MAX_LEGS, legsNoun)) return;
  j.legs.forEach((l, i) => {
    const at = `legs[${i}]`;
    for (const [f, value] of [
      ["role", l.role],
      ["name_zh", l.nameZh],
      ["name_en", l.nameEn],
      ["home_node", l.homeNode],
      ["home_department", l.homeDepartment],
      ["state", l.state],
      ["state_zh", l.stateZh],
      ["state_en", l.stateEn],
      ["overdue_stage", l.overdueStage],
      ["decision", l.decision],
    ] as const)
      line(`${at}.${f}`, value, MAX_CODE_LENGTH);
    line(`${at}.case_id`, l.caseId, MAX_ID_LENGTH);
    line(`${at}.decision_ref`, l.decisionRef, MAX_DOCUMENT_REF_LENGTH);
    if (checkCount(v, `${field}.${at}.waits_for`, l.waitsFor.length, MAX_LEGS, legsNoun))
      l.waitsFor.forEach((r, k) => line(`${at}.waits_for[${k}]`, r, MAX_CODE_LENGTH));
  });
}

/** The fields of a certificate check that have a bound; names and details from a registry have none. */
function certificateChecks(v: BoundViolation[], field: string, checks: CertificateCheck[]): void {
  const line = (f: string, value: string, max: number) => checkText(v, f, value, max);
  checks.forEach((c, i) => {
    const at = `${field}[${i}]`;
    line(`${at}.certificate_id`, c.certificateId, MAX_CERTIFICATE_ID_LENGTH);
    line(`${at}.number`, c.number, MAX_CERTIFICATE_NUMBER_LENGTH);
    line(`${at}.issuer_code`, c.issuerCode, MAX_CODE_LENGTH);
    line(`${at}.verified_by`, c.verifiedBy, MAX_CODE_LENGTH);
    line(`${at}.requested_by`, c.requestedBy, MAX_CODE_LENGTH);
    line(`${at}.operator`, c.operator, MAX_CLERK_LENGTH);
    line(`${at}.registry_node`, c.registryNode, MAX_CODE_LENGTH);
  });
}

/**
 * Throws a PoisonMessage when an inbound envelope breaks the input bounds, before anything is read
 * or written for it. The reason names fields and limits only: the values may be personal data.
 */
export function checkInboundBounds(env: EventEnvelope): void {
  const v = inboundViolations(env);
  if (v.length === 0) return;
  const listed = v
    .slice(0, REASONS_LISTED)
    .map((x) => `${x.field}: ${x.description}`)
    .join("; ");
  const more = v.length > REASONS_LISTED ? `; ${v.length - REASONS_LISTED} more` : "";
  // The type is named only when it is itself within bounds.
  const type = v.some((x) => x.field === "type") ? "event" : env.type;
  throw new PoisonMessage(`${type} out of input bounds: ${listed}${more}`, OUT_OF_BOUNDS_CODE);
}
