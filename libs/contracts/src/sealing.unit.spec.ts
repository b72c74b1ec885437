import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type PublicSealingKey, SealingKeyring, seal } from "./sealing";

function sealingKey(keyId: string) {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const pub: PublicSealingKey = {
    keyId,
    principal: "node:zhangzhou",
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    status: "active",
  };
  return { pub, priv: { keyId, privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() } };
}

describe("personal data sealed for one node", () => {
  const current = sealingKey("zz-seal-2");
  const retired = sealingKey("zz-seal-1");
  const ring = new SealingKeyring([retired.priv, current.priv]);
  const secret = Buffer.from("陈晓明 35020319800101123X");

  it("when sealed for a node's key, then that node opens it, also with a retired key, and the bytes hold nothing in clear", () => {
    const s = seal(secret, current.pub, "case-1");
    expect(Buffer.concat([s.ciphertext, s.nonce, s.ephemeralPublicKey]).includes(Buffer.from("陈晓明"))).toBe(false);
    expect(ring.open(s, "case-1")).toEqual(secret);
    expect(ring.open(seal(secret, retired.pub, "case-1"), "case-1")).toEqual(secret);
  });

  it("when the block is altered, bound to another case or sealed for another key, then it does not open", () => {
    const s = seal(secret, current.pub, "case-1");
    const flipped = Buffer.from(s.ciphertext);
    flipped[0] = flipped[0]! ^ 1;
    expect(ring.open({ ...s, ciphertext: flipped }, "case-1")).toBeUndefined();
    expect(ring.open(s, "case-2")).toBeUndefined();
    expect(ring.open(seal(secret, sealingKey("other").pub, "case-1"), "case-1")).toBeUndefined();
    expect(ring.open({ ...s, nonce: Buffer.alloc(3) }, "case-1")).toBeUndefined();
  });

  it("when a key is not X25519, then it is refused", () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    expect(() => seal(secret, { ...current.pub, publicKey: publicKey.export({ type: "spki", format: "pem" }).toString() }, "c")).toThrow(
      /not x25519/,
    );
  });
});
