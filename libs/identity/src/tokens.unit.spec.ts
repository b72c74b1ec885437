import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevPki, idpFiles } from "./devPki";
import { TokenError, devIssuerOf, signDevToken, tokenVerifier } from "./tokens";

describe("person tokens", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tongban-tokens-"));
    await ensureDevPki([{ id: "xiamen" }, { id: "quanzhou" }], dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const verifier = () => tokenVerifier({ jwks: idpFiles(dir, "xiamen").jwks, issuer: devIssuerOf("xiamen") });

  it("when a clerk token of the city's provider is verified, then the person carries id, city, department and roles", async () => {
    const token = await signDevToken(dir, { city: "xiamen", id: "c-01", name: "林晓明", department: "gaj", roles: ["clerk"] });
    expect(await verifier().verify(token)).toEqual({
      id: "c-01",
      name: "林晓明",
      city: "xiamen",
      department: "gaj",
      roles: ["clerk"],
      expiresAt: expect.any(Date),
    });
  });

  it("when a token is expired, of another provider, too long-lived or not a JWT, then it is refused with a reason", async () => {
    const v = verifier();
    const refuse = (t: string) =>
      v.verify(t).then(
        () => "accepted",
        (e: unknown) => (e instanceof TokenError ? e.message : `other: ${e}`),
      );
    expect(
      await refuse(await signDevToken(dir, { city: "xiamen", id: "c", roles: ["clerk"], issuedAt: 1_700_000_000, ttlSeconds: 60 })),
    ).toMatch(/令牌已过期 \/ token expired/);
    expect(await refuse(await signDevToken(dir, { city: "quanzhou", id: "c", roles: ["clerk"] }))).toMatch(/invalid token/);
    expect(await refuse(await signDevToken(dir, { city: "xiamen", id: "c", roles: ["clerk"], ttlSeconds: 48 * 3600 }))).toMatch(/lifetime/);
    expect(await refuse("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")).toMatch(/invalid token/);
  });

  it("when the provider's key is rotated in its JWKS file, then tokens of the new key verify without a restart", async () => {
    const v = verifier();
    const before = readFileSync(idpFiles(dir, "xiamen").jwks, "utf8");
    await v.verify(await signDevToken(dir, { city: "xiamen", id: "c", roles: ["clerk"] }));
    // A new key pair replaces the old one (the provider's rotation), after the verifier's 5 s reload guard.
    rmSync(idpFiles(dir, "xiamen").key);
    await ensureDevPki([{ id: "xiamen" }, { id: "quanzhou" }], dir);
    expect(readFileSync(idpFiles(dir, "xiamen").jwks, "utf8")).not.toBe(before);
    const fresh = await signDevToken(dir, { city: "xiamen", id: "c2", roles: ["clerk"] });
    await new Promise((r) => setTimeout(r, 5_100));
    expect((await v.verify(fresh)).id).toBe("c2");
  }, 15_000);
});
