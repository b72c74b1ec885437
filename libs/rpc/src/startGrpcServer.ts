import { Server, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";
import { type AccessOptions, accessInterceptor } from "./access";
import { type RpcObserver, observeUnary } from "./rpcObserver";
import { serverCredentialsOf } from "./transport";

export interface GrpcServerOptions {
  host: string;
  port: number;
  /** Transport and access rules: every call, health checks included, passes the access interceptor. */
  access: AccessOptions;
  services: { name: string; definition: ServiceDefinition; implementation: UntypedServiceImplementation }[];
  /** Told of every unary call of these services when it is answered (metrics); health checks are not reported. */
  observer?: RpcObserver;
  /**
   * Largest request message accepted ("grpc.max_receive_message_length"); larger ones are refused
   * with RESOURCE_EXHAUSTED before they are parsed. Defaults to grpc-js's 4 MiB.
   */
  maxReceiveMessageBytes?: number;
  /** How often the TLS certificate, key and trust bundle are re-read from their files (default a minute). */
  tlsReloadMs?: number;
}

export interface RunningGrpcServer {
  port: number;
  address: string;
  health: HealthImplementation;
  setServing(serving: boolean): void;
  /** Marks NOT_SERVING, lets in-flight calls finish (bounded), then closes. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a gRPC server with grpc.health.v1 for every service it hosts. */
export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningGrpcServer> {
  const server = new Server({
    "grpc.keepalive_permit_without_calls": 1,
    interceptors: [accessInterceptor(opts.access)],
    ...(opts.maxReceiveMessageBytes ? { "grpc.max_receive_message_length": opts.maxReceiveMessageBytes } : {}),
  });
  const statuses: Record<string, ServingStatus> = { "": "SERVING" };
  for (const s of opts.services) {
    server.addService(s.definition, opts.observer ? observeUnary(s.definition, s.implementation, opts.observer) : s.implementation);
    statuses[s.name] = "SERVING";
  }
  const health = new HealthImplementation(statuses);
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host}:${opts.port}`, serverCredentialsOf(opts.access.transport, opts.tlsReloadMs), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const setServing = (serving: boolean) => {
    for (const name of Object.keys(statuses)) health.setStatus(name, serving ? "SERVING" : "NOT_SERVING");
  };
  return {
    port,
    address: `${opts.host}:${port}`,
    health,
    setServing,
    stop: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        setServing(false);
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
