import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { PeerCertificate } from "node:tls";
import { type Identity, cityOfCaSubjectAltName, identityOfSubjectAltName } from "./spiffeId";

const canonical = (entries: [string, string][]) =>
  entries
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join("\n");

const entriesOfSubject = (subject: string): [string, string][] =>
  subject
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const i = line.indexOf("=");
      return [line.slice(0, i), line.slice(i + 1)];
    });

const entriesOfPeerName = (name: Record<string, string | string[]>): [string, string][] =>
  Object.entries(name).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]));

/** Splits a PEM bundle into its certificates. */
export const pemCertificates = (pem: string): string[] => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

/**
 * The network's trust bundle: every city's CA, each bound to its city by the CA certificate's
 * `spiffe://tongban/<city>` URI SAN. A caller's identity counts only when the CA that signed its
 * certificate is the CA of the city the identity names: Xiamen's CA cannot vouch for a Quanzhou window.
 */
export class TrustBundle {
  private readonly cityByIssuer = new Map<string, string>();

  constructor(pem: string) {
    for (const c of pemCertificates(pem).map((p) => new X509Certificate(p))) {
      const city = cityOfCaSubjectAltName(c.subjectAltName);
      if (!c.ca) throw new Error(`trust bundle: '${c.subject.replace(/\n/g, ", ")}' is not a CA certificate`);
      if (!city) throw new Error(`trust bundle: CA '${c.subject.replace(/\n/g, ", ")}' carries no spiffe://tongban/<city> URI SAN`);
      this.cityByIssuer.set(canonical(entriesOfSubject(c.subject)), city);
    }
    if (this.cityByIssuer.size === 0) throw new Error("trust bundle holds no CA certificate");
  }

  static load(path: string): TrustBundle {
    return new TrustBundle(readFileSync(path, "utf8"));
  }

  get cities(): string[] {
    return [...new Set(this.cityByIssuer.values())];
  }

  /**
   * The identity of a peer whose certificate chain TLS has verified against this bundle; a reason
   * (中文 / English) when it names none or its CA is not its city's.
   */
  identityOf(peer: PeerCertificate | undefined): Identity | string {
    if (!peer?.raw) return "缺少有效的客户端证书 / no valid client certificate";
    const identity = identityOfSubjectAltName(peer.subjectaltname);
    if (!identity) return "证书未载明通办身份 / the certificate names no spiffe://tongban identity";
    const caCity = this.cityByIssuer.get(canonical(entriesOfPeerName(peer.issuer as unknown as Record<string, string | string[]>)));
    if (caCity !== identity.city) {
      return `证书签发机构不属于${identity.city} / ${identity.uri} is not signed by ${identity.city}'s CA`;
    }
    return identity;
  }
}
