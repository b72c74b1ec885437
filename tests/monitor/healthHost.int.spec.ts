import { describe, expect, it } from "vitest";
import { OpsProbe } from "../../services/monitor/src/adapters/opsProbe";
import { callerAs, network } from "../support/testNetwork";

// In containers every service has a host of its own (node-<city>, certs-<city>): the monitor
// asks grpc.health there, not on localhost (MONITOR_HEALTH_HOST).
describe("the monitor's health probe addresses", () => {
  const probeWith = (host?: string) =>
    new OpsProbe(network, "t", async () => 0, [], callerAs(network.nodes[0]!.id, "operator", "monitor"), host);

  it("when no host is configured, then every API is asked on localhost at its port", async () => {
    const rows = await probeWith().health();
    expect(rows.map((r) => r.address)).toEqual(
      network.nodes.flatMap((n) => [`localhost:${n.ports.intake}`, `localhost:${n.ports.queue}`, `localhost:${n.ports.certs}`]),
    );
  });

  it("when the host names the process and the city, then the node's APIs and the registry are asked at their own hosts, and an unknown host is UNREACHABLE", async () => {
    const rows = await probeWith("{process}-{node}.invalid").health();
    expect(rows.map((r) => r.address)).toEqual(
      network.nodes.flatMap((n) => [
        `node-${n.id}.invalid:${n.ports.intake}`,
        `node-${n.id}.invalid:${n.ports.queue}`,
        `certs-${n.id}.invalid:${n.ports.certs}`,
      ]),
    );
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(["UNREACHABLE"]));
  });
});
