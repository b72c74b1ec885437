import {
  MAX_ADDRESS_LENGTH,
  MAX_CERTIFICATES,
  MAX_CERTIFICATE_ID_LENGTH,
  MAX_CERTIFICATE_NUMBER_LENGTH,
  MAX_CLERK_LENGTH,
  MAX_CODE_LENGTH,
  MAX_ID_NUMBER_LENGTH,
  MAX_LEGS,
  MAX_MATERIALS,
  checkCopies,
  checkMaterialFiles,
  type MaterialFileFields,
  MAX_MATERIAL_NAME_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PHONE_LENGTH,
  MAX_RECEIPT_NO_LENGTH,
  MAX_TRACKING_NO_LENGTH,
  capViolations,
  checkCount,
  checkText,
} from "@tongban/bounds";
import type { NodeConfig, Network } from "@tongban/config";
import { validateCreditCode, validateEmsTrackingNo, validateResidentId, validateCertificateId } from "@tongban/identifiers";
import type { FieldViolation } from "@tongban/rpc";

/** What intake needs to know about the item catalog (事项目录). */
export interface CatalogPort {
  /** The item, if it exists: its name and whether it may travel by remote receipt (异地代收). */
  item(code: string): { name: string; remoteReceipt: boolean } | undefined;
  /** The department code that handles the item in that city, if any. */
  homeDepartment(itemCode: string, nodeId: string): string | undefined;
  /** The legs of an item handled jointly by several cities (多地联办); undefined for a single-home item. */
  jointLegs(itemCode: string): readonly { role: string; waitsFor: readonly string[] }[] | undefined;
}

/** The home of one leg of a joint application, as the window names it. */
export interface LegInput {
  role: string;
  homeNode: string;
  homeDepartment: string;
}

export type ApplicantKindName = "PERSON" | "ORGANIZATION";

/** A submission as received from a window system (transport-neutral). */
export interface SubmissionInput {
  receiptNo: string;
  itemCode: string;
  receivingDivision: string;
  homeNode: string;
  homeDepartment: string;
  applicant: { kind: string; name: string; idNumber: string; phone: string; address: string } | undefined;
  materials: { name: string; copies: number; file?: MaterialFileFields | undefined }[];
  certificates: { certificateId: string; number: string }[];
  mailTrackingNo: string;
  windowClerk: string;
  identityVerified: boolean;
  /** For a joint item: the home of each leg (home_node and home_department empty). */
  legs: LegInput[];
}

/** A submission that passed formal check (形式审查), normalized. */
export interface CheckedSubmission extends Omit<SubmissionInput, "applicant"> {
  applicant: { kind: ApplicantKindName; name: string; idNumber: string; phone: string; address: string };
}

export type CheckResult = { ok: true; value: CheckedSubmission; warnings: string[] } | { ok: false; violations: FieldViolation[] };

const RECEIPT_NO = /^[A-Za-z0-9-]{4,40}$/;
/** Whether `s` is shaped like a window receipt number (收件编号). */
export const isReceiptNo = (s: string): boolean => RECEIPT_NO.test(s);
const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

/**
 * Formal check (形式审查) of a submission at the receiving window: required fields, identifier
 * rules, catalog eligibility and routing. Pure: collects every violation at once.
 */
