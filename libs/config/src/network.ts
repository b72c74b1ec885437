import { readFileSync } from "node:fs";
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

const networkSchema = z.object({ nodes: z.array(nodeSchema).min(1) });

/** One city's exchange node (交换节点) as configured. */
export type NodeConfig = z.infer<typeof nodeSchema>;

/** The configured network of city nodes; adding a city is a config entry, never code. */
export class Network {
  readonly nodes: readonly NodeConfig[];
  private readonly byId: Map<string, NodeConfig>;

  constructor(nodes: NodeConfig[]) {
    this.nodes = nodes;
    this.byId = new Map(nodes.map((n) => [n.id, n]));
    if (this.byId.size !== nodes.length) throw new Error("network config: duplicate node id");
  }

  static parse(json: unknown): Network {
    return new Network(networkSchema.parse(json).nodes);
  }

  static load(path: string | URL = defaultNetworkFile): Network {
    return Network.parse(JSON.parse(readFileSync(path, "utf8")));
  }

  node(id: string): NodeConfig | undefined {
    return this.byId.get(id);
  }

  /** The node a division code (city or district, 6 digits) belongs to, by its 4-digit city prefix. */
  nodeOfDivision(code: string): NodeConfig | undefined {
    return this.nodes.find((n) => n.division.slice(0, 4) === code.slice(0, 4));
  }
}

/** deploy/network.json, overridable with TONGBAN_NETWORK_FILE. */
export const defaultNetworkFile: string | URL =
  process.env.TONGBAN_NETWORK_FILE ?? new URL("../../../deploy/network.json", import.meta.url);
