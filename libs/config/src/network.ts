import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const label = z.object({ zh: z.string().min(1), en: z.string().min(1) });

const nodeSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, "node id: lower-case letters, digits, dashes"),
  name: label,
  division: z.string().regex(/^\d{6}$/),
  districts: z.array(z.object({ code: z.string().regex(/^\d{6}$/), zh: z.string(), en: z.string() })).min(1),
  ports: z.object({
    intake: z.number().int(),
    queue: z.number().int(),
    certs: z.number().int(),
    /** Prometheus endpoint of the node process (intake, queue and the inbound consumer). */
    metrics: z.number().int().optional(),
  }),
});

/** A public Ed25519 key of a node or registry that signs on the bus (see libs/contracts signatures). */
const signingKeySchema = z.object({
  keyId: z.string().min(1).max(128),
  principal: z.string().regex(/^(node|registry):[a-z][a-z0-9-]*$/, "principal: node:<id> or registry:<id>") as z.ZodType<
    `node:${string}` | `registry:${string}`
  >,
  publicKey: z.string().includes("BEGIN PUBLIC KEY"),
  status: z.enum(["active", "retired"]).default("active"),
});
export type SigningKeyConfig = z.infer<typeof signingKeySchema>;

const networkSchema = z.object({
  nodes: z.array(nodeSchema).min(1),
  signingKeys: z.array(signingKeySchema).default([]),
  sealingKeys: z.array(signingKeySchema).default([]),
});
const keysFileSchema = z.object({ signingKeys: z.array(signingKeySchema).default([]), sealingKeys: z.array(signingKeySchema).default([]) });

/** One city's exchange node (交换节点) as configured. */
export type NodeConfig = z.infer<typeof nodeSchema>;

/** The configured network of city nodes; adding a city is a config entry, never code. */
export class Network {
  readonly nodes: readonly NodeConfig[];
  private readonly byId: Map<string, NodeConfig>;

  constructor(
    nodes: NodeConfig[],
    /** The public keys every signed message on the bus is checked against, with rotation (several per principal). */
    readonly signingKeys: readonly SigningKeyConfig[] = [],
    /** The nodes' public X25519 keys that personal data is sealed for (the active one of the home node is used). */
    readonly sealingKeys: readonly SigningKeyConfig[] = [],
  ) {
    this.nodes = nodes;
    this.byId = new Map(nodes.map((n) => [n.id, n]));
    if (this.byId.size !== nodes.length) throw new Error("network config: duplicate node id");
  }

  static parse(json: unknown): Network {
    const n = networkSchema.parse(json);
    return new Network(n.nodes, n.signingKeys, n.sealingKeys);
  }

  /**
   * The network file, with the public signing keys of `keysFile` added when it exists (the
   * development PKI writes one; in production the keys are listed in the network file itself).
   */
  static load(path: string | URL = defaultNetworkFile, keysFile: string = defaultSigningKeysFile()): Network {
    const n = Network.parse(JSON.parse(readFileSync(path, "utf8")));
    if (!existsSync(keysFile)) return n;
    return n.withKeys(keysFileSchema.parse(JSON.parse(readFileSync(keysFile, "utf8"))));
  }

  /** The same network with more public keys (a key id already listed is kept as it is). */
  withKeys(more: { signingKeys?: readonly SigningKeyConfig[]; sealingKeys?: readonly SigningKeyConfig[] }): Network {
    const add = (have: readonly SigningKeyConfig[], extra: readonly SigningKeyConfig[] = []) => {
      const known = new Set(have.map((k) => k.keyId));
      return [...have, ...extra.filter((k) => !known.has(k.keyId))];
    };
    return new Network([...this.nodes], add(this.signingKeys, more.signingKeys), add(this.sealingKeys, more.sealingKeys));
  }

  node(id: string): NodeConfig | undefined {
    return this.byId.get(id);
  }

  /** The node a division code (city or district, 6 digits) belongs to, by its 4-digit city prefix. */
  nodeOfDivision(code: string): NodeConfig | undefined {
    return this.nodes.find((n) => n.division.slice(0, 4) === code.slice(0, 4));
  }
}

/**
 * The development PKI's lists of public signing and sealing keys (TONGBAN_SIGNING_KEYS_FILE, else
 * signing-keys.json in TONGBAN_PKI_DIR or .run/pki).
 */
export const defaultSigningKeysFile = (): string =>
  process.env.TONGBAN_SIGNING_KEYS_FILE ??
  join(process.env.TONGBAN_PKI_DIR ?? new URL("../../../.run/pki/", import.meta.url).pathname, "signing-keys.json");

/** deploy/network.json, overridable with TONGBAN_NETWORK_FILE. */
export const defaultNetworkFile: string | URL =
  process.env.TONGBAN_NETWORK_FILE ?? new URL("../../../deploy/network.json", import.meta.url);
