import { afterEach, describe, expect, it } from "vitest";
import { type Role, spiffeUri } from "@tongban/identity";
import { type RunningGrpcServer, checkHealth, devTlsSettings, startGrpcServer, transportOf } from "@tongban/rpc";
import { callerAs } from "../support/testNetwork";

/** A bare gRPC server (health only) presenting the given identity of the development PKI. */
const serveAs = (city: string, role: Role, name: string) =>
  startGrpcServer({
    host: "127.0.0.1",
    port: 0,
    services: [],
    access: { city, networkCities: [city], transport: transportOf(devTlsSettings(city, role, name)), onDenied: () => undefined },
  });

describe("which certificates may serve", () => {
  let server: RunningGrpcServer | undefined;
  afterEach(() => server?.stop(100));

  it("when a server presents a node or registry identity, then clients talk to it", async () => {
    server = await serveAs("xiamen", "registry", "xiamen");
    expect(await checkHealth(server.address, callerAs("xiamen", "operator"))).toBe("SERVING");
  });

  it("when a server presents a window's or an operator's certificate, then clients refuse to talk to it", async () => {
    for (const [role, name] of [
      ["window", "main"],
      ["operator", "main"],
    ] as const) {
      server = await serveAs("xiamen", role, name);
      expect(await checkHealth(server.address, callerAs("xiamen", "operator")), spiffeUri("xiamen", role, name)).toBe("UNREACHABLE");
      await server.stop(100);
      server = undefined;
    }
  });
});
