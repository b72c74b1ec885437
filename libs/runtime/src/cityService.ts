import { type ConfigOf, type ConfigSpec, Network, type NodeConfig, type commonKeys, loadConfig } from "@tongban/config";
import type { Signer } from "@tongban/contracts";
import type { SigningRole } from "@tongban/identity";
import { type Logger, createLogger } from "@tongban/log";
import { type Transport, transportOf } from "@tongban/rpc";
import { thisNode } from "./nodeContext";
import { loadSigner, type signingKeys } from "./signing";

type CitySpec = ConfigSpec & typeof commonKeys & typeof signingKeys;

/**
 * The start of a city's service (its node or its certificate registry), in one order for both:
 * configuration (every invalid key at once), the network and this city's entry in it, the logger,
 * the gRPC transport (a missing or partial TLS configuration refused) and the signing key (one the
 * network does not list as this service's active key refused) — all before anything connects.
 */
export function startCityService<S extends CitySpec>(
  spec: S,
  opts: { config?: Partial<ConfigOf<S>>; network?: Network; logger?: Logger },
  service: "node" | "certs",
  role: SigningRole,
): { cfg: ConfigOf<S>; network: Network; node: NodeConfig; log: Logger; transport: Transport; signer: Signer } {
  const cfg = loadConfig(spec, process.env, opts.config);
  const network = opts.network ?? Network.load();
  const node = thisNode(network, cfg.node);
  const log = opts.logger ?? createLogger({ service, node: node.id, level: cfg.logLevel });
  const transport = transportOf(cfg, log);
  const signer = loadSigner(cfg, network, node.id, role);
  return { cfg, network, node, log, transport, signer };
}
