import type { KafkaConfig, SASLOptions } from "kafkajs";

/** Transport settings for Kafka clients; TLS and SASL always come from configuration. */
export interface BusConnection {
  clientId: string;
  brokers: string[];
  /** TLS: on with the system's trust store, or with the given CA bundle (and a client certificate). */
  ssl?: boolean | { ca: string[]; cert?: string; key?: string };
  sasl?: { mechanism: "scram-sha-256" | "scram-sha-512" | "plain"; username: string; password: string };
}

export function kafkaConfig(c: BusConnection): KafkaConfig {
  const cfg: KafkaConfig = {
    clientId: c.clientId,
    brokers: c.brokers,
    ssl: c.ssl ?? false,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 10_000 },
  };
  if (c.sasl) cfg.sasl = { mechanism: c.sasl.mechanism, username: c.sasl.username, password: c.sasl.password } as SASLOptions;
  return cfg;
}
