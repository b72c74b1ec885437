import { Writable } from "node:stream";
import { status } from "@grpc/grpc-js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntakeServiceClient } from "@tongban/contracts";
import { spiffeUri } from "@tongban/identity";
import { type RunningNode, startNode } from "@tongban/node";
import { callUnary, callerOf } from "@tongban/rpc";
import { type Isolation, isolation, network, nodeConfig, provisionTopics } from "../support/testNetwork";

describe("the plaintext development switch", () => {
  let iso: Isolation;
  let node: RunningNode;
  const lines: string[] = [];

  beforeAll(async () => {
    iso = isolation();
    await provisionTopics(iso);
    const { grpcTlsCert: _c, grpcTlsKey: _k, grpcTlsCa: _a, ...rest } = nodeConfig(iso, "xiamen");
    const logger = pino(
      { level: "warn" },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    node = await startNode({ config: { ...rest, grpcInsecure: true }, network, logger });
  });
  afterAll(() => node.stop());

  it("when GRPC_INSECURE=true, then the node warns at start and still applies the access table to the named identity", async () => {
    expect(lines.some((l) => l.includes("PLAINTEXT"))).toBe(true);
    const as = (uri: string) => {
      const c = callerOf({ kind: "insecure" }, uri);
      return new IntakeServiceClient(`localhost:${node.intakePort}`, c.credentials, c.options);
    };
    const window = as(spiffeUri("xiamen", "window", "main"));
    expect((await callUnary(window, window.getCase, { caseId: "01J0000000000000000000000" }).catch((e) => e)).code).toBe(status.NOT_FOUND);
    const foreign = as(spiffeUri("quanzhou", "window", "main"));
    expect((await callUnary(foreign, foreign.getCase, { caseId: "x" }).catch((e) => e)).code).toBe(status.PERMISSION_DENIED);
    const unnamed = as("not-an-identity");
    expect((await callUnary(unnamed, unnamed.getCase, { caseId: "x" }).catch((e) => e)).code).toBe(status.UNAUTHENTICATED);
    for (const c of [window, foreign, unnamed]) c.close();
  });
});
