import {
  type KeyObject,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from "node:crypto";

/**
 * Personal data sealed for one node (X25519 key agreement with a fresh ephemeral key, HKDF-SHA256,
 * AES-256-GCM): only the holder of the recipient's private sealing key reads it. `aad` binds the
 * block to its context (the case id), so a block cannot be moved to another case.
 */
export interface Sealed {
  keyId: string;
  ephemeralPublicKey: Buffer;
  nonce: Buffer;
  /** Ciphertext with the 16-byte GCM tag appended. */
  ciphertext: Buffer;
}

/** A node's public sealing key, as the network configuration lists it. */
export interface PublicSealingKey {
  keyId: string;
  /** `node:<id>` of the recipient. */
  principal: string;
  /** SPKI PEM of an X25519 key. */
  publicKey: string;
  status: "active" | "retired";
}

const INFO = Buffer.from("tongban sealed block v1");
const rawX25519 = (k: KeyObject) => Buffer.from(k.export({ format: "jwk" }).x!, "base64url");
const x25519FromRaw = (raw: Uint8Array) =>
  createPublicKey({ key: { kty: "OKP", crv: "X25519", x: Buffer.from(raw).toString("base64url") }, format: "jwk" });

function keyOf(shared: Buffer, ephemeral: Uint8Array, recipient: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.concat([ephemeral, recipient]), INFO, 32));
}

/** Seals `plain` for the recipient's public key. */
export function seal(plain: Uint8Array, recipient: PublicSealingKey, aad: string): Sealed {
  const to = createPublicKey(recipient.publicKey);
  if (to.asymmetricKeyType !== "x25519") throw new Error(`sealing key ${recipient.keyId} is ${to.asymmetricKeyType}, not x25519`);
  const eph = generateKeyPairSync("x25519");
  const ephRaw = rawX25519(eph.publicKey);
  const key = keyOf(diffieHellman({ privateKey: eph.privateKey, publicKey: to }), ephRaw, rawX25519(to));
  const nonce = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, nonce);
  c.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  return { keyId: recipient.keyId, ephemeralPublicKey: ephRaw, nonce, ciphertext };
}

/** A node's private sealing keys (the active one and retired ones still able to open older blocks). */
export class SealingKeyring {
  private readonly byId = new Map<string, { key: KeyObject; raw: Buffer }>();

  constructor(keys: readonly { keyId: string; privateKeyPem: string }[]) {
    for (const k of keys) {
      const key = createPrivateKey(k.privateKeyPem);
      if (key.asymmetricKeyType !== "x25519") throw new Error(`sealing key ${k.keyId} is ${key.asymmetricKeyType}, not x25519`);
      this.byId.set(k.keyId, { key, raw: rawX25519(createPublicKey(key)) });
    }
  }

  /** The plain bytes, or undefined when the block is not for one of these keys or was altered. */
  open(s: Sealed, aad: string): Buffer | undefined {
    const own = this.byId.get(s.keyId);
    if (!own || s.nonce.length !== 12 || s.ciphertext.length < 16 || s.ephemeralPublicKey.length !== 32) return undefined;
    try {
      const key = keyOf(
        diffieHellman({ privateKey: own.key, publicKey: x25519FromRaw(s.ephemeralPublicKey) }),
        s.ephemeralPublicKey,
        own.raw,
      );
      const d = createDecipheriv("aes-256-gcm", key, s.nonce);
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(Buffer.from(s.ciphertext.subarray(s.ciphertext.length - 16)));
      return Buffer.concat([d.update(s.ciphertext.subarray(0, s.ciphertext.length - 16)), d.final()]);
    } catch {
      return undefined;
    }
  }
}
