import { type KeyObject, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";

/**
 * Who signs what on the bus: `node:<id>` (case envelopes, tracking events) or `registry:<id>`
 * (certificate revocations), each with Ed25519 keys whose public halves are in the network
 * configuration.
 */
export type Principal = `node:${string}` | `registry:${string}`;

/** Why a signed message is refused: each is its own dead-letter code. */
export type SignatureFault = "SIGNATURE_MISSING" | "UNKNOWN_KEY" | "SIGNER_MISMATCH" | "SIGNATURE_INVALID";

/** A message that carries its own signature and key id (EventEnvelope, TrackingEvent, CertificateRevoked). */
export interface SignedMessage {
  signature: Uint8Array;
  keyId: string;
}

/** A process's signing key: the active key of its principal. */
export interface Signer {
  principal: Principal;
  keyId: string;
  sign(bytes: Uint8Array): Buffer;
}

/** A public key of the network configuration. */
export interface PublicSigningKey {
  keyId: string;
  principal: Principal;
  /** SPKI PEM of an Ed25519 key. */
  publicKey: string;
  /** `active` signs now; `retired` keys still verify what was signed before a rotation. */
  status: "active" | "retired";
}

export function signerOf(principal: Principal, keyId: string, privateKeyPem: string): Signer {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`signing key ${keyId} is ${key.asymmetricKeyType}, not ed25519`);
  return { principal, keyId, sign: (bytes) => sign(null, bytes, key) };
}

/** Signs a message: `keyId` set, then the signature over its encoding with `signature` empty. */
export function signMessage<T extends SignedMessage>(msg: T, encode: (m: T) => Uint8Array, signer: Signer): T {
  const unsigned = { ...msg, keyId: signer.keyId, signature: new Uint8Array(0) };
  return { ...unsigned, signature: signer.sign(encode(unsigned)) };
}

/** The network's public signing keys, by key id. */
export class SigningKeys {
  private readonly byId = new Map<string, { principal: Principal; key: KeyObject }>();

  constructor(keys: readonly PublicSigningKey[]) {
    for (const k of keys) {
      const key = createPublicKey(k.publicKey);
      if (key.asymmetricKeyType !== "ed25519") throw new Error(`signing key ${k.keyId} is ${key.asymmetricKeyType}, not ed25519`);
      if (this.byId.has(k.keyId)) throw new Error(`signing key id ${k.keyId} is listed twice`);
      this.byId.set(k.keyId, { principal: k.principal, key });
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** Why `msg` is not a message `expected` signed with one of its keys, or undefined when it is. */
  check<T extends SignedMessage>(msg: T, encode: (m: T) => Uint8Array, expected: Principal): SignatureFault | undefined {
    if (msg.signature.length === 0 || !msg.keyId) return "SIGNATURE_MISSING";
    const k = this.byId.get(msg.keyId);
    if (!k) return "UNKNOWN_KEY";
    if (k.principal !== expected) return "SIGNER_MISMATCH";
    const bytes = encode({ ...msg, signature: new Uint8Array(0) });
    try {
      return verify(null, bytes, k.key, msg.signature) ? undefined : "SIGNATURE_INVALID";
    } catch {
      return "SIGNATURE_INVALID";
    }
  }
}

/** Bilingual reasons of the faults, for dead letters and logs. */
export const signatureFaultReasons: Record<SignatureFault, string> = {
  SIGNATURE_MISSING: "消息未签名 / message is not signed",
  UNKNOWN_KEY: "签名密钥不在网络配置中 / signing key is not in the network configuration",
  SIGNER_MISMATCH: "签名者与消息来源不符 / signer is not the message's source",
  SIGNATURE_INVALID: "签名无效（消息被篡改或密钥不符）/ signature does not verify (tampered message or wrong key)",
};
