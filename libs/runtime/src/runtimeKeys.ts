import { z } from "zod";
import type { ConfigKey } from "@tongban/config";

/** Keys of a service's health checks; services spread them next to commonKeys. */
export const healthKeys = {
  healthIntervalMs: {
    env: "HEALTH_CHECK_INTERVAL_MS",
    doc: "how often the broker, the store and the consumers are checked for grpc.health and /healthz",
    schema: z.coerce.number().int().min(50).default(2_000),
  },
  healthTimeoutMs: {
    env: "HEALTH_CHECK_TIMEOUT_MS",
    doc: "how long one health check of the broker or the store may take before it counts as down",
    schema: z.coerce.number().int().min(50).default(1_500),
  },
} satisfies Record<string, ConfigKey>;

/** Keys of the node's writer lease (one writer per city). */
export const leaseKeys = {
  leaseTtlMs: {
    env: "NODE_LEASE_TTL_MS",
    doc: "how long a node's writer lease outlives its last heartbeat; a second node for the city starts only after that",
    schema: z.coerce.number().int().min(100).default(10_000),
  },
  leaseRenewMs: {
    env: "NODE_LEASE_RENEW_MS",
    doc: "how often the node renews its writer lease (well under NODE_LEASE_TTL_MS)",
    schema: z.coerce.number().int().min(20).default(3_000),
  },
} satisfies Record<string, ConfigKey>;

/** Keys read by runMain itself, before a service's own configuration. */
export const shutdownKeys = {
  shutdownDeadlineMs: {
    env: "SHUTDOWN_DEADLINE_MS",
    doc: "longest a service takes to stop after SIGTERM/SIGINT; past it, it logs and exits non-zero",
    schema: z.coerce.number().int().min(100).default(15_000),
  },
} satisfies Record<string, ConfigKey>;
