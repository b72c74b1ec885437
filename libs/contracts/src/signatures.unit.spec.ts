import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeEnvelope } from "./envelopeCodec";
import type { EventEnvelope } from "./gen/tongban/v1/envelope";
import { type Principal, type PublicSigningKey, SigningKeys, signMessage, signerOf } from "./signatures";

function keyPair(keyId: string, principal: Principal, status: PublicSigningKey["status"] = "active") {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    signer: signerOf(principal, keyId, privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
    pub: { keyId, principal, publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(), status },
  };
}

const envelope = (): EventEnvelope => ({
  eventId: "01EVENT",
  caseId: "01CASE",
  type: "case.accepted",
  sourceNode: "zhangzhou",
  targetNode: "xiamen",
  occurredAt: new Date("2026-03-02T01:00:00Z"),
  schemaVersion: 1,
  trace: undefined,
  caseSeq: 4,
  signature: Buffer.alloc(0),
  keyId: "",
  payload: { event: { $case: "accepted", value: { acceptedAt: new Date("2026-03-02T01:00:00Z"), decisionDueAt: undefined } } } as never,
});

describe("signed messages on the bus", () => {
  const zz = keyPair("zhangzhou-node-1", "node:zhangzhou");
  const zzOld = keyPair("zhangzhou-node-0", "node:zhangzhou", "retired");
  const xm = keyPair("xiamen-node-1", "node:xiamen");
  const keys = new SigningKeys([zz.pub, zzOld.pub, xm.pub]);

  it("when the source node signs an envelope, then it verifies as that node's, also with a retired key", () => {
    expect(keys.check(signMessage(envelope(), encodeEnvelope, zz.signer), encodeEnvelope, "node:zhangzhou")).toBeUndefined();
    expect(keys.check(signMessage(envelope(), encodeEnvelope, zzOld.signer), encodeEnvelope, "node:zhangzhou")).toBeUndefined();
  });

  it("when a signed envelope is altered, then it is SIGNATURE_INVALID, whichever field changed", () => {
    const signed = signMessage(envelope(), encodeEnvelope, zz.signer);
    for (const tampered of [
      { ...signed, caseSeq: 5 },
      { ...signed, caseId: "01OTHER" },
      { ...signed, payload: { event: { $case: "withdrawn", value: { reason: "x" } } } as never },
    ]) {
      expect(keys.check(tampered, encodeEnvelope, "node:zhangzhou")).toBe("SIGNATURE_INVALID");
    }
  });

  it("when another node signs, the key is unknown or there is no signature, then each has its own fault", () => {
    const byXiamen = signMessage(envelope(), encodeEnvelope, xm.signer);
    expect(keys.check(byXiamen, encodeEnvelope, "node:zhangzhou")).toBe("SIGNER_MISMATCH");
    const stranger = keyPair("zhangzhou-node-9", "node:zhangzhou");
    expect(keys.check(signMessage(envelope(), encodeEnvelope, stranger.signer), encodeEnvelope, "node:zhangzhou")).toBe("UNKNOWN_KEY");
    expect(keys.check(envelope(), encodeEnvelope, "node:zhangzhou")).toBe("SIGNATURE_MISSING");
    // A signature copied onto another key id's name does not verify either.
    expect(keys.check({ ...byXiamen, keyId: "zhangzhou-node-1" }, encodeEnvelope, "node:zhangzhou")).toBe("SIGNATURE_INVALID");
  });

  it("when a key is not Ed25519 or listed twice, then the configuration is refused", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const ec = { ...zz.pub, keyId: "ec", publicKey: publicKey.export({ type: "spki", format: "pem" }).toString() };
    expect(() => new SigningKeys([ec])).toThrow(/not ed25519/);
    expect(() => new SigningKeys([zz.pub, zz.pub])).toThrow(/listed twice/);
  });
});
