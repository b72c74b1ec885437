import { z } from "zod";
import type { ConfigKey } from "./loadConfig";

/** Keys of a service's Prometheus endpoint (GET /metrics); services spread them next to commonKeys. */
export const metricsKeys = {
  metricsHost: { env: "METRICS_HOST", doc: "address the Prometheus metrics endpoint binds to", schema: z.string().default("127.0.0.1") },
  metricsPort: {
    env: "METRICS_PORT",
    doc: "Prometheus metrics port (GET /metrics); default from deploy/network.json, 0 picks a free one",
    schema: z.coerce.number().int().min(0).optional(),
  },
} satisfies Record<string, ConfigKey>;
