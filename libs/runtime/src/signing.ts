import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import type { ConfigKey, Network } from "@tongban/config";
import { type Principal, type Sealed, SealingKeyring, type Signer, SigningKeys, seal, signerOf } from "@tongban/contracts";
import { type KeyUse, type SigningRole, busKeyFiles, defaultPkiDir } from "@tongban/identity";

/** Keys of a process that signs on the bus (a node, a registry) and, for a node, opens what is sealed for it. */
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
  sealingKeyFiles: {
    env: "SEALING_KEY_FILES",
    doc: "the node's PEM (PKCS#8) X25519 private keys that personal data is sealed for, as <key id>=<path>, comma-separated (the active key and retired ones still in use). Unset: the development PKI's keys of this city's node",
    schema: z.string().min(1).optional(),
  },
} satisfies Record<string, ConfigKey>;

/** The development PKI's keys of a principal: key id → private key file, active one last. */
function devKeys(city: string, role: SigningRole, use: KeyUse): [string, string][] {
  const f = busKeyFiles(defaultPkiDir, city, role, use);
  if (!existsSync(f.key) || !existsSync(f.pub)) return [];
  const entries = JSON.parse(readFileSync(f.pub, "utf8")) as { keyId: string }[];
  return entries
    .map((e, i): [string, string] => [e.keyId, i === entries.length - 1 ? f.key : `${f.key}.${e.keyId}`])
    .filter(([, path]) => existsSync(path));
}

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
  const [file, keyId] = cfg.signingKeyFile
    ? [cfg.signingKeyFile, cfg.signingKeyId]
    : (devKeys(city, role, "signing").at(-1)?.reverse() ?? []);
  if (!file) throw new Error(`SIGNING_KEY_FILE is not set and the development PKI has no signing key for ${principal}`);
  if (!keyId) throw new Error("SIGNING_KEY_FILE is set but SIGNING_KEY_ID is not");
  const listed = network.signingKeys.find((k) => k.keyId === keyId);
  if (!listed || listed.principal !== principal || listed.status !== "active") {
    throw new Error(`signing key ${keyId} is not an active key of ${principal} in the network configuration`);
  }
  return signerOf(principal, keyId, readFileSync(file, "utf8"));
}

/** The network's public signing keys, to check what arrives from the bus. */
export const trustOf = (network: Network): SigningKeys => new SigningKeys(network.signingKeys);

/** Sealing personal data for a node, and opening what was sealed for this one. */
export interface NodeSealing {
  /** Seals `plain` for `node`'s active sealing key; throws when the network lists none. */
  sealFor(node: string, plain: Uint8Array, aad: string): Sealed;
  /** The plain bytes, or undefined when not sealed for one of this node's keys or altered. */
  open(s: Sealed, aad: string): Buffer | undefined;
}

/**
 * A node's sealing: the network's public sealing keys (every node must have an active one, or
 * start-up fails) and this node's private keys (SEALING_KEY_FILES, else the development PKI's).
 */
export function loadSealing(cfg: { sealingKeyFiles?: string | undefined }, network: Network, city: string): NodeSealing {
  const active = new Map(network.sealingKeys.filter((k) => k.status === "active").map((k) => [k.principal, k]));
  const missing = network.nodes.filter((n) => !active.has(`node:${n.id}`)).map((n) => n.id);
  if (missing.length > 0) throw new Error(`the network configuration lists no active sealing key for ${missing.join(", ")}`);
  const files = cfg.sealingKeyFiles
    ? cfg.sealingKeyFiles.split(",").map((pair): [string, string] => {
        const at = pair.indexOf("=");
        if (at <= 0) throw new Error(`SEALING_KEY_FILES: '${pair}' is not <key id>=<path>`);
        return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      })
    : devKeys(city, "node", "sealing");
  if (files.length === 0) throw new Error(`SEALING_KEY_FILES is not set and the development PKI has no sealing key for node:${city}`);
  const ring = new SealingKeyring(files.map(([keyId, path]) => ({ keyId, privateKeyPem: readFileSync(path, "utf8") })));
  return {
    sealFor: (node, plain, aad) => {
      const key = active.get(`node:${node}`);
      if (!key) throw new Error(`no active sealing key for node ${node}`);
      return seal(plain, key, aad);
    },
    open: (s, aad) => ring.open(s, aad),
  };
}
