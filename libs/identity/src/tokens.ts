import { readFileSync } from "node:fs";
import { type JWTPayload, type JWTVerifyGetKey, SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, importJWK, jwtVerify } from "jose";
import { idpFiles } from "./devPki";

/** Audience of every token the exchange accepts. */
export const TOKEN_AUDIENCE = "tongban";
/** Longest lifetime of a token the exchange accepts (a working day). */
export const MAX_TOKEN_LIFETIME_S = 12 * 3600;

/** Issuer (`iss`) of a city's development identity provider. */
export const devIssuerOf = (city: string) => `urn:tongban:idp:${city}`;

/**
 * A person acting through a system: a home authority's clerk (经办人, role "clerk", scoped to one
 * department) or an operator (运维, role "operator") logging into the monitor.
 */
export interface Person {
  /** `sub`: the person's id at the identity provider. */
  id: string;
  /** Display name (`name`), for records; the id when absent. */
  name: string;
  /** `city`: the city whose identity provider issued the token. */
  city: string;
  /** `dept`: department code (e.g. "gaj" 公安局) a clerk acts for; empty for operators. */
  department: string;
  roles: string[];
  /** `exp`: when the token stops being accepted (a stream opened with it ends then). */
  expiresAt: Date;
}

/** Why a token was not accepted; the message reads 中文 / English. */
export class TokenError extends Error {}

export interface TokenVerifier {
  verify(token: string): Promise<Person>;
}

/**
 * A JWKS source: an http(s) URL (cached and refreshed by jose), or a file path (re-read when a token
 * names a key it does not hold, at most every 5 s, so a rotated key is picked up without a restart).
 */
function jwksOf(source: string): JWTVerifyGetKey {
  if (/^https?:\/\//.test(source)) return createRemoteJWKSet(new URL(source), { timeoutDuration: 2_000, cooldownDuration: 5_000 });
  const path = source.startsWith("file:") ? new URL(source).pathname : source;
  let set = createLocalJWKSet(JSON.parse(readFileSync(path, "utf8")));
  let readAt = Date.now();
  return async (header, token) => {
    try {
      return await set(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - readAt < 5_000) throw err;
      set = createLocalJWKSet(JSON.parse(readFileSync(path, "utf8")));
      readAt = Date.now();
      return set(header, token);
    }
  };
}

/** Verifies tokens of one identity provider: signature against its JWKS, issuer, audience, expiry and lifetime. */
export function tokenVerifier(opts: { jwks: string; issuer: string; audience?: string }): TokenVerifier {
  const keys = jwksOf(opts.jwks);
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: opts.issuer,
          audience: opts.audience ?? TOKEN_AUDIENCE,
          algorithms: ["ES256", "ES384", "RS256", "PS256", "EdDSA"],
          clockTolerance: 30,
          requiredClaims: ["exp", "iat", "sub"],
        }));
      } catch (err) {
        const why =
          err instanceof errors.JWTExpired ? "令牌已过期 / token expired" : `令牌无效 / invalid token (${(err as Error).message})`;
        throw new TokenError(why);
      }
      if (payload.exp! - payload.iat! > MAX_TOKEN_LIFETIME_S) {
        throw new TokenError(`令牌有效期过长 / token lifetime over ${MAX_TOKEN_LIFETIME_S} s`);
      }
      const str = (v: unknown) => (typeof v === "string" ? v : "");
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
      return {
        id: payload.sub!,
        name: str(payload.name) || payload.sub!,
        city: str(payload.city),
        department: str(payload.dept),
        roles,
        expiresAt: new Date(payload.exp! * 1000),
      };
    },
  };
}

/** Signs a token with a city's development identity provider key (what `npm run tongban -- token` prints). */
export async function signDevToken(
  dir: string,
  p: { city: string; id: string; name?: string; department?: string; roles: string[]; ttlSeconds?: number; issuedAt?: number },
): Promise<string> {
  const jwk = JSON.parse(readFileSync(idpFiles(dir, p.city).key, "utf8")) as { kid: string; alg: string };
  const key = await importJWK(jwk, "ES256");
  const iat = p.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ city: p.city, roles: p.roles, ...(p.department ? { dept: p.department } : {}), ...(p.name ? { name: p.name } : {}) })
    .setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "JWT" })
    .setIssuer(devIssuerOf(p.city))
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(p.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (p.ttlSeconds ?? 8 * 3600))
    .sign(key);
}
