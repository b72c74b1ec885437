import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { Any, BadRequest, ErrorInfo, RpcStatus } from "@tongban/contracts";
import type { Logger } from "pino";
import { describeError, isTransientError } from "@tongban/bus";
import { AppError, type FieldViolation } from "./appError";

const DETAILS_KEY = "grpc-status-details-bin";
const BAD_REQUEST_URL = "type.googleapis.com/google.rpc.BadRequest";
const ERROR_INFO_URL = "type.googleapis.com/google.rpc.ErrorInfo";
const UNAVAILABLE_MESSAGE =
  "服务暂时不可用（数据存储或消息总线无法访问），请稍后重试 / service temporarily unavailable (store or message bus unreachable), retry later";

/**
 * The status a caller is answered for anything a handler threw: an AppError as it is; anything
 * else UNAVAILABLE when the store or broker is unreachable (isTransientError: safe to retry), and
 * UNKNOWN with the stack logged and a generic message (no internals leak to callers). Shared by
 * the gRPC API and the Kafka intake channel, so both answer alike.
 */
export function toAppStatus(err: unknown, log: Logger, method: string): AppError {
  if (err instanceof AppError) return err;
  if (isTransientError(err)) {
    // The store or the broker is unreachable: nothing was decided, the caller may retry.
    log.warn({ method, error: describeError(err) }, "call failed on a store or broker outage");
    return AppError.unavailable(UNAVAILABLE_MESSAGE);
  }
  log.error({ err, method }, "unhandled error in handler");
  return new AppError(status.UNKNOWN, "内部错误 / internal error");
}

/**
 * Turns anything a handler threw into a gRPC ServiceError (see toAppStatus): the code, and
 * google.rpc.Status details (BadRequest field violations, ErrorInfo) when there are any.
 */
export function toServiceError(thrown: unknown, log: Logger, method: string): Partial<ServiceError> {
  const err = toAppStatus(thrown, log, method);
  // An unknown failure carries nothing but its generic message.
  if (!(thrown instanceof AppError) && err.code === status.UNKNOWN) {
    return { code: status.UNKNOWN, details: err.message, metadata: new Metadata() };
  }
  const details: Any[] = [];
  if (err.violations.length > 0) {
    details.push({ typeUrl: BAD_REQUEST_URL, value: Buffer.from(BadRequest.encode({ fieldViolations: err.violations }).finish()) });
  }
  if (err.reason) {
    details.push({
      typeUrl: ERROR_INFO_URL,
      value: Buffer.from(ErrorInfo.encode({ reason: err.reason, domain: "tongban", metadata: {} }).finish()),
    });
  }
  const metadata = new Metadata();
  metadata.set(DETAILS_KEY, Buffer.from(RpcStatus.encode({ code: err.code, message: err.message, details }).finish()));
  return { code: err.code, details: err.message, metadata };
}

/** Reads field violations back from a ServiceError on the client side. */
export function fieldViolationsOf(err: unknown): FieldViolation[] {
  const md = (err as ServiceError | undefined)?.metadata;
  const raw = md?.get(DETAILS_KEY)[0];
  if (!raw || typeof raw === "string") return [];
  const st = RpcStatus.decode(raw);
  return st.details.filter((d) => d.typeUrl === BAD_REQUEST_URL).flatMap((d) => BadRequest.decode(d.value).fieldViolations);
}

/** Reads the ErrorInfo reason (e.g. ACCESS_DENIED, OTHER_DEPARTMENT) back from a ServiceError; "" when none. */
export function errorReasonOf(err: unknown): string {
  const raw = (err as ServiceError | undefined)?.metadata?.get(DETAILS_KEY)[0];
  if (!raw || typeof raw === "string") return "";
  const info = RpcStatus.decode(raw).details.find((d) => d.typeUrl === ERROR_INFO_URL);
  return info ? ErrorInfo.decode(info.value).reason : "";
}
