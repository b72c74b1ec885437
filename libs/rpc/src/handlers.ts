import type { handleUnaryCall, sendUnaryData, ServerUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { toServiceError } from "./statusDetails";

/** Adapts an async function into a grpc-js unary handler with uniform error mapping and logging. */
export function unary<Req, Res>(
  method: string,
  log: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const started = performance.now();
    fn(call.request, call).then(
      (res) => {
        log.debug({ method, ms: Math.round(performance.now() - started) }, "rpc ok");
        callback(null, res);
      },
      (err: unknown) => {
        const se = toServiceError(err, log, method);
        log.info({ method, code: se.code, ms: Math.round(performance.now() - started) }, "rpc failed");
        callback(se as never, null);
      },
    );
  };
}
