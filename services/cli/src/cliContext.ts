import { randomUUID } from "node:crypto";
import type { Bus } from "@tongban/bus";
import type { Network } from "@tongban/config";
import { groups } from "@tongban/contracts";
import type { CallerFor } from "./cliCallers";
import type { Output } from "./output";
import type { OpenQuarantine } from "./quarantineCommands";
import type { OpenNodeStore } from "./rebuildCommand";

/** What every command needs, injected so commands run as plain functions in tests. */
export interface CliContext {
  bus: Bus;
  network: Network;
  topicPrefix: string;
  /** Host of the nodes' gRPC servers (the network file holds only ports). */
  nodesHost: string;
  /** The identity gRPC calls to a city's services go out with (mTLS); absent, they fail with how to configure one. */
  callerFor?: CallerFor;
  /** The development PKI that `tongban token` signs with (default .run/pki). */
  pkiDir?: string;
  out: Output;
  /** Opens a node's outbox quarantine (its own database); absent when no store is configured. */
  openQuarantine?: OpenQuarantine;
  /** Opens a node's own database (rebuild); absent when no store is configured. */
  openNodeStore?: OpenNodeStore;
  /** The writer lease's timing, as the nodes use it (NODE_LEASE_TTL_MS, NODE_LEASE_RENEW_MS). */
  lease?: { ttlMs: number; renewMs: number };
}

/** A consumer group name for one read, recognisable as the CLI's: `<prefix>.cli.<purpose>.<random>`. */
export const throwawayGroup = (prefix: string, purpose: string) => `${groups.cli(prefix)}${purpose}.${randomUUID().slice(0, 8)}`;
