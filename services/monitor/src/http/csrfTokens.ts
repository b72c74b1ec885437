import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * CSRF tokens without server-side state: `<nonce>.<HMAC(process secret, scope, nonce)>`, where the
 * scope is what the request is bound to (a login session, a person, or this loopback process). A
 * token is valid only for the scope it was issued for and only while this process runs.
 */
export class CsrfTokens {
  private readonly secret = randomBytes(32);

  issue(scope: string): string {
    const nonce = randomBytes(16).toString("base64url");
    return `${nonce}.${this.mac(scope, nonce)}`;
  }

  valid(scope: string, token: string | undefined): boolean {
    if (!token || token.length > 256) return false;
    const [nonce, mac, ...rest] = token.split(".");
    if (!nonce || !mac || rest.length > 0) return false;
    const want = Buffer.from(this.mac(scope, nonce));
    const got = Buffer.from(mac);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private mac(scope: string, nonce: string): string {
    return createHmac("sha256", this.secret).update(`${scope}\u0000${nonce}`).digest("base64url");
  }
}
