import { describe, expect, it } from "vitest";
import { Network } from "@tongban/config";
import { demoCertificates } from "@tongban/demo";
import { makeCertificateId, makeCreditCode } from "@tongban/identifiers";
import { PositiveCache } from "./positiveCache";
import { registryNodeOf } from "./registryNodeOf";

const network = Network.load();

describe("registryNodeOf", () => {
  it("when a certificate was issued by a city or district department, then it routes to that city's registry", () => {
    for (const c of demoCertificates(network.nodes)) expect(registryNodeOf(network, c.certificateId)).toBe(c.registryNode);
  });

  it("when the issuer's territory is outside the network or the id is malformed, then there is no route", () => {
    const fuzhouIssuer = makeCreditCode("11350100MA0000001");
    expect(
      registryNodeOf(
        network,
        makeCertificateId({ typeCode: "11100000000013338W001", issuerCode: fuzhouIssuer, serial: "1", version: "1" }),
      ),
    ).toBe(undefined);
    expect(registryNodeOf(network, "not-a-certificate")).toBe(undefined);
  });
});

describe("PositiveCache", () => {
  it("when an entry is older than its TTL, then it is gone", () => {
    let t = 0;
    const cache = new PositiveCache<string>(1_000, () => t);
    cache.set("k", "v");
    t = 999;
    expect(cache.get("k")).toBe("v");
    t = 1_000;
    expect(cache.get("k")).toBe(undefined);
  });

  it("when the cache is full, then the oldest entry goes first", () => {
    const cache = new PositiveCache<number>(60_000, () => 0, 2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, 2, 3]);
  });

  it("when the TTL is zero, then nothing is cached", () => {
    const cache = new PositiveCache<number>(0);
    cache.set("a", 1);
    expect(cache.get("a")).toBe(undefined);
  });
});
