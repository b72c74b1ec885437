import { readFileSync } from "node:fs";
import { checkServerIdentity } from "node:tls";
import { ChannelCredentials, ServerCredentials, experimental } from "@grpc/grpc-js";
import { type IdentityFiles, type Role, TrustBundle, defaultPkiDir, identityFiles } from "@tongban/identity";
import type { Logger } from "pino";

/**
 * How a service talks gRPC: mutual TLS with its own identity and the network's trust bundle (the
 * default everywhere), or plaintext with the explicit development switch (GRPC_INSECURE=true), where
 * a caller names its identity in the `tongban-dev-identity` header and nothing checks it.
 */
export type Transport = { kind: "mtls"; files: IdentityFiles; trust: TrustBundle } | { kind: "insecure" };

/** The gRPC TLS settings of a service's configuration (GRPC_TLS_CERT, GRPC_TLS_KEY, GRPC_TLS_CA, GRPC_INSECURE). */
export interface TransportSettings {
  grpcTlsCert?: string | undefined;
  grpcTlsKey?: string | undefined;
  grpcTlsCa?: string | undefined;
  grpcInsecure?: boolean | undefined;
}

/** Thrown at start for a TLS configuration that is missing, partial or contradictory. */
export class TransportConfigError extends Error {}

/**
 * Resolves the transport, refusing to start on a partial TLS configuration, on TLS files together
 * with the plaintext switch, or on neither; warns loudly when plaintext is chosen.
 */
export function transportOf(s: TransportSettings, log?: Logger): Transport {
  const given = { GRPC_TLS_CERT: s.grpcTlsCert, GRPC_TLS_KEY: s.grpcTlsKey, GRPC_TLS_CA: s.grpcTlsCa };
  const set = Object.entries(given).filter(([, v]) => v);
  if (s.grpcInsecure) {
    if (set.length > 0) throw new TransportConfigError(`GRPC_INSECURE=true together with ${set.map(([k]) => k).join(", ")}: choose one`);
    log?.warn(
      "GRPC_INSECURE=true: gRPC runs in PLAINTEXT and callers' identities are taken from the tongban-dev-identity header unchecked; development only",
    );
    return { kind: "insecure" };
  }
  if (set.length < 3) {
    const missing = Object.entries(given)
      .filter(([, v]) => !v)
      .map(([k]) => k);
    throw new TransportConfigError(
      set.length === 0
        ? "gRPC TLS is not configured: set GRPC_TLS_CERT, GRPC_TLS_KEY and GRPC_TLS_CA (or GRPC_INSECURE=true for plaintext development)"
        : `partial gRPC TLS configuration: ${missing.join(", ")} missing`,
    );
  }
  const files = { cert: s.grpcTlsCert!, key: s.grpcTlsKey!, ca: s.grpcTlsCa! };
  for (const [k, path] of set) {
    try {
      readFileSync(path!);
    } catch (err) {
      throw new TransportConfigError(`${k}: cannot read ${path} (${(err as Error).message})`);
    }
  }
  return { kind: "mtls", files, trust: TrustBundle.load(files.ca) };
}

/** Transport settings of one identity's files. */
export const tlsSettingsOf = (files: IdentityFiles): TransportSettings => ({
  grpcTlsCert: files.cert,
  grpcTlsKey: files.key,
  grpcTlsCa: files.ca,
});

/** Transport settings of an identity of the development PKI (`npm start`, tests, bench, CLI, demo). */
export const devTlsSettings = (city: string, role: Role, name: string, dir: string = defaultPkiDir): TransportSettings =>
  tlsSettingsOf(identityFiles(dir, city, role, name));

/**
 * Server credentials: TLS with the service's certificate, re-read from its files every minute (a
 * renewed certificate takes effect without a restart). Client certificates are requested and
 * verified against the trust bundle but not required by the handshake, so that a caller without one
 * gets UNAUTHENTICATED from the access check instead of a bare connection failure.
 */
