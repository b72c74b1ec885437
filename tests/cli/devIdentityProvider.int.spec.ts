import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPkiDir, devIssuerOf, tokenVerifier } from "@tongban/identity";
import { type DevIdentityProvider, startDevIdentityProvider } from "../../deploy/local/devIdentityProvider";
import { nodeIds } from "../support/testNetwork";

describe("the development identity provider of npm start", () => {
  let idp: DevIdentityProvider;
  beforeAll(async () => {
    idp = await startDevIdentityProvider({ dir: defaultPkiDir, cities: nodeIds, port: 0 });
  });
  afterAll(async () => {
    await idp.close();
  });

  const ask = (city: string, body: unknown, method = "POST") =>
    fetch(idp.tokenUrl(city), {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? JSON.stringify(body) : null,
    });

  it("when a clerk token is asked on loopback, then it verifies against the city's JWKS served over http and carries the department", async () => {
    const res = await ask("zhangzhou", { id: "clerk-z", department: "rsj", roles: ["clerk"], ttlSeconds: 600 });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const person = await tokenVerifier({ jwks: idp.jwksUrl("zhangzhou"), issuer: devIssuerOf("zhangzhou") }).verify(token);
    expect(person).toMatchObject({ id: "clerk-z", city: "zhangzhou", department: "rsj", roles: ["clerk"] });
    await expect(tokenVerifier({ jwks: idp.jwksUrl("quanzhou"), issuer: devIssuerOf("zhangzhou") }).verify(token)).rejects.toThrow(
      "令牌无效 / invalid token",
    );
  });

  it("when a request names an unknown department, role or city, or is not a POST, then it is refused with the reason", async () => {
    const dept = await ask("xiamen", { id: "c", department: "nosuch", roles: ["clerk"] });
    expect(dept.status).toBe(400);
    expect(((await dept.json()) as { error: string }).error).toContain("未知部门 / unknown department nosuch of xiamen");
    const role = await ask("xiamen", { id: "c", department: "gaj", roles: ["admin"] });
    expect(role.status).toBe(400);
    const ttl = await ask("xiamen", { id: "c", department: "gaj", roles: ["clerk"], ttlSeconds: 86_400 });
    expect(ttl.status).toBe(400);
    expect((await ask("fuzhou", { id: "c", department: "gaj", roles: ["clerk"] })).status).toBe(404);
    expect((await ask("xiamen", undefined, "GET")).status).toBe(405);
    const operator = await ask("xiamen", { id: "ops", roles: ["operator"] });
    expect(operator.status).toBe(200);
  });
});
