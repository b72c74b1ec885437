import { type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCerts } from "@tongban/certs";
import { sampleSubmission } from "@tongban/demo";
import { callUnary, checkHealth, devTlsSettings } from "@tongban/rpc";
import { connectMongo } from "@tongban/store";
import { kafkaPrincipals } from "@tongban/runtime";
import {
  type CityNode,
  callerAs,
  eventually,
  isolation,
  network,
  provisionTopics,
  quietLogger,
  startCities,
  stopCities,
  kafkaSettings,
} from "../support/testNetwork";
import { type TcpProxy, startTcpProxy } from "./tcpProxy";

/** GET /healthz of a node's metrics endpoint: status code and body. */
async function healthz(city: CityNode) {
  const res = await fetch(`http://127.0.0.1:${city.node.metricsPort}/healthz`);
  return { code: res.status, body: (await res.json()) as { status: string; checks: Record<string, boolean>; consumers: unknown[] } };
}

describe("a node whose store becomes unreachable", () => {
  const iso = isolation();
  let proxy: TcpProxy;
  let xm: CityNode;

  beforeAll(async () => {
    proxy = await startTcpProxy(new URL(iso.mongoUri).host);
    [xm] = (await startCities(iso, ["xiamen"], undefined, {
      mongoUri: `mongodb://127.0.0.1:${proxy.port}/`,
      healthIntervalMs: 200,
      healthTimeoutMs: 500,
    })) as [CityNode];
  });
  afterAll(async () => {
    proxy.restore();
    await stopCities([xm]);
    await proxy.close();
  });

  const submit = (n: number) =>
    callUnary(xm.intakeClient, xm.intakeClient.submitCase, sampleSubmission(network.node("xiamen")!, "quanzhou", n, "OUT"), 15_000);
  const intakeHealth = () => checkHealth(`localhost:${xm.node.intakePort}`, callerAs("xiamen", "window"), "tongban.v1.IntakeService");
  const queueHealth = () =>
    checkHealth(`localhost:${xm.node.queuePort}`, callerAs("xiamen", "authority"), "tongban.v1.AuthorityQueueService");

  it(
    "when the store is cut off, then callers get UNAVAILABLE with a bilingual message and health says NOT_SERVING; when it is back, SERVING and submissions are accepted again",
    { timeout: 90_000 },
    async () => {
      expect((await submit(9_001)).caseId).toMatch(/./);
      expect(await intakeHealth()).toBe("SERVING");
      expect(await healthz(xm)).toMatchObject({ code: 200, body: { status: "SERVING" } });
      expect((await healthz(xm)).body.consumers).toEqual([
        expect.objectContaining({ groupId: `${iso.topicPrefix}.xiamen.node`, state: "running", restarts: 0 }),
        expect.objectContaining({ groupId: `${iso.topicPrefix}.xiamen.certs-revoked`, state: "running", restarts: 0 }),
        expect.objectContaining({ groupId: `${iso.topicPrefix}.xiamen.intake`, state: "running", restarts: 0 }),
      ]);

      proxy.cut();
      await eventually("intake NOT_SERVING", async () => ((await intakeHealth()) === "NOT_SERVING" ? true : undefined), 15_000);
      expect(await queueHealth()).toBe("NOT_SERVING");
      const down = await healthz(xm);
      expect(down).toMatchObject({ code: 503, body: { status: "NOT_SERVING", checks: { store: false, kafka: true } } });

      const err = (await submit(9_002).then(
        () => undefined,
        (e: ServiceError) => e,
      ))!;
      expect(err).toBeDefined();
      expect(err.code).toBe(status.UNAVAILABLE);
      expect(err.details).toMatch(/^服务暂时不可用.* \/ service temporarily unavailable/);

      proxy.restore();
      await eventually("intake SERVING again", async () => ((await intakeHealth()) === "SERVING" ? true : undefined), 30_000);
      expect(await queueHealth()).toBe("SERVING");
      expect(await healthz(xm)).toMatchObject({ code: 200, body: { status: "SERVING", checks: { store: true } } });
      expect((await submit(9_003)).caseId).toMatch(/./);
    },
  );
});

describe("a certificate registry whose store becomes unreachable", () => {
  const iso = isolation();

  it(
    "when the store is cut off, then its grpc.health says NOT_SERVING, and SERVING again once the store is back",
    { timeout: 60_000 },
    async () => {
      const proxy = await startTcpProxy(new URL(iso.mongoUri).host);
      await provisionTopics(iso);
      const certs = await startCerts({
        config: {
          node: "quanzhou",
          topicPrefix: iso.topicPrefix,
          ...kafkaSettings(kafkaPrincipals.registry("quanzhou")),
          mongoUri: `mongodb://127.0.0.1:${proxy.port}/`,
          mongoDb: iso.dbName("quanzhou"),
          certsPort: 0,
          healthIntervalMs: 200,
          healthTimeoutMs: 500,
          ...devTlsSettings("quanzhou", "registry", "quanzhou"),
          logLevel: "silent",
        },
        network,
        logger: quietLogger("certs"),
      });
      const health = () =>
        checkHealth(`localhost:${certs.port}`, callerAs("quanzhou", "node", "quanzhou"), "tongban.v1.CertificateRegistryService");
      try {
        expect(await health()).toBe("SERVING");
        proxy.cut();
        await eventually("registry NOT_SERVING", async () => ((await health()) === "NOT_SERVING" ? true : undefined), 15_000);
        proxy.restore();
        await eventually("registry SERVING again", async () => ((await health()) === "SERVING" ? true : undefined), 30_000);
      } finally {
        proxy.restore();
        await certs.stop();
        await proxy.close();
        const db = await connectMongo(iso.mongoUri, iso.dbName("quanzhou"));
        await db.db.dropDatabase();
        await db.close();
      }
    },
  );
});
