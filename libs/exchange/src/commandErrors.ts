import { status } from "@grpc/grpc-js";
import { DomainError, IllegalTransition, InvalidCommand } from "@tongban/lifecycle";
import { AppError } from "@tongban/rpc";
import { EnvelopeTooLarge } from "./envelopeLimit";

/** The one place lifecycle errors become gRPC errors. */
export function toAppError(err: unknown): unknown {
  if (err instanceof EnvelopeTooLarge) {
    const submission = err.eventType === "case.submitted";
    return AppError.invalid([
      {
        field: submission ? "submission" : "command",
        description: submission
          ? `申请数据过大 / submission too large: ${err.bytes} bytes, max ${err.max}`
          : `指令数据过大 / command too large: ${err.bytes} bytes, max ${err.max}`,
      },
    ]);
  }
  if (!(err instanceof DomainError)) return err;
  if (err instanceof InvalidCommand) return AppError.invalid(err.violations.map((v) => ({ field: v.field, description: v.description })));
  if (err instanceof IllegalTransition) return AppError.failedPrecondition(err.message, "ILLEGAL_TRANSITION");
  return new AppError(status[err.grpcStatus], err.message, [], err.code);
}

export const caseNotFound = (caseId: string) => AppError.notFound(`本节点没有案件 ${caseId} / case ${caseId} is not known at this node`);

/** A home clerk acts only on the cases of their own department (the department their token names). */
export interface HomeClerk {
  id: string;
  department: string;
}

/** Refuses (PERMISSION_DENIED) a home case of another department than the clerk's. */
export function assertDepartment(doc: { _id: string; homeDepartment: string }, clerk: HomeClerk): void {
  if (doc.homeDepartment !== clerk.department) {
    throw new AppError(
      status.PERMISSION_DENIED,
      `案件 ${doc._id} 不属于本部门（${clerk.department}）/ case ${doc._id} belongs to department ${doc.homeDepartment}, not ${clerk.department}`,
      [],
      "OTHER_DEPARTMENT",
    );
  }
}
