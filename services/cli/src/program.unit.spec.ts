import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Bus } from "@tongban/bus";
import { Network } from "@tongban/config";
import { bufferOutput } from "./output";
import { runCli } from "./program";
import { cliCallers } from "./cliCallers";
import { parseTtl } from "./issueToken";
import { healthTargets } from "./showHealth";

const network = Network.load();
// These paths stop at argument checks, before any Kafka call.
const offline = () => {
  const out = bufferOutput();
  return { ctx: { bus: {} as Bus, network, topicPrefix: "t", nodesHost: "127.0.0.1", out }, out };
};

describe("the tongban command line", () => {
  it("when asked for help, then the commands are listed bilingually and the exit code is 0", async () => {
    const { ctx, out } = offline();
    expect(await runCli(["--help"], ctx)).toBe(0);
    expect(out.text()).toContain("办件跨城轨迹 / the cross-city timeline of a case");
    expect(out.text()).toMatch(/health/);
    expect(out.text()).toContain("签发开发用经办人令牌 / print a clerk token signed by the city's development identity provider");
  });

  it("when a token is asked for an unknown city or department, or with a bad lifetime, then exit code 2 and the reason in both languages", async () => {
    const a = offline();
    expect(await runCli(["token", "fuzhou", "gaj", "clerk-a"], a.ctx)).toBe(2);
    expect(a.out.text()).toContain("未知节点 / unknown node fuzhou");
    const b = offline();
    expect(await runCli(["token", "quanzhou", "nosuch", "clerk-a"], b.ctx)).toBe(2);
    expect(b.out.text()).toMatch(/quanzhou无此部门 \/ unknown department nosuch of quanzhou \(known: .*gaj.*\)/);
    const c = offline();
    expect(await runCli(["token", "quanzhou", "-", "clerk-a"], c.ctx)).toBe(2);
    expect(c.out.text()).toContain("unknown department - of quanzhou");
    for (const ttl of ["13h", "10s", "8d", "x"]) {
      const d = offline();
      expect(await runCli(["token", "quanzhou", "gaj", "clerk-a", "--ttl", ttl], d.ctx)).toBe(2);
      expect(d.out.text()).toContain("--ttl must be 60 s to 12 h");
    }
    const e = offline();
    expect(await runCli(["token", "quanzhou", "gaj", "clerk\u0007"], e.ctx)).toBe(2);
    expect(e.out.text()).toContain("invalid clerk");
  });

  it("when an identity is issued, then its certificate names it and a wrong role or name is a usage error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tongban-cli-pki-"));
    try {
      const a = offline();
      expect(await runCli(["identity", "xiamen", "window", "haicang-02"], { ...a.ctx, pkiDir: dir })).toBe(0);
      expect(a.out.text()).toContain("spiffe://tongban/xiamen/window/haicang-02");
      const cert = new X509Certificate(readFileSync(join(dir, "xiamen", "window-haicang-02.crt")));
      expect(cert.subjectAltName).toContain("URI:spiffe://tongban/xiamen/window/haicang-02");
      expect(cert.checkIssued(new X509Certificate(readFileSync(join(dir, "xiamen", "ca.crt"))))).toBe(true);
      const b = offline();
      expect(await runCli(["identity", "xiamen", "admin", "x"], { ...b.ctx, pkiDir: dir })).toBe(2);
      expect(b.out.text()).toContain("unknown role admin");
      const c = offline();
      expect(await runCli(["identity", "xiamen", "window", "../x"], { ...c.ctx, pkiDir: dir })).toBe(2);
      expect(c.out.text()).toContain("letters, digits");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("when a lifetime is written in hours, minutes or seconds, then it is read in seconds within 60 s to 12 h", () => {
    expect([parseTtl("8h"), parseTtl("30m"), parseTtl("90s"), parseTtl("3600"), parseTtl("12h")]).toEqual([
      28_800, 1_800, 90, 3_600, 43_200,
    ]);
    expect([parseTtl("59s"), parseTtl("721m"), parseTtl("1.5h"), parseTtl("")]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("when the CLI has neither GRPC_TLS_* nor a development PKI, then health fails with how to configure an identity", async () => {
    const callerFor = cliCallers({}, "/nonexistent/pki");
    expect(() => callerFor("xiamen")).toThrow(/GRPC_TLS_CERT, GRPC_TLS_KEY and GRPC_TLS_CA .*`npm start`/);
    expect(() => cliCallers({ grpcTlsCert: "/x.crt" })).toThrow("partial gRPC TLS configuration: GRPC_TLS_KEY, GRPC_TLS_CA missing");
  });

  it("when replay gets both or neither of --all and --offset, then a usage error with exit code 2", async () => {
    for (const args of [
      ["dlq", "replay", "--all", "--offset", "3"],
      ["dlq", "replay"],
    ]) {
      const { ctx, out } = offline();
      expect(await runCli(args, ctx)).toBe(2);
      expect(out.text()).toContain("请指定 --all 或 --offset 之一 / give exactly one of --all and --offset");
    }
  });

  it("when a node is unknown or an offset is not a number, then exit code 2 and the reason", async () => {
    const a = offline();
    expect(await runCli(["lag", "--node", "fuzhou"], a.ctx)).toBe(2);
    expect(a.out.text()).toContain("未知节点 / unknown node fuzhou (known: xiamen, quanzhou, zhangzhou)");
    const b = offline();
    expect(await runCli(["dlq", "replay", "--offset", "-1"], b.ctx)).toBe(2);
    const c = offline();
    expect(await runCli(["dlq", "replay", "--offset", "x1"], c.ctx)).toBe(2);
    expect(c.out.text()).toContain("偏移量须为非负整数");
  });

  it("when health targets are derived from the network, then every node has its intake, queue and certs service", () => {
    const targets = healthTargets(network, "10.0.0.5", ["quanzhou"]);
    expect(targets).toEqual([
      { node: "quanzhou", service: "tongban.v1.IntakeService", address: "10.0.0.5:50120" },
      { node: "quanzhou", service: "tongban.v1.AuthorityQueueService", address: "10.0.0.5:50121" },
      { node: "quanzhou", service: "tongban.v1.CertificateRegistryService", address: "10.0.0.5:50122" },
    ]);
    expect(healthTargets(network, "127.0.0.1")).toHaveLength(9);
  });
});

describe("bounds of the command line's arguments", () => {
  it("when a case id is too long or holds a control character, then exit code 2 names the argument and its limit without echoing it", async () => {
    const a = offline();
    expect(await runCli(["trace", "9".repeat(10_000)], a.ctx)).toBe(2);
    expect(a.out.text()).toContain("invalid caseId: 字段过长（最多64字）/ field too long (max 64 characters)");
    expect(a.out.text().length).toBeLessThan(500);
    const b = offline();
    expect(await runCli(["trace", "01CASE\u202E"], b.ctx)).toBe(2);
    expect(b.out.text()).toContain("U+202E");
  });

  it("when a node, a code, an offset or a partition is out of bounds, then exit code 2 with the reason", async () => {
    const a = offline();
    expect(await runCli(["lag", "--node", "n".repeat(1000)], a.ctx)).toBe(2);
    expect(a.out.text()).toContain("invalid --node");
    const b = offline();
    expect(await runCli(["dlq", "replay", "--all", "--code", "C\u0000"], b.ctx)).toBe(2);
    expect(b.out.text()).toContain("invalid --code");
    const c = offline();
    expect(await runCli(["dlq", "replay", "--offset", "9".repeat(25)], c.ctx)).toBe(2);
    expect(c.out.text()).toContain("偏移量须为非负整数");
    const d = offline();
    expect(await runCli(["dlq", "replay", "--offset", "3", "--partition", "1000000"], d.ctx)).toBe(2);
    expect(d.out.text()).toContain("partition must be a non-negative integer below 100000");
  });
});
