import {
  MATERIAL_MEDIA_TYPES,
  MAX_CASE_MATERIAL_BYTES,
  MAX_MATERIAL_BYTES,
  MAX_MATERIAL_COPIES,
  MAX_MATERIAL_REF_LENGTH,
  MAX_VIOLATIONS_REPORTED,
} from "./limits";

/** One bad field, shaped like google.rpc.BadRequest.FieldViolation ("中文 / English"). */
export interface BoundViolation {
  field: string;
  description: string;
}

/** A bilingual noun for count messages, e.g. { zh: "材料", en: "materials" }. */
export interface Noun {
  zh: string;
  en: string;
}

// C0 and C1 controls and DEL; free text may keep tab and line breaks.
const CONTROL_LINE = /[\u0000-\u001F\u007F-\u009F]/u;
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
// Bidirectional embeddings, overrides, isolates and marks: they make a name read differently than it sorts or matches.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// Without the u flag the regex sees UTF-16 code units, so an unpaired half of a surrogate pair shows.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NONCHARACTER = /[\uFDD0-\uFDEF\uFFFE\uFFFF]/u;

const hex = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** Characters, counted as code points, without walking a string that is far too long anyway. */
function tooLong(value: string, max: number): boolean {
  if (value.length <= max) return false;
  if (value.length > 2 * max) return true;
  let n = 0;
  for (const _ of value) if (++n > max) return true;
  return false;
}

/**
 * Why a text may not be accepted, or undefined when it may: longer than `max` characters, a
 * control character (C0/C1, NUL; tab and line breaks only where `multiline`), a bidirectional
 * control, a lone surrogate or a noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF).
 */
export function textProblem(value: string, max: number, opts: { multiline?: boolean } = {}): string | undefined {
  if (tooLong(value, max)) return `字段过长（最多${max}字）/ field too long (max ${max} characters)`;
  const control = (opts.multiline ? CONTROL_MULTILINE : CONTROL_LINE).exec(value);
  if (control) return `含有控制字符 ${hex(control[0])} / contains control character ${hex(control[0])}`;
  if (LONE_SURROGATE.test(value)) return "含有无效的Unicode字符（孤立代理项）/ contains invalid Unicode (a lone surrogate)";
  const bidi = BIDI.exec(value);
  if (bidi) return `含有文字方向控制字符 ${hex(bidi[0])} / contains bidirectional control character ${hex(bidi[0])}`;
  const non = NONCHARACTER.exec(value);
  if (non) return `含有非字符 ${hex(non[0])} / contains noncharacter ${hex(non[0])}`;
  return undefined;
}

/** Adds a violation for `field` when `value` fails `textProblem`; true when it passed. */
export function checkText(out: BoundViolation[], field: string, value: string, max: number, opts: { multiline?: boolean } = {}): boolean {
  const problem = textProblem(value, max, opts);
  if (problem) out.push({ field, description: problem });
  return !problem;
}

/** The count message, e.g. "材料最多50项 / at most 50 materials (got 50000)". */
export function tooManyDescription(count: number, max: number, noun: Noun): string {
  return `${noun.zh}最多${max}项 / at most ${max} ${noun.en} (got ${count})`;
}

/**
 * Adds one violation for `field` when a repeated field has more than `max` entries; true when
 * it did not. Check counts first and skip per-entry checks when this is false, so a huge list
 * is answered at once with one violation.
 */
export function checkCount(out: BoundViolation[], field: string, count: number, max: number, noun: Noun): boolean {
  if (count <= max) return true;
  out.push({ field, description: tooManyDescription(count, max, noun) });
  return false;
}

/** Adds a violation for `field` when a material is given in more than MAX_MATERIAL_COPIES copies. */
export function checkCopies(out: BoundViolation[], field: string, copies: number): void {
  if (copies > MAX_MATERIAL_COPIES)
    out.push({ field, description: `份数最多${MAX_MATERIAL_COPIES}份 / at most ${MAX_MATERIAL_COPIES} copies` });
}

/** A scanned material's claim-check (MaterialFile) as a case carries it. */
export interface MaterialFileFields {
  ref: string;
  sha256: string;
  size: number;
  mediaType: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The shape of each material's file and their total size (not whether the files exist). */
export function checkMaterialFiles(out: BoundViolation[], materials: readonly { file?: MaterialFileFields | undefined }[]): void {
  let total = 0;
  materials.forEach((m, i) => {
    const f = m.file;
    if (!f) return;
    const at = `materials[${i}].file`;
    if (!f.ref || f.ref.length > MAX_MATERIAL_REF_LENGTH)
      out.push({
        field: `${at}.ref`,
        description: `须为上传所得引用（至多${MAX_MATERIAL_REF_LENGTH}字符） / the upload's reference, at most ${MAX_MATERIAL_REF_LENGTH} characters`,
      });
    if (!SHA256_HEX.test(f.sha256))
      out.push({ field: `${at}.sha256`, description: "须为 64 位小写十六进制 / 64 lower-case hex characters" });
    if (!(f.size >= 1 && f.size <= MAX_MATERIAL_BYTES))
      out.push({
        field: `${at}.size`,
        description: `须在 1 至 ${MAX_MATERIAL_BYTES} 字节之间 / between 1 and ${MAX_MATERIAL_BYTES} bytes`,
      });
    if (!(MATERIAL_MEDIA_TYPES as readonly string[]).includes(f.mediaType))
      out.push({
        field: `${at}.media_type`,
        description: `须为 ${MATERIAL_MEDIA_TYPES.join("、")} 之一 / one of ${MATERIAL_MEDIA_TYPES.join(", ")}`,
      });
    total += Number.isFinite(f.size) ? f.size : 0;
  });
  if (total > MAX_CASE_MATERIAL_BYTES)
    out.push({
      field: "materials",
      description: `电子材料合计至多 ${MAX_CASE_MATERIAL_BYTES} 字节 / scans of one case at most ${MAX_CASE_MATERIAL_BYTES} bytes in all`,
    });
}

/** At most MAX_VIOLATIONS_REPORTED violations, the rest summed up in one last entry. */
export function capViolations<V extends BoundViolation>(violations: readonly V[]): BoundViolation[] {
  if (violations.length <= MAX_VIOLATIONS_REPORTED) return [...violations];
  const rest = violations.length - MAX_VIOLATIONS_REPORTED;
  return [
    ...violations.slice(0, MAX_VIOLATIONS_REPORTED),
    { field: "*", description: `另有${rest}项问题未列出 / ${rest} more violations not listed` },
  ];
}
