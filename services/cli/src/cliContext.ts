import type { ChannelCredentials } from "@grpc/grpc-js";
import type { Bus } from "@tongban/bus";
import type { Network } from "@tongban/config";
import type { Output } from "./output";
import type { OpenQuarantine } from "./quarantineCommands";

/** What every command needs, injected so commands run as plain functions in tests. */
export interface CliContext {
  bus: Bus;
  network: Network;
  topicPrefix: string;
  /** Host of the nodes' gRPC servers (the network file holds only ports). */
  nodesHost: string;
  grpcCredentials?: ChannelCredentials;
  out: Output;
  /** Opens a node's outbox quarantine (its own database); absent when no store is configured. */
  openQuarantine?: OpenQuarantine;
}
