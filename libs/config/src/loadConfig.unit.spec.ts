import { describe, expect, it } from "vitest";
import { commonKeys } from "./commonKeys";
import { ConfigError, loadConfig } from "./loadConfig";
import { Network } from "./network";

describe("loadConfig", () => {
  it("when only the node is given, then every other key takes its default", () => {
    const cfg = loadConfig(commonKeys, { TONGBAN_NODE: "xiamen" });
    expect(cfg).toMatchObject({
      node: "xiamen",
      topicPrefix: "tongban",
      kafkaBrokers: ["127.0.0.1:19092"],
      kafkaSsl: false,
      logLevel: "info",
    });
  });

  it("when several keys are invalid, then one error lists them all with their variables", () => {
    let err: unknown;
    try {
      loadConfig(commonKeys, { LOG_LEVEL: "loud", GRPC_PORT: "-1" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).problems.join("\n");
    expect(text).toContain("TONGBAN_NODE");
    expect(text).toContain("LOG_LEVEL");
    expect(text).toContain("GRPC_PORT");
  });

  it("when brokers are a comma list, then they are split and trimmed", () => {
    expect(loadConfig(commonKeys, { TONGBAN_NODE: "x", KAFKA_BROKERS: "a:1, b:2" }).kafkaBrokers).toEqual(["a:1", "b:2"]);
  });
});

describe("the network file", () => {
  it("when loaded, then the three pilot cities are there with their division codes", () => {
    const n = Network.load();
    expect(n.nodes.map((x) => [x.id, x.division])).toEqual([
      ["xiamen", "350200"],
      ["quanzhou", "350500"],
      ["zhangzhou", "350600"],
    ]);
    expect(n.nodeOfDivision("350205")?.id).toBe("xiamen");
    expect(n.nodeOfDivision("350627")?.id).toBe("zhangzhou");
  });

  it("when two nodes share an id, then loading fails", () => {
    const node = Network.load().nodes[0]!;
    expect(() => new Network([node, node])).toThrow(/duplicate/);
  });
});
