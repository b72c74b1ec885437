/** Trust domain of every identity of the network: `spiffe://tongban/<city>/<role>/<name>`. */
export const TRUST_DOMAIN = "tongban";

/**
 * What a caller is (角色). A window system (窗口系统) submits cases; an authority system (审批系统)
 * works the home queue with clerk tokens; a node (交换节点) calls other cities' registries; a
 * registry (证照库) serves verification; an issuer (发证部门) revokes its own certificates;
 * operators (运维) and auditors (审计) read health and the audit chain; a broker (消息代理) is a
 * Kafka broker's TLS identity and may call nothing.
 */
export const roles = ["window", "authority", "node", "registry", "issuer", "operator", "auditor", "broker"] as const;
export type Role = (typeof roles)[number];

/** A caller's identity as its certificate states it. */
export interface Identity {
  city: string;
  role: Role;
  /** The system's own name within city and role; for an issuer, its 统一社会信用代码. */
  name: string;
  /** `spiffe://tongban/<city>/<role>/<name>` */
  uri: string;
}

const segment = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function spiffeUri(city: string, role: Role, name: string): string {
  for (const [what, v] of [
    ["city", city],
    ["name", name],
  ] as const) {
    if (!segment.test(v)) throw new Error(`identity ${what} '${v}': letters, digits, '.', '_' and '-', at most 64`);
  }
  return `spiffe://${TRUST_DOMAIN}/${city}/${role}/${name}`;
}

/** Parses `spiffe://tongban/<city>/<role>/<name>`; undefined for anything else. */
export function parseSpiffeUri(uri: string): Identity | undefined {
  const m = /^spiffe:\/\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m || m[1] !== TRUST_DOMAIN) return undefined;
  const [, , city, role, name] = m as unknown as [string, string, string, string, string];
  if (!segment.test(city) || !segment.test(name) || !(roles as readonly string[]).includes(role)) return undefined;
  return { city, role: role as Role, name, uri };
}

/**
 * The one identity in a certificate's subjectAltName as Node prints it
 * ("DNS:localhost, URI:spiffe://tongban/xiamen/window/main"); undefined when there is none or
 * more than one (a certificate must name exactly one identity).
 */
export function identityOfSubjectAltName(subjectAltName: string | undefined): Identity | undefined {
  if (!subjectAltName) return undefined;
  const uris = subjectAltName
    .split(/,\s*/)
    .filter((x) => x.startsWith("URI:"))
    .map((x) => x.slice(4));
  const spiffe = uris.filter((u) => u.startsWith("spiffe://"));
  if (spiffe.length !== 1) return undefined;
  return parseSpiffeUri(spiffe[0]!);
}

/** The trust-domain URI a city's CA certificate carries: `spiffe://tongban/<city>`. */
export const cityTrustUri = (city: string) => `spiffe://${TRUST_DOMAIN}/${city}`;

/** The city of a CA certificate's `spiffe://tongban/<city>` URI SAN. */
export function cityOfCaSubjectAltName(subjectAltName: string | undefined): string | undefined {
  const m = (subjectAltName ?? "")
    .split(/,\s*/)
    .map((x) => /^URI:spiffe:\/\/([^/]+)\/([^/]+)$/.exec(x))
    .find((x) => x && x[1] === TRUST_DOMAIN);
  return m?.[2];
}
