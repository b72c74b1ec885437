/** The status a transport answers a CaseError with (the names of google.rpc.Code). */
export type CaseErrorStatus = "NOT_FOUND" | "FAILED_PRECONDITION" | "PERMISSION_DENIED" | "INVALID_ARGUMENT" | "ALREADY_EXISTS";

/**
 * An exchange rule refused a request (案件错误): the status a transport maps it to, a stable
 * `code` (the reason callers branch on), a bilingual message and, for bad input, the fields at
 * fault. Transports map it in one place each (the node's gRPC adapter; the consumer never sees one).
 */
export class CaseError extends Error {
  constructor(
    readonly status: CaseErrorStatus,
    message: string,
    readonly code: string,
    readonly violations: { field: string; description: string }[] = [],
  ) {
    super(message);
    this.name = "CaseError";
  }

  static invalid(field: string, description: string): CaseError {
    return new CaseError("INVALID_ARGUMENT", `${field}: ${description}`, "INVALID_ARGUMENT", [{ field, description }]);
  }
}

/** A receipt number already used by a different application (case or joint application `existing`). */
export const receiptConflict = (receiptNo: string, existing: string) =>
  new CaseError(
    "ALREADY_EXISTS",
    `收件编号 ${receiptNo} 已用于另一申请 / receipt number ${receiptNo} is already used by a different submission (case ${existing})`,
    "RECEIPT_NO_CONFLICT",
    [{ field: "receipt_no", description: "收件编号重复但内容不同 / duplicate receipt number with different content" }],
  );

export const caseNotFound = (caseId: string) =>
  new CaseError("NOT_FOUND", `本节点没有案件 ${caseId} / case ${caseId} is not known at this node`, "NOT_FOUND");

/** A home clerk acts only on the cases of their own department (the department their token names). */
export interface HomeClerk {
  id: string;
  department: string;
}

/** Refuses (PERMISSION_DENIED) a home case of another department than the clerk's. */
export function assertDepartment(doc: { _id: string; homeDepartment: string }, clerk: HomeClerk): void {
  if (doc.homeDepartment !== clerk.department) {
    throw new CaseError(
      "PERMISSION_DENIED",
      `案件 ${doc._id} 不属于本部门（${clerk.department}）/ case ${doc._id} belongs to department ${doc.homeDepartment}, not ${clerk.department}`,
      "OTHER_DEPARTMENT",
    );
  }
}
