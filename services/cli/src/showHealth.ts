import type { Network } from "@tongban/config";
import { type HealthState, checkHealth } from "@tongban/rpc";
import { cliCallers } from "./cliCallers";
import type { CliContext } from "./cliContext";
import { table } from "./table";

/** One gRPC service of one node to check with grpc.health.v1. */
export interface HealthTarget {
  node: string;
  service: string;
  address: string;
}

export interface HealthReport extends HealthTarget {
  state: HealthState;
}

const stateLabels: Record<HealthState, string> = {
  SERVING: "正常 SERVING",
  NOT_SERVING: "停止服务 NOT_SERVING",
  UNKNOWN: "未知 UNKNOWN",
  SERVICE_UNKNOWN: "无此服务 SERVICE_UNKNOWN",
  UNREACHABLE: "无法连接 UNREACHABLE",
};

/** Every service of every node of the network, at `host` and the ports of deploy/network.json. */
export function healthTargets(network: Network, host: string, nodes: readonly string[] = network.nodes.map((n) => n.id)): HealthTarget[] {
  return network.nodes
    .filter((n) => nodes.includes(n.id))
    .flatMap((n) => [
      { node: n.id, service: "tongban.v1.IntakeService", address: `${host}:${n.ports.intake}` },
      { node: n.id, service: "tongban.v1.AuthorityQueueService", address: `${host}:${n.ports.queue}` },
      { node: n.id, service: "tongban.v1.CertificateRegistryService", address: `${host}:${n.ports.certs}` },
    ]);
}

/** `tongban health`: grpc.health.v1 of each target over mTLS, as the CLI's identity for the target's city; all SERVING is healthy. */
export async function showHealth(ctx: CliContext, targets: readonly HealthTarget[]): Promise<HealthReport[]> {
  const callerFor = ctx.callerFor ?? cliCallers({});
  // Resolved before any call, so a missing identity is one clear error rather than a column of UNREACHABLE.
  const callers = targets.map((t) => callerFor(t.node));
  const reports = await Promise.all(
    targets.map(async (t, i) => ({ ...t, state: await checkHealth(t.address, callers[i]!, t.service, 2_000) })),
  );
  ctx.out.write("服务健康 / Service health\n");
  ctx.out.write(
    table(
      ["节点 node", "服务 service", "地址 address", "状态 state"],
      reports.map((r) => [r.node, r.service, r.address, stateLabels[r.state]]),
    ),
  );
  const bad = reports.filter((r) => r.state !== "SERVING").length;
  ctx.out.write(bad === 0 ? "全部正常 / all serving\n" : `${bad} 项异常 / ${bad} not serving\n`);
  return reports;
}