export function serverCredentialsOf(t: Transport, reloadMs = 60_000): ServerCredentials {
  if (t.kind === "insecure") return ServerCredentials.createInsecure();
  const provider = new ReloadingCertificates(t.files, reloadMs);
  return experimental.createCertificateProviderServerCredentials(provider, provider, false);
}

/**
 * The service's certificate, key and trust bundle, read at once (so the first connection already
 * has them) and re-read every `intervalMs`; listeners hear of a change only.
 */
class ReloadingCertificates implements experimental.CertificateProvider {
  private identity: experimental.IdentityCertificateUpdate;
  private ca: experimental.CaCertificateUpdate;
  private readonly identityListeners = new Set<experimental.IdentityCertificateUpdateListener>();
  private readonly caListeners = new Set<experimental.CaCertificateUpdateListener>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly files: IdentityFiles,
    private readonly intervalMs: number,
  ) {
    this.identity = { certificate: readFileSync(files.cert), privateKey: readFileSync(files.key) };
    this.ca = { caCertificate: readFileSync(files.ca) };
  }

  private reload(): void {
    try {
      const identity = { certificate: readFileSync(this.files.cert), privateKey: readFileSync(this.files.key) };
      const ca = { caCertificate: readFileSync(this.files.ca) };
      if (!identity.certificate.equals(this.identity.certificate) || !identity.privateKey.equals(this.identity.privateKey)) {
        this.identity = identity;
        for (const l of this.identityListeners) l(identity);
      }
      if (!ca.caCertificate.equals(this.ca.caCertificate)) {
        this.ca = ca;
        for (const l of this.caListeners) l(ca);
      }
    } catch {
      // A file being replaced is read again at the next interval; the current ones stay in use.
    }
  }

  private watch(): void {
    const listening = this.identityListeners.size + this.caListeners.size > 0;
    if (listening && !this.timer) {
      this.timer = setInterval(() => this.reload(), this.intervalMs);
      this.timer.unref();
    } else if (!listening && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  addCaCertificateListener(l: experimental.CaCertificateUpdateListener): void {
    this.caListeners.add(l);
    this.watch();
    // After grpc-js has registered its watcher (it adds listeners first), still before the first connection.
    queueMicrotask(() => l(this.ca));
  }
  removeCaCertificateListener(l: experimental.CaCertificateUpdateListener): void {
    this.caListeners.delete(l);
    this.watch();
  }
  addIdentityCertificateListener(l: experimental.IdentityCertificateUpdateListener): void {
    this.identityListeners.add(l);
    this.watch();
    queueMicrotask(() => l(this.identity));
  }
  removeIdentityCertificateListener(l: experimental.IdentityCertificateUpdateListener): void {
    this.identityListeners.delete(l);
    this.watch();
  }
}

/** Roles whose certificates may serve gRPC: a window's or an operator's certificate cannot pose as a node. */
export const SERVER_ROLES: readonly Role[] = ["node", "registry"];

/**
 * Client credentials: the caller's certificate and key, and the trust bundle to check the server
 * with. Besides the host name, the server must prove a server identity (a node or a registry) that
 * its own city's CA signed.
 */
export function channelCredentialsOf(t: Transport): ChannelCredentials {
  if (t.kind === "insecure") return ChannelCredentials.createInsecure();
  const trust = t.trust;
  return ChannelCredentials.createSsl(readFileSync(t.files.ca), readFileSync(t.files.key), readFileSync(t.files.cert), {
    checkServerIdentity: (host, cert) => {
      const err = checkServerIdentity(host, cert);
      if (err) return err;
      const id = trust.identityOf(cert);
      if (typeof id === "string") return new Error(`server ${host}: ${id}`);
      if (!SERVER_ROLES.includes(id.role)) return new Error(`server ${host} presents ${id.uri}, not a node or registry identity`);
      return undefined;
    },
  });
}
