import {
  type ChannelCredentials,
  type Client,
  type ClientOptions,
  type Interceptor,
  InterceptingCall,
  Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import { DEV_IDENTITY_HEADER } from "./access";
import { type Transport, channelCredentialsOf } from "./transport";

/** What a client of the network is built with: credentials and client options. */
export interface Caller {
  credentials: ChannelCredentials;
  options: ClientOptions;
}

/** A caller of the network with this transport; `devIdentity` is the identity URI named in plaintext development mode. */
export const callerOf = (t: Transport, devIdentity: string): Caller => ({
  credentials: channelCredentialsOf(t),
  options: clientOptionsOf(t, devIdentity),
});

/**
 * Options for a client of the network: in plaintext development mode, an interceptor that names the
 * caller's identity in the development header; nothing under mTLS (the certificate says it).
 */
export function clientOptionsOf(t: Transport, devIdentity: string): ClientOptions {
  if (t.kind === "mtls") return {};
  const named: Interceptor = (options, next) =>
    new InterceptingCall(next(options), {
      start: (metadata, listener, nextStart) => {
        metadata.set(DEV_IDENTITY_HEADER, devIdentity);
        nextStart(metadata, listener);
      },
    });
  return { interceptors: [named] };
}

/** Metadata carrying a person's token (clerks on the authority queue). */
export function bearer(token: string): Metadata {
  const md = new Metadata();
  md.set("authorization", `Bearer ${token}`);
  return md;
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
