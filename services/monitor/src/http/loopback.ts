import { isIP } from "node:net";

/** Whether a server bound to `host` is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h.startsWith("::ffff:127.");
  return false;
}

/** Whether `host` is a wildcard address (every interface), where no origin can be derived from the bind. */
export const isWildcardHost = (host: string) => ["0.0.0.0", "::", "[::]"].includes(host);

/**
 * The origins a browser shows for a server bound to `host:port`: that address, and on loopback also
 * the other names of this machine (127.0.0.1, localhost, [::1]); none for a wildcard bind.
 */
export function ownOrigins(host: string, port: number): string[] {
  if (isWildcardHost(host)) return [];
  const literal = (h: string) => (isIP(h) === 6 ? `[${h}]` : h);
  const hosts = isLoopbackHost(host) ? [host.replace(/^\[|\]$/g, ""), "127.0.0.1", "localhost", "::1"] : [host.replace(/^\[|\]$/g, "")];
  return [...new Set(hosts.map((h) => `http://${literal(h)}:${port}`))];
}
