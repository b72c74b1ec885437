import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "@tongban/bus";
import { topics } from "@tongban/contracts";
import { sampleSubmission } from "@tongban/demo";
import { defaultPkiDir, devIssuerOf, idpFiles, tokenVerifier } from "@tongban/identity";
import { bearer, callUnary, checkHealth } from "@tongban/rpc";
import { kafkaPrincipals } from "@tongban/runtime";
import {
  type CliContext,
  bufferOutput,
  cliCallers,
  listDeadLetters,
  readDeadLetters,
  replayDeadLetters,
  runCli,
  showHealth,
  showLag,
  traceCase,
} from "@tongban/cli";
import { apis, sentCaseIn } from "../support/clients";
import { type CityNode, type Isolation, eventually, isolation, network, startCities, stopCities, busAs } from "../support/testNetwork";

describe("the operator CLI against a running network", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let bus: Bus;
  /** The CLI's own connection, as the operator principal (dead letters, traces, replays, lag). */
  let cliBus: Bus;
  const context = (): CliContext & { text(): string } => {
    const out = bufferOutput();
    // The CLI's default identity: the development PKI's operator-main of each city called.
    return {
      bus: cliBus,
      network,
      topicPrefix: iso.topicPrefix,
      nodesHost: "localhost",
      callerFor: cliCallers({}),
      pkiDir: defaultPkiDir,
      out,
      text: () => out.text(),
    };
  };
  const poison = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      topic: topics.inbound(iso.topicPrefix, "quanzhou"),
      key: `poison-${i}`,
      value: Buffer.from(`not a protobuf \xff ${i}`),
      headers: { "event-type": "case.submitted", "trace-id": `trace-${i}` },
    }));

  beforeAll(async () => {
    iso = isolation();
    cities = await startCities(iso, ["xiamen", "quanzhou"]);
    bus = busAs("cli-test");
    cliBus = busAs("tongban-cli", kafkaPrincipals.operator);
  });
  afterAll(async () => {
    await Promise.all([bus.close(), cliBus.close()]);
    await stopCities(cities);
  });

  it("when a case has crossed cities, then trace prints its timeline as both nodes recorded it, without personal data", async () => {
    const [xm] = cities as [CityNode, CityNode];
    const req = sampleSubmission(network.node("xiamen")!, "quanzhou", 6101);
    const { caseId } = await apis(xm).submit(req);
    await sentCaseIn(xm, caseId, "RECEIVED_BY_HOME");

    const ctx = await eventually("six tracked steps", async () => {
      const c = context();
      return (await traceCase(c, caseId)).length >= 6 ? c : undefined;
    });
    const text = ctx.text();
    expect(text).toContain(`办件轨迹 / Case trace: ${caseId}`);
    expect(text).toContain("收件地 receiving xiamen → 业务属地 home quanzhou");
    expect(text).toContain("当前状态 / current state: RECEIVED_BY_HOME 已接收");
    const nodeAndStep = text
      .split("\n")
      .filter((l) => /^\d+\s/.test(l))
      .map((l) => l.split(/\s{2,}/))
      .map((cells) => `${cells[2]} ${cells[4]}`);
    // Each step as the deciding node recorded it, then as the other city applied it.
    expect(nodeAndStep).toEqual([
      "xiamen case.submitted",
      "quanzhou case.submitted",
      "xiamen case.forwarded",
      "quanzhou case.forwarded",
      "quanzhou case.received",
      "xiamen case.received",
    ]);
    for (const secret of [req.applicant!.name, req.applicant!.idNumber, req.applicant!.phone, req.applicant!.address]) {
      expect(text).not.toContain(secret);
    }

    const none = context();
    expect(await traceCase(none, "01NOSUCHCASE00000000000000")).toEqual([]);
    expect(none.text()).toContain("未找到办件轨迹");
    expect(await runCli(["trace", "01NOSUCHCASE00000000000000"], context())).toBe(1);
  });

  it("when a poison message was dead-lettered, then dlq list shows it and replay by offset sends it back through the consumer", async () => {
    const dlqTopic = topics.deadLetter(iso.topicPrefix, "quanzhou");
    const inbound = topics.inbound(iso.topicPrefix, "quanzhou");
    await bus.publish(poison(1));
    const first = await eventually("one dead letter", async () => {
      const found = await readDeadLetters(context(), ["quanzhou"]);
      return found.length >= 1 ? found[0] : undefined;
    });

    const list = context();
    await listDeadLetters(list, ["quanzhou"]);
    expect(list.text()).toContain("UNDECODABLE");
    expect(list.text()).toContain(`${inbound}/`);
    expect(list.text()).toContain("共 1 条 / 1 in total");

    const replay = context();
    const code = await runCli(["dlq", "replay", "--node", "quanzhou", "--offset", first!.record.offset], replay);
    expect(replay.text()).toContain("已重放 1 条 / replayed 1");
    expect(code).toBe(0);

    const again = await eventually("the replayed message dead-lettered again", async () => {
      const found = await readDeadLetters(context(), ["quanzhou"]);
      return found.length >= 2 ? found[1] : undefined;
    });
    expect(again!.record.headers["x-replay-of"]).toBe(`${dlqTopic}:${first!.record.partition}:${first!.record.offset}`);
    expect(again!.record.headers["trace-id"]).toBe("trace-0");
    expect(again!.sourceTopic).toBe(inbound);
    expect(again!.record.value).toEqual(first!.record.value);
    expect(again!.code).toBe("UNDECODABLE");
  });

  it("when many dead letters are replayed, then progress is shown and every one goes back", async () => {
    await bus.publish(poison(58));
    await eventually("sixty dead letters", async () => ((await readDeadLetters(context(), ["quanzhou"])).length >= 60 ? true : undefined));

    const ctx = context();
    const result = await replayDeadLetters(ctx, ["quanzhou"], { all: true, code: "UNDECODABLE" });
    expect(result).toEqual({ replayed: 60, skipped: [] });
    const progress = ctx
      .text()
      .split("\n")
      .filter((l) => l.startsWith("重放 replaying"));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatch(/\[#{24}\] 60\/60 100%$/);
    await eventually("120 dead letters", async () => ((await readDeadLetters(context(), ["quanzhou"])).length >= 120 ? true : undefined));
  });

  it("when lag is asked, then each node's group shows its lag and dead-letter count", async () => {
    const rows = await eventually("caught up", async () => {
      const r = await showLag(context(), ["xiamen", "quanzhou"]);
      return r.every((x) => x.lag === 0) ? r : undefined;
    });
    expect(rows.map((r) => [r.node, r.group, r.topic])).toEqual([
      ["xiamen", `${iso.topicPrefix}.xiamen.node`, topics.inbound(iso.topicPrefix, "xiamen")],
      ["quanzhou", `${iso.topicPrefix}.quanzhou.node`, topics.inbound(iso.topicPrefix, "quanzhou")],
    ]);
    expect(rows.find((r) => r.node === "xiamen")!.deadLetters).toBe(0);
    expect(rows.find((r) => r.node === "quanzhou")!.deadLetters).toBe(120);
    const ctx = context();
    expect(await runCli(["lag", "--node", "quanzhou"], ctx)).toBe(0);
    expect(ctx.text()).toMatch(/quanzhou\s+\S+\.quanzhou\.node\s+\S+\.quanzhou\.inbound\s+0\s+120/);
  });

  it("when health is asked, then every running API answers SERVING over mTLS and a stopped one UNREACHABLE", async () => {
    const [xm, qz] = cities as [CityNode, CityNode];
    const targets = [
      { node: "xiamen", service: "tongban.v1.IntakeService", address: `localhost:${xm.node.intakePort}` },
      { node: "xiamen", service: "tongban.v1.AuthorityQueueService", address: `localhost:${xm.node.queuePort}` },
      { node: "quanzhou", service: "tongban.v1.IntakeService", address: `localhost:${qz.node.intakePort}` },
      { node: "quanzhou", service: "tongban.v1.AuthorityQueueService", address: `localhost:${qz.node.queuePort}` },
    ];
    // The servers speak TLS only: a plaintext probe gets no answer, so SERVING above means TLS was used.
    const plaintext = cliCallers({ grpcInsecure: true })("xiamen");
    expect(await checkHealth(`localhost:${xm.node.intakePort}`, plaintext, "tongban.v1.IntakeService")).toBe("UNREACHABLE");
    const ok = context();
    expect((await showHealth(ok, targets)).map((r) => r.state)).toEqual(["SERVING", "SERVING", "SERVING", "SERVING"]);
    expect(ok.text()).toContain("全部正常 / all serving");

    const down = context();
    const [report] = await showHealth(down, [
      { node: "quanzhou", service: "tongban.v1.CertificateRegistryService", address: "127.0.0.1:1" },
    ]);
    expect(report!.state).toBe("UNREACHABLE");
    expect(down.text()).toContain("无法连接 UNREACHABLE");
  });

  it("when a clerk token is printed, then it verifies against the city's JWKS, carries the department and opens that department's queue", async () => {
    const [, qz] = cities as [CityNode, CityNode];
    const ctx = context();
    expect(await runCli(["token", "quanzhou", "mzj", "clerk-b", "--ttl", "30m"], ctx)).toBe(0);
    const token = ctx.text().trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const person = await tokenVerifier({ jwks: idpFiles(defaultPkiDir, "quanzhou").jwks, issuer: devIssuerOf("quanzhou") }).verify(token);
    expect(person).toMatchObject({ id: "clerk-b", city: "quanzhou", department: "mzj", roles: ["clerk"] });
    // Xiamen's identity provider did not sign it.
    await expect(
      tokenVerifier({ jwks: idpFiles(defaultPkiDir, "xiamen").jwks, issuer: devIssuerOf("xiamen") }).verify(token),
    ).rejects.toThrow("令牌无效 / invalid token");

    const q = qz.queueClient;
    const list = (department: string) =>
      callUnary(
        q,
        q.listQueue,
        { department, state: "", itemCode: "", overdueOnly: false, pageSize: 10, pageToken: "" },
        5_000,
        bearer(token),
      );
    await expect(list("")).resolves.toBeDefined();
    await expect(list("gaj")).rejects.toMatchObject({ code: status.PERMISSION_DENIED });

    const operator = context();
    expect(await runCli(["token", "xiamen", "-", "ops-1", "--operator"], operator)).toBe(0);
    const op = await tokenVerifier({ jwks: idpFiles(defaultPkiDir, "xiamen").jwks, issuer: devIssuerOf("xiamen") }).verify(
      operator.text().trim(),
    );
    expect(op).toMatchObject({ id: "ops-1", department: "", roles: ["operator"] });
  });

  it("when a token is asked for a department the city does not have, then it is refused in both languages and nothing is printed", async () => {
    const ctx = context();
    expect(await runCli(["token", "xiamen", "nosuchdept", "clerk-a"], ctx)).toBe(2);
    expect(ctx.text()).toContain("xiamen无此部门 / unknown department nosuchdept of xiamen");
    expect(ctx.text()).not.toMatch(/eyJ/);
  });
});
