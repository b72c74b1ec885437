import { describe, expect, it } from "vitest";
import { cityOfCaSubjectAltName, identityOfSubjectAltName, parseSpiffeUri, spiffeUri } from "./spiffeId";

describe("SPIFFE identities", () => {
  it("when an identity URI is well formed, then city, role and name are read back", () => {
    expect(parseSpiffeUri("spiffe://tongban/xiamen/window/haicang-01")).toEqual({
      city: "xiamen",
      role: "window",
      name: "haicang-01",
      uri: "spiffe://tongban/xiamen/window/haicang-01",
    });
    expect(parseSpiffeUri(spiffeUri("quanzhou", "issuer", "11350500MB0000000X"))?.name).toBe("11350500MB0000000X");
  });

  it("when the trust domain, role or shape is wrong, then there is no identity", () => {
    for (const uri of [
      "spiffe://other/xiamen/window/main",
      "spiffe://tongban/xiamen/admin/main",
      "spiffe://tongban/xiamen/window",
      "spiffe://tongban/xiamen/window/main/extra",
      "spiffe://tongban/../window/main",
      "spiffe://tongban/xiamen/window/",
      "https://tongban/xiamen/window/main",
    ]) {
      expect(parseSpiffeUri(uri), uri).toBeUndefined();
    }
    expect(() => spiffeUri("xia men", "window", "main")).toThrow();
  });

  it("when a certificate names no identity or two, then it names none", () => {
    expect(identityOfSubjectAltName("DNS:localhost, IP Address:127.0.0.1, URI:spiffe://tongban/xiamen/node/xiamen")?.role).toBe("node");
    expect(identityOfSubjectAltName("DNS:localhost")).toBeUndefined();
    expect(identityOfSubjectAltName(undefined)).toBeUndefined();
    expect(identityOfSubjectAltName("URI:spiffe://tongban/xiamen/node/a, URI:spiffe://tongban/xiamen/window/b")).toBeUndefined();
  });

  it("when a CA carries its city's trust URI, then the city is read from it", () => {
    expect(cityOfCaSubjectAltName("URI:spiffe://tongban/zhangzhou")).toBe("zhangzhou");
    expect(cityOfCaSubjectAltName("URI:spiffe://tongban/zhangzhou/node/x")).toBeUndefined();
    expect(cityOfCaSubjectAltName(undefined)).toBeUndefined();
  });
});