export function validateSubmission(
  input: SubmissionInput,
  ctx: { node: NodeConfig; network: Network; catalog: CatalogPort; now: Date },
): CheckResult {
  const v: FieldViolation[] = [];
  const warnings: string[] = [];
  // Counts first: a huge list is answered with one violation and its entries are not walked.
  const materialsCounted = checkCount(v, "materials", input.materials.length, MAX_MATERIALS, { zh: "材料", en: "materials" });
  const certificatesCounted = checkCount(v, "certificates", input.certificates.length, MAX_CERTIFICATES, {
    zh: "证照",
    en: "certificates",
  });
  /** Within its bounds and free of control characters; an out-of-bounds value is never echoed back. */
  const bounded = (field: string, value: string, max: number) => checkText(v, field, value, max);
  const need = (field: string, value: string, zh: string, en: string) => {
    if (!value.trim()) v.push({ field, description: `${zh}不能为空 / ${en} is required` });
    return Boolean(value.trim());
  };

  if (
    bounded("receipt_no", input.receiptNo, MAX_RECEIPT_NO_LENGTH) &&
    need("receipt_no", input.receiptNo, "收件编号", "receipt number") &&
    !RECEIPT_NO.test(input.receiptNo)
  ) {
    v.push({
      field: "receipt_no",
      description: "收件编号须为4至40位字母、数字或连字符 / receipt number must be 4-40 letters, digits or dashes",
    });
  }

  const jointLegs = ctx.catalog.item(input.itemCode) ? ctx.catalog.jointLegs(input.itemCode) : undefined;
  if (jointLegs) checkLegs(v, input, jointLegs, ctx);
  else if (input.legs.length > 0) {
    v.push({
      field: "legs",
      description: "该事项由一地办理，不分联办环节 / the item has one home; legs apply only to jointly handled items",
    });
  }

  if (jointLegs) {
    // Each leg names its own home.
    for (const field of ["home_node", "home_department"] as const) {
      const value = field === "home_node" ? input.homeNode : input.homeDepartment;
      if (bounded(field, value, MAX_CODE_LENGTH) && value)
        v.push({ field, description: "联办事项的业务属地在 legs 中逐一填写 / for a jointly handled item name each leg's home in legs" });
    }
  } else if (bounded("home_node", input.homeNode, MAX_CODE_LENGTH) && need("home_node", input.homeNode, "业务属地", "home node")) {
    if (!ctx.network.node(input.homeNode)) {
      const known = ctx.network.nodes.map((n) => n.id).join(", ");
      v.push({
        field: "home_node",
        description: `未知的业务属地城市「${input.homeNode}」/ unknown home city '${input.homeNode}' (known: ${known})`,
      });
    } else if (input.homeNode === ctx.node.id) {
      v.push({
        field: "home_node",
        description: "业务属地与收件地为同一城市，无需异地代收 / home city equals the receiving city; remote receipt does not apply",
      });
    }
  }

  if (
    bounded("receiving_division", input.receivingDivision, MAX_CODE_LENGTH) &&
    need("receiving_division", input.receivingDivision, "收件窗口区划代码", "receiving division code")
  ) {
    if (!ctx.node.districts.some((d) => d.code === input.receivingDivision) && input.receivingDivision !== ctx.node.division) {
      v.push({
        field: "receiving_division",
        description: `区划代码 ${input.receivingDivision} 不属于${ctx.node.name.zh} / division ${input.receivingDivision} is not in ${ctx.node.name.en}`,
      });
    }
  }

  if (bounded("item_code", input.itemCode, MAX_CODE_LENGTH) && need("item_code", input.itemCode, "事项编码", "item code")) {
    const item = ctx.catalog.item(input.itemCode);
    if (!item) {
      v.push({ field: "item_code", description: `事项目录中没有「${input.itemCode}」/ item '${input.itemCode}' is not in the catalog` });
    } else if (!item.remoteReceipt) {
      v.push({
        field: "item_code",
        description: `事项「${item.name}」不支持异地代收 / item '${input.itemCode}' cannot be handled by remote receipt`,
      });
    } else if (
      !jointLegs &&
      ctx.network.node(input.homeNode) &&
      bounded("home_department", input.homeDepartment, MAX_CODE_LENGTH) &&
      need("home_department", input.homeDepartment, "业务属地主管部门", "home department")
    ) {
      const dept = ctx.catalog.homeDepartment(input.itemCode, input.homeNode);
      if (dept !== input.homeDepartment) {
        v.push({
          field: "home_department",
          description: `部门「${input.homeDepartment}」不办理该事项（应为「${dept ?? "无"}」）/ department '${input.homeDepartment}' does not handle this item (expected '${dept ?? "none"}')`,
        });
      }
    }
  }

  const a = input.applicant;
  let kind: ApplicantKindName = "PERSON";
  if (!a) {
    v.push({ field: "applicant", description: "申请人信息不能为空 / applicant is required" });
  } else {
    if (bounded("applicant.name", a.name, MAX_NAME_LENGTH)) need("applicant.name", a.name, "申请人名称", "applicant name");
    if (a.kind === "PERSON" || a.kind === "ORGANIZATION") kind = a.kind;
    else v.push({ field: "applicant.kind", description: "申请人类型须为自然人或法人 / applicant kind must be PERSON or ORGANIZATION" });
    if (
      bounded("applicant.id_number", a.idNumber, MAX_ID_NUMBER_LENGTH) &&
      need("applicant.id_number", a.idNumber, "证件号码", "id number")
    ) {
      const r = kind === "PERSON" ? validateResidentId(a.idNumber, { now: ctx.now }) : validateCreditCode(a.idNumber);
      if (!r.ok) for (const e of r.errors) v.push({ field: "applicant.id_number", description: e.message });
      else warnings.push(...r.warnings.map((w) => `applicant.id_number: ${w.message}`));
    }
    bounded("applicant.address", a.address, MAX_ADDRESS_LENGTH);
    if (bounded("applicant.phone", a.phone, MAX_PHONE_LENGTH) && a.phone && !PHONE.test(a.phone)) {
      v.push({ field: "applicant.phone", description: "联系电话格式不正确 / phone number is malformed" });
    }
  }

  if (
    bounded("mail_tracking_no", input.mailTrackingNo, MAX_TRACKING_NO_LENGTH) &&
    need("mail_tracking_no", input.mailTrackingNo, "材料寄递运单号", "mail tracking number of the paper materials")
  ) {
    const r = validateEmsTrackingNo(input.mailTrackingNo);
    if (!r.ok) for (const e of r.errors) v.push({ field: "mail_tracking_no", description: e.message });
  }
  if (!input.identityVerified) {
    v.push({ field: "identity_verified", description: "须先完成申请人身份核验 / the applicant's identity must be verified at the window" });
  }

  if (materialsCounted) {
    input.materials.forEach((m, i) => {
      const field = `materials[${i}].name`;
      if (bounded(field, m.name, MAX_MATERIAL_NAME_LENGTH) && !m.name.trim()) {
        v.push({ field, description: "材料名称不能为空 / material name is required" });
      }
      checkCopies(v, `materials[${i}].copies`, m.copies);
    });
    checkMaterialFiles(v, input.materials);
  }
  if (certificatesCounted) {
    input.certificates.forEach((c, i) => {
      bounded(`certificates[${i}].number`, c.number, MAX_CERTIFICATE_NUMBER_LENGTH);
      if (!bounded(`certificates[${i}].certificate_id`, c.certificateId, MAX_CERTIFICATE_ID_LENGTH)) return;
      const r = validateCertificateId(c.certificateId);
      if (!r.ok) for (const e of r.errors) v.push({ field: `certificates[${i}].certificate_id`, description: e.message });
      else warnings.push(...r.warnings.map((w) => `certificates[${i}]: ${w.message}`));
    });
  }

  if (bounded("window_clerk", input.windowClerk, MAX_CLERK_LENGTH)) need("window_clerk", input.windowClerk, "收件人员", "window clerk");

  if (v.length > 0 || !a) return { ok: false, violations: capViolations(v) };
  return {
    ok: true,
    warnings,
    value: {
      ...input,
      receiptNo: input.receiptNo.trim(),
      applicant: { ...a, kind, idNumber: a.idNumber.trim().toUpperCase() },
      mailTrackingNo: input.mailTrackingNo.trim().toUpperCase(),
    },
  };
}

