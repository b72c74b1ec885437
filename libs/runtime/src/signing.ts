import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import type { ConfigKey, Network } from "@tongban/config";
import { type Principal, type Signer, SigningKeys, signerOf } from "@tongban/contracts";
import { type SigningRole, defaultPkiDir, signingFiles } from "@tongban/identity";

/** Keys of a process that signs on the bus (a node, a registry). */
export const signingKeys = {
  signingKeyFile: {
    env: "SIGNING_KEY_FILE",
    doc: "PEM (PKCS#8) Ed25519 private key this process signs its bus messages with; with SIGNING_KEY_ID. Unset: the development PKI's key of this city's node or registry",
    schema: z.string().min(1).optional(),
  },
  signingKeyId: {
    env: "SIGNING_KEY_ID",
    doc: "id of SIGNING_KEY_FILE's public key in the network configuration (signingKeys)",
    schema: z.string().min(1).max(128).optional(),
  },
} satisfies Record<string, ConfigKey>;

/**
 * This process's signing key: SIGNING_KEY_FILE / SIGNING_KEY_ID, or the development PKI's active
 * key of the city's node or registry. Fails start-up when the key id is not an active key of
 * this principal in the network configuration (a node that signs with a key nobody trusts would
 * have every message dead-lettered).
 */
export function loadSigner(
  cfg: { signingKeyFile?: string | undefined; signingKeyId?: string | undefined },
  network: Network,
  city: string,
  role: SigningRole,
): Signer {
  const principal: Principal = `${role}:${city}`;
  let file = cfg.signingKeyFile;
  let keyId = cfg.signingKeyId;
  if (!file) {
    const dev = signingFiles(defaultPkiDir, city, role);
    if (!existsSync(dev.key) || !existsSync(dev.pub))
      throw new Error(`SIGNING_KEY_FILE is not set and the development PKI has no signing key for ${principal}`);
    file = dev.key;
    const entries = JSON.parse(readFileSync(dev.pub, "utf8")) as { keyId: string }[];
    keyId ??= entries[entries.length - 1]?.keyId;
  }
  if (!keyId) throw new Error("SIGNING_KEY_FILE is set but SIGNING_KEY_ID is not");
  const listed = network.signingKeys.find((k) => k.keyId === keyId);
  if (!listed || listed.principal !== principal || listed.status !== "active") {
    throw new Error(`signing key ${keyId} is not an active key of ${principal} in the network configuration`);
  }
  return signerOf(principal, keyId, readFileSync(file, "utf8"));
}

/** The network's public signing keys, to check what arrives from the bus. */
export const trustOf = (network: Network): SigningKeys => new SigningKeys(network.signingKeys);
