import { status } from "@grpc/grpc-js";

/** A field that failed validation, with a bilingual description (中文 / English). */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * The one error type handlers throw. It carries its gRPC status code; `toServiceError` is the
 * only place that turns errors into a gRPC status.
 */
export class AppError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly violations: FieldViolation[] = [],
    readonly reason?: string,
  ) {
    super(message);
    this.name = "AppError";
  }

  static invalid(violations: FieldViolation[]): AppError {
    const summary = violations.map((v) => `${v.field}: ${v.description}`).join("; ");
    return new AppError(status.INVALID_ARGUMENT, `请求参数无效 / invalid request: ${summary}`, violations, "INVALID_ARGUMENT");
  }

  static failedPrecondition(message: string, reason = "FAILED_PRECONDITION"): AppError {
    return new AppError(status.FAILED_PRECONDITION, message, [], reason);
  }

  static notFound(message: string): AppError {
    return new AppError(status.NOT_FOUND, message, [], "NOT_FOUND");
  }

  static unavailable(message: string): AppError {
    return new AppError(status.UNAVAILABLE, message, [], "UNAVAILABLE");
  }
}
