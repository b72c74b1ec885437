import {
  MAX_CODE_LENGTH,
  MAX_COMMENT_LENGTH,
  MAX_DOCUMENT_REF_LENGTH,
  MAX_ID_LENGTH,
  MAX_LIST_ENTRIES,
  MAX_MATERIALS,
  MAX_MATERIAL_REF_LENGTH,
  MAX_REASON_LENGTH,
  MAX_RECEIPT_NO_LENGTH,
  checkCount,
  checkText,
} from "@tongban/bounds";
import { assertNever } from "./assertNever";
import type { CaseCommand } from "./caseCommand";
import type { FieldViolation } from "./invalidCommand";
import { ratingLevels } from "./ratingLevels";
import { suspensionKinds } from "./suspensionKinds";

/** Mail tracking numbers (邮件运单号): 10 to 30 letters or digits, e.g. EMS "1100123456789" or "EA123456789CN". */
const trackingNoPattern = /^[A-Za-z0-9]{10,30}$/;

const blank = "不能为空 / must not be blank";

/** Required text within `max` characters; free text (reasons, comments) may span lines, codes and ids may not. */
function text(field: string, value: unknown, max: number, out: FieldViolation[], multiline = false): void {
  if (typeof value !== "string" || value.trim() === "") out.push({ field, description: blank });
  else checkText(out, field, value, max, { multiline });
}

/** Optional free text within `max` characters. */
function optionalText(field: string, value: unknown, max: number, out: FieldViolation[]): void {
  if (value === undefined) return;
  if (typeof value !== "string") out.push({ field, description: "必须是文本 / must be a string" });
  else checkText(out, field, value, max, { multiline: true });
}

function trackingNo(field: string, value: unknown, out: FieldViolation[]): void {
  if (typeof value !== "string" || !trackingNoPattern.test(value)) {
    out.push({ field, description: "运单号应为10至30位字母或数字 / must be 10 to 30 letters or digits" });
  }
}

/** A non-empty list of at most MAX_LIST_ENTRIES non-blank, distinct entries within their bounds; counted first. */
function textList(field: string, value: unknown, noun: { zh: string; en: string }, out: FieldViolation[]): void {
  if (!Array.isArray(value) || value.length === 0) {
    out.push({ field, description: "至少需要一项 / must list at least one entry" });
    return;
  }
  if (!checkCount(out, field, value.length, MAX_LIST_ENTRIES, noun)) return;
  const seen = new Set<string>();
  value.forEach((entry: unknown, i) => {
    if (typeof entry !== "string" || entry.trim() === "") {
      out.push({ field: `${field}[${i}]`, description: blank });
    } else if (!checkText(out, `${field}[${i}]`, entry, MAX_REASON_LENGTH, { multiline: true })) {
      return;
    } else if (seen.has(entry.trim())) {
      out.push({ field: `${field}[${i}]`, description: "重复 / is a duplicate" });
    } else {
      seen.add(entry.trim());
    }
  });
}

const reasonsNoun = { zh: "理由", en: "reasons" };
const itemsNoun = { zh: "补正内容", en: "items" };

function oneOf(field: string, value: unknown, allowed: readonly string[], out: FieldViolation[]): void {
  if (typeof value !== "string" || !allowed.includes(value)) {
    out.push({ field, description: `应为 ${allowed.join("、")} 之一 / must be one of ${allowed.join(", ")}` });
  }
}

