import { type Person, TokenError, type TokenVerifier, devIssuerOf, tokenVerifier } from "@tongban/identity";

/** A refused request: its HTTP status and why (中文 / English). */
export class AccessRefused extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
    /** `<city>/<id>` of a person whose valid token was refused, for the audit line. */
    readonly person?: string,
  ) {
    super(message);
    this.name = "AccessRefused";
  }
}

/** One city's identity provider whose operators may use the monitor. */
export interface OperatorIdp {
  city: string;
  /** JWKS file path or http(s) URL. */
  jwks: string;
  /** `iss` of its tokens; default `devIssuerOf(city)`. */
  issuer?: string;
}

/** The claims read before verification, only to choose the identity provider that must verify the token. */
function unverifiedClaims(token: string): { iss?: unknown } | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return claims && typeof claims === "object" ? (claims as { iss?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Operators' tokens (运维人员令牌) from the network cities' identity providers, the same ones that
 * issue clerks' tokens: the token's issuer picks the provider, whose keys must have signed it; the
 * person must carry the role "operator" and belong to that provider's city.
 */
export class OperatorTokens {
  private readonly byIssuer = new Map<string, { city: string; verifier: TokenVerifier }>();

  constructor(idps: readonly OperatorIdp[]) {
    for (const idp of idps) {
      const issuer = idp.issuer ?? devIssuerOf(idp.city);
      let verifier: TokenVerifier;
      try {
        verifier = tokenVerifier({ jwks: idp.jwks, issuer });
      } catch (err) {
        throw new Error(`MONITOR_OPERATOR_JWKS: cannot read the JWKS of ${idp.city} at ${idp.jwks} (${(err as Error).message})`);
      }
      this.byIssuer.set(issuer, { city: idp.city, verifier });
    }
  }

  get cities(): string[] {
    return [...this.byIssuer.values()].map((v) => v.city);
  }

  /** The operator `token` names and when the token expires (epoch ms); AccessRefused (401 or 403) otherwise. */
  async verify(token: string): Promise<{ person: Person; expiresAt: number }> {
    const claims = unverifiedClaims(token);
    const idp = typeof claims?.iss === "string" ? this.byIssuer.get(claims.iss) : undefined;
    if (!idp) throw new AccessRefused(401, "令牌的签发方不受信任 / the token's issuer is not trusted");
    let person: Person;
    try {
      person = await idp.verifier.verify(token);
    } catch (err) {
      if (err instanceof TokenError) throw new AccessRefused(401, err.message);
      throw err;
    }
    if (person.city !== idp.city) throw new AccessRefused(401, "令牌所属城市与签发方不符 / the token's city is not its issuer's");
    if (!person.roles.includes("operator")) {
      throw new AccessRefused(403, "需要运维人员角色 / the operator role is required", `${person.city}/${person.id}`);
    }
    return { person, expiresAt: person.expiresAt.getTime() };
  }
}