/**
 * The legs of a joint application: one per leg of the catalog (by role, each once), each homed in
 * a city of the network at the department that handles the item there, no two in the same city.
 * A leg may be homed in the receiving city itself (e.g. the move-in city where the applicant
 * applies, 迁入地申请).
 */
function checkLegs(
  v: FieldViolation[],
  input: SubmissionInput,
  legs: readonly { role: string }[],
  ctx: { network: Network; catalog: CatalogPort },
): void {
  const roles = legs.map((l) => l.role).join(", ");
  if (!checkCount(v, "legs", input.legs.length, MAX_LEGS, { zh: "联办环节", en: "legs" })) return;
  const seenRoles = new Set<string>();
  const seenCities = new Map<string, string>();
  input.legs.forEach((leg, i) => {
    const at = `legs[${i}]`;
    if (checkText(v, `${at}.role`, leg.role, MAX_CODE_LENGTH)) {
      if (!legs.some((l) => l.role === leg.role)) {
        v.push({ field: `${at}.role`, description: `该事项的联办环节为 ${roles} / the item's legs are ${roles}, not '${leg.role}'` });
      } else if (seenRoles.has(leg.role)) {
        v.push({ field: `${at}.role`, description: `联办环节 ${leg.role} 重复 / leg '${leg.role}' is named twice` });
      }
      seenRoles.add(leg.role);
    }
    if (!checkText(v, `${at}.home_node`, leg.homeNode, MAX_CODE_LENGTH)) return;
    if (!ctx.network.node(leg.homeNode)) {
      const known = ctx.network.nodes.map((n) => n.id).join(", ");
      v.push({
        field: `${at}.home_node`,
        description: `未知的业务属地城市「${leg.homeNode}」/ unknown home city '${leg.homeNode}' (known: ${known})`,
      });
      return;
    }
    const other = seenCities.get(leg.homeNode);
    if (other !== undefined) {
      v.push({
        field: `${at}.home_node`,
        description: `${other} 与 ${leg.role} 同在 ${leg.homeNode}，同城转移无需联办 / legs '${other}' and '${leg.role}' are both in ${leg.homeNode}: a transfer within one city is not handled jointly`,
      });
    }
    seenCities.set(leg.homeNode, leg.role);
    if (!checkText(v, `${at}.home_department`, leg.homeDepartment, MAX_CODE_LENGTH)) return;
    const dept = ctx.catalog.homeDepartment(input.itemCode, leg.homeNode);
    if (dept !== leg.homeDepartment) {
      v.push({
        field: `${at}.home_department`,
        description: `部门「${leg.homeDepartment}」不办理该事项（应为「${dept ?? "无"}」）/ department '${leg.homeDepartment}' does not handle this item in ${leg.homeNode} (expected '${dept ?? "none"}')`,
      });
    }
  });
  for (const l of legs) {
    if (!seenRoles.has(l.role))
      v.push({ field: "legs", description: `缺少联办环节 ${l.role} / leg '${l.role}' is missing (the item's legs are ${roles})` });
  }
}