/** Checks a command's data on its own, without the case (数据校验); returns every violation found. */
export function validateCommand(command: CaseCommand): FieldViolation[] {
  const out: FieldViolation[] = [];
  switch (command.type) {
    case "SubmitCase": {
      const d = command.data;
      text("caseId", d.caseId, MAX_ID_LENGTH, out);
      text("receiptNo", d.receiptNo, MAX_RECEIPT_NO_LENGTH, out);
      text("itemCode", d.itemCode, MAX_CODE_LENGTH, out);
      text("receivingNode", d.receivingNode, MAX_CODE_LENGTH, out);
      text("homeNode", d.homeNode, MAX_CODE_LENGTH, out);
      text("homeDepartment", d.homeDepartment, MAX_CODE_LENGTH, out);
      if (typeof d.homeNode === "string" && d.homeNode.trim() !== "" && d.homeNode === d.receivingNode && d.jointLeg !== true) {
        out.push({
          field: "homeNode",
          description:
            "业务属地须与收件地不同（异地代收；联办环节除外） / must differ from the receiving node (cross-city case; a joint application's leg excepted)",
        });
      }
      if (d.identityVerified !== true) {
        out.push({
          field: "identityVerified",
          description: "申请人身份未核验，不能收件 / the applicant's identity must be verified before registering",
        });
      }
      break;
    }
    case "MarkForwarded":
      trackingNo("trackingNo", command.data.trackingNo, out);
      break;
    case "Refuse":
      textList("reasons", command.data.reasons, reasonsNoun, out);
      break;
    case "RequestCorrection":
      textList("items", command.data.items, itemsNoun, out);
      break;
    case "SubmitCorrection":
      textList("items", command.data.items, itemsNoun, out);
      break;
    case "Suspend": {
      oneOf("kind", command.data.kind, suspensionKinds, out);
      text("reason", command.data.reason, MAX_REASON_LENGTH, out, true);
      const expected: unknown = command.data.expectedResumeAt;
      if (expected !== undefined && !(expected instanceof Date && !Number.isNaN(expected.getTime()))) {
        out.push({ field: "expectedResumeAt", description: "预计恢复时间无效 / the expected resumption is not a valid time" });
      }
      break;
    }
    case "RecordComplaint":
      text("ticketNo", command.data.ticketNo, MAX_CODE_LENGTH, out);
      text("description", command.data.description, MAX_REASON_LENGTH, out, true);
      break;
    case "AnswerProblem":
      if (!Number.isInteger(command.data.problemId) || command.data.problemId < 1) {
        out.push({ field: "problemId", description: "整改编号须为正整数 / problem id must be a positive integer" });
      }
      text("answer", command.data.answer, MAX_REASON_LENGTH, out, true);
      break;
    case "ExtendDeadline":
      text("reason", command.data.reason, MAX_REASON_LENGTH, out, true);
      break;
    case "Decide": {
      const d = command.data;
      text("documentRef", d.documentRef, MAX_DOCUMENT_REF_LENGTH, out);
      switch (d.outcome) {
        case "approved":
          break;
        case "denied":
          textList("reasons", d.reasons, reasonsNoun, out);
          break;
        default: {
          const unknownOutcome: never = d;
          oneOf("outcome", (unknownOutcome as { outcome?: unknown }).outcome, ["approved", "denied"], out);
        }
      }
      break;
    }
    case "SendResult": {
      const channel: unknown = command.data.channel;
      const kind = typeof channel === "object" && channel !== null ? (channel as { kind?: unknown }).kind : undefined;
      if (kind === "mail") {
        trackingNo("channel.trackingNo", (channel as { trackingNo?: unknown }).trackingNo, out);
      } else if (kind !== "electronic") {
        oneOf("channel.kind", kind, ["mail", "electronic"], out);
      }
      break;
    }
    case "RecordRating":
      oneOf("level", command.data.level, ratingLevels, out);
      optionalText("comment", command.data.comment, MAX_COMMENT_LENGTH, out);
      break;
    case "Withdraw":
      optionalText("reason", command.data.reason, MAX_REASON_LENGTH, out);
      break;
    case "RecordScansChecked": {
      const d = command.data;
      for (const [field, n] of [
        ["verified", d.verified],
        ["paperOnly", d.paperOnly],
      ] as const) {
        if (!Number.isInteger(n) || n < 0 || n > MAX_MATERIALS)
          out.push({ field, description: `须为 0 至 ${MAX_MATERIALS} 的整数 / must be an integer from 0 to ${MAX_MATERIALS}` });
      }
      if (checkCount(out, "mismatchedRefs", d.mismatchedRefs.length, MAX_MATERIALS, { zh: "材料", en: "materials" })) {
        d.mismatchedRefs.forEach((r, i) => text(`mismatchedRefs[${i}]`, r, MAX_MATERIAL_REF_LENGTH, out));
      }
      break;
    }
    case "ReceiveCase":
    case "SignForMaterials":
    case "Accept":
    case "StartReview":
    case "Resume":
    case "RecordDelivery":
    case "Close":
      break;
    default:
      return assertNever(command);
  }
  return out;
}
