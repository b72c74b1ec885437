import {
  type ServiceDefinition,
  type ServiceError,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
  status,
} from "@grpc/grpc-js";

/** Optional hook a gRPC server calls when a unary call has been answered (metrics). */
export interface RpcObserver {
  /** `method` is "package.Service/Method"; `code` the status name ("OK", "INVALID_ARGUMENT", …). */
  called(method: string, code: string, seconds: number): void;
}

/** The status name of a callback's error ("OK" for none). */
export function statusName(err: Partial<ServiceError> | null | undefined): string {
  if (!err) return "OK";
  const code = typeof err.code === "number" ? err.code : status.UNKNOWN;
  return status[code] ?? String(code);
}

type UnaryHandler = (call: unknown, callback: (err: Partial<ServiceError> | null, ...rest: unknown[]) => void) => void;

/**
 * The implementation with each unary handler wrapped to report to `observer` when it answers.
 * Streaming handlers are left as they are. Requests, responses and errors pass through
 * unchanged, and a throwing observer is ignored.
 */
export function observeUnary(
  definition: ServiceDefinition,
  implementation: UntypedServiceImplementation,
  observer: RpcObserver,
): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = { ...implementation };
  for (const [name, attrs] of Object.entries(definition)) {
    if (attrs.requestStream || attrs.responseStream) continue;
    const key = name in implementation ? name : typeof attrs.originalName === "string" ? attrs.originalName : name;
    const handler = implementation[key] as UnaryHandler | undefined;
    if (typeof handler !== "function") continue;
    const method = attrs.path.replace(/^\//, "");
    const wrapped: UnaryHandler = (call, callback) => {
      const started = performance.now();
      handler.call(implementation, call, (err, ...rest) => {
        try {
          observer.called(method, statusName(err), (performance.now() - started) / 1000);
        } catch {
          // observing never changes the answer
        }
        callback(err, ...rest);
      });
    };
    out[key] = wrapped as unknown as UntypedHandleCall;
  }
  return out;
}
