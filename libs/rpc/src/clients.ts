import { readFileSync } from "node:fs";
import { ChannelCredentials, type Client, Metadata, type ServiceError } from "@grpc/grpc-js";
import type { TlsFiles } from "./startGrpcServer";

export function channelCredentials(tls: TlsFiles | undefined): ChannelCredentials {
  if (!tls?.ca) return ChannelCredentials.createInsecure();
  return ChannelCredentials.createSsl(
    readFileSync(tls.ca),
    tls.key ? readFileSync(tls.key) : null,
    tls.cert ? readFileSync(tls.cert) : null,
  );
}

type UnaryMethod<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: { deadline: Date },
  cb: (err: ServiceError | null, res: Res) => void,
) => unknown;

/** Calls a unary method with a deadline (every call has one) and returns a promise. */
export function callUnary<C extends Client, Req, Res>(
  client: C,
  method: UnaryMethod<Req, Res>,
  req: Req,
  deadlineMs = 5_000,
  metadata: Metadata = new Metadata(),
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    method.call(client, req, metadata, { deadline: new Date(Date.now() + deadlineMs) }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}
