import { existsSync } from "node:fs";
import { defaultPkiDir, spiffeUri, trustBundlePath } from "@tongban/identity";
import { type Caller, type TransportSettings, callerOf, devTlsSettings, transportOf } from "@tongban/rpc";

/** The CLI has no gRPC identity: neither GRPC_TLS_* nor a development PKI. */
export class NoIdentityError extends Error {}

/** Whose identity the CLI's gRPC calls to a city's services go out with. */
export type CallerFor = (city: string) => Caller;

/**
 * The CLI's gRPC identity, always over TLS unless plaintext is chosen explicitly: the identity of
 * GRPC_TLS_CERT/KEY/CA when set (a partial setting is refused at once); else, when the development
 * PKI exists (`npm start` creates it), the `operator-main` identity of the city being called; else
 * every call fails with how to configure one.
 */
export function cliCallers(settings: TransportSettings, pkiDir: string = defaultPkiDir): CallerFor {
  const cache = new Map<string, Caller>();
  const once = (city: string, make: () => Caller) => {
    let c = cache.get(city);
    if (!c) cache.set(city, (c = make()));
    return c;
  };
  if (settings.grpcTlsCert || settings.grpcTlsKey || settings.grpcTlsCa || settings.grpcInsecure) {
    const transport = transportOf(settings);
    // Under mTLS the certificate names the caller; in plaintext development the operator of the city is named.
    return (city) => once(city, () => callerOf(transport, spiffeUri(city, "operator", "main")));
  }
  if (existsSync(trustBundlePath(pkiDir))) {
    return (city) =>
      once(city, () => callerOf(transportOf(devTlsSettings(city, "operator", "main", pkiDir)), spiffeUri(city, "operator", "main")));
  }
  return () => {
    throw new NoIdentityError(
      `未配置gRPC身份 / no gRPC identity: set GRPC_TLS_CERT, GRPC_TLS_KEY and GRPC_TLS_CA to an operator certificate of your city, ` +
        `or run \`npm start\` once to create the development PKI in ${pkiDir}`,
    );
  };
}
