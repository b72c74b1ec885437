import { ROOT_CONTEXT } from "@opentelemetry/api";
import { SpanKind, contextFrom, inSpan } from "@tongban/contracts";
import { type ServerUnaryCall, type handleUnaryCall, type sendUnaryData, status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { principalOf } from "./access";
import { toServiceError } from "./statusDetails";

const callerUri = (call: ServerUnaryCall<unknown, unknown>) => {
  try {
    return principalOf(call).identity.uri;
  } catch {
    return undefined;
  }
};

/** Adapts an async function into a grpc-js unary handler with uniform error mapping and logging. */
export function unary<Req, Res>(
  method: string,
  log: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const started = performance.now();
    // A span per call, continuing the caller's trace when it sent a traceparent.
    const traceparent = call.metadata.get("traceparent")[0];
    const parent = contextFrom(typeof traceparent === "string" ? { traceparent, tracestate: "" } : undefined, ROOT_CONTEXT);
    inSpan(`grpc ${method}`, { kind: SpanKind.SERVER, parent, attributes: { "rpc.system": "grpc", "rpc.method": method } }, () =>
      fn(call.request, call),
    ).then(
      (res) => {
        log.debug({ method, ms: Math.round(performance.now() - started) }, "rpc ok");
        callback(null, res);
      },
      (err: unknown) => {
        const se = toServiceError(err, log, method);
        if (se.code === status.PERMISSION_DENIED) {
          // A refusal on the data itself (another department's case, a clerk name not the token's): audited like the access check's.
          log.warn(
            { audit: "access-denied", method, code: "PERMISSION_DENIED", reason: se.details, caller: callerUri(call) },
            "access denied",
          );
        } else log.info({ method, code: se.code, ms: Math.round(performance.now() - started) }, "rpc failed");
        callback(se as never, null);
      },
    );
  };
}
