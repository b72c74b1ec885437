import { type ServerUnaryCall, type handleUnaryCall, status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { CaseError, EnvelopeTooLarge } from "@tongban/exchange";
import { DomainError, IllegalTransition, InvalidCommand } from "@tongban/lifecycle";
import { AppError, unary as rpcUnary } from "@tongban/rpc";

/** The one place the exchange's and the lifecycle's errors become gRPC errors; anything else passes through. */
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
  if (err instanceof CaseError) {
    if (err.status === "INVALID_ARGUMENT") return AppError.invalid(err.violations);
    return new AppError(status[err.status], err.message, err.violations, err.code);
  }
  if (!(err instanceof DomainError)) return err;
  if (err instanceof InvalidCommand) return AppError.invalid(err.violations.map((v) => ({ field: v.field, description: v.description })));
  if (err instanceof IllegalTransition) return AppError.failedPrecondition(err.message, err.errorReason);
  return new AppError(status[err.grpcStatus], err.message, [], err.code);
}

/** A unary handler whose domain errors are mapped by toAppError before the rpc layer answers. */
export function unary<Req, Res>(
  method: string,
  log: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return rpcUnary<Req, Res>(method, log, async (req, call) => {
    try {
      return await fn(req, call);
    } catch (err) {
      throw toAppError(err);
    }
  });
}
