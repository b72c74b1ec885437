import type { Network } from "@tongban/config";
import { groups, topics } from "@tongban/contracts";
import { type Caller, type HealthState, checkHealth } from "@tongban/rpc";

export interface LagRow {
  node: string;
  group: string;
  topic: string;
  lag: number | null;
  error?: string;
}

export interface HealthRow {
  node: string;
  api: "intake" | "queue" | "certs";
  service: string;
  address: string;
  state: HealthState;
}

const services = {
  intake: "tongban.v1.IntakeService",
  queue: "tongban.v1.AuthorityQueueService",
  certs: "tongban.v1.CertificateRegistryService",
} as const;

/**
 * Consumer lag of every node's consumer group and the monitor's own, and grpc.health.v1 of every
 * node's APIs, asked over mTLS as the monitor's own identity (`caller`; any identity of the network
 * may check health).
 */
export class OpsProbe {
  constructor(
    private readonly network: Network,
    private readonly topicPrefix: string,
    private readonly lagOf: (group: string, topic: string) => Promise<number>,
    private readonly monitorGroups: { group: string; topic: string; node: string }[],
    private readonly caller: Caller,
    /** Where each service answers: `{node}` → the city, `{process}` → `node` or `certs`. */
    private readonly host = "localhost",
  ) {}

  async lag(): Promise<LagRow[]> {
    const targets = [
      ...this.network.nodes.map((n) => ({
        node: n.id,
        group: groups.inbound(this.topicPrefix, n.id),
        topic: topics.inbound(this.topicPrefix, n.id),
      })),
      ...this.monitorGroups,
    ];
    return Promise.all(
      targets.map(async (t) => {
        try {
          return { ...t, lag: await this.lagOf(t.group, t.topic) };
        } catch (err) {
          return { ...t, lag: null, error: (err as Error).message };
        }
      }),
    );
  }

  /** Every API of every node; one not listening (a certs service not started) shows as UNREACHABLE. */
  health(): Promise<HealthRow[]> {
    return Promise.all(
      this.network.nodes.flatMap((n) =>
        (Object.keys(services) as (keyof typeof services)[]).map(async (api) => {
          const host = this.host.replaceAll("{node}", n.id).replaceAll("{process}", api === "certs" ? "certs" : "node");
          const address = `${host}:${n.ports[api]}`;
          return { node: n.id, api, service: services[api], address, state: await checkHealth(address, this.caller, services[api], 1_000) };
        }),
      ),
    );
  }
}
