import { createServer } from "node:net";
import { BSON, type Db } from "mongodb";

import { Network } from "@tongban/config";
import { type EventEnvelope, type SubmitCaseRequest, topics } from "@tongban/contracts";
import { type MonitorConfig, type RunningMonitor, startMonitor } from "@tongban/monitor";
import { devTlsSettings } from "@tongban/rpc";
import { kafkaPrincipals } from "@tongban/runtime";
import { sealedSubmission, signedEnvelope } from "../support/devSigning";
import { type CityNode, type Isolation, eventually, network, quietLogger, busAs, kafkaSettings } from "../support/testNetwork";

/** Debian's chromium, headless, quiet on a closed network (no background fetches, no QUIC). */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The network as the test runs it: each city's APIs on the ports its in-process node picked, and its registry on `certsPorts[city]` when given. */
export function runningNetwork(cities: CityNode[], certsPorts: Record<string, number> = {}): Network {
  return new Network(
    network.nodes.map((n) => {
      const c = cities.find((x) => x.id === n.id);
      const ports = { ...n.ports, ...(certsPorts[n.id] !== undefined ? { certs: certsPorts[n.id]! } : {}) };
      return c ? { ...n, ports: { ...ports, intake: c.node.intakePort, queue: c.node.queuePort } } : { ...n, ports };
    }),
    network.signingKeys,
    network.sealingKeys,
  );
}

/** The configuration of a test monitor: the spec file's isolation, Xiamen's operator-monitor identity, a free port on loopback. */
export const testMonitorConfig = (iso: Isolation, extra: Partial<MonitorConfig> = {}): Partial<MonitorConfig> => ({
  ...devTlsSettings("xiamen", "operator", "monitor"),
  city: "xiamen",
  topicPrefix: iso.topicPrefix,
  ...kafkaSettings(kafkaPrincipals.monitor),
  mongoUri: iso.mongoUri,
  mongoDb: iso.dbName("monitor"),
  httpPort: 0,
  logLevel: "silent",
  ...extra,
});

/** A monitor on a free port, in the spec file's own topic prefix and database. */
export function startTestMonitor(
  iso: Isolation,
  cities: CityNode[],
  now?: () => Date,
  certsPorts: Record<string, number> = {},
  extra: Partial<MonitorConfig> = {},
): Promise<RunningMonitor> {
  return startMonitor({
    config: testMonitorConfig(iso, extra),
    network: runningNetwork(cities, certsPorts),
    logger: quietLogger("monitor"),
    ...(now ? { now } : {}),
  });
}

export async function getJson<T = any>(m: RunningMonitor, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(new URL(path, m.url), init);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The monitor's own origin, as a browser on its page sends it. */
export const originOf = (m: RunningMonitor) => new URL(m.url).origin;

/** A state-changing request as the dashboard sends it: from the monitor's own origin, with a CSRF token. */
export async function postJson<T = any>(m: RunningMonitor, path: string, headers: Record<string, string> = {}): Promise<T> {
  const { token } = await getJson(m, "/api/csrf", { headers });
  return getJson<T>(m, path, { method: "POST", headers: { ...headers, origin: originOf(m), "x-csrf-token": token } });
}

/** Polls a monitor endpoint until `pick` finds what it waits for. */
export function awaitJson<T>(m: RunningMonitor, path: string, what: string, pick: (body: any) => T | undefined, timeoutMs = 30_000) {
  return eventually(what, async () => pick(await getJson(m, path)), timeoutMs);
}

/**
 * Messages of a case the receiving node `from` never registered, addressed to `to`: sending the
 * forwarding before the submission makes the home node dead-letter it (UNKNOWN_CASE); once the
 * submission is in, replaying the forwarding applies it.
 */
export function orphanCase(req: SubmitCaseRequest, from: string, to: string, caseId: string, prefix: string) {
  const base = { caseId, sourceNode: from, targetNode: to, schemaVersion: 1, occurredAt: new Date() };
  const message = (env: Partial<EventEnvelope>) => ({
    topic: topics.inbound(prefix, to),
    key: caseId,
    value: signedEnvelope({ ...base, ...env }, from),
    headers: { "event-type": env.type ?? "", "event-id": env.eventId ?? "", "source-node": from },
  });
  return {
    forwarded: message({
      eventId: `${caseId}-2`,
      type: "case.forwarded",
      caseSeq: 2,
      payload: { event: { $case: "forwarded", value: { trackingNo: req.mailTrackingNo, forwardedAt: new Date() } } },
    }),
    submitted: message({
      eventId: `${caseId}-1`,
      type: "case.submitted",
      caseSeq: 1,
      payload: {
        event: {
          $case: "submitted",
          value: sealedSubmission(
            {
              receiptNo: req.receiptNo,
              itemCode: req.itemCode,
              receivingNode: from,
              receivingDivision: req.receivingDivision,
              homeNode: to,
              homeDepartment: req.homeDepartment,
              applicant: req.applicant,
              materials: req.materials,
              certificates: [],
              mailTrackingNo: req.mailTrackingNo,
              receivedAt: new Date(),
              windowClerk: req.windowClerk,
              certificateChecks: [],
              sealedApplicant: undefined,
              joint: undefined,
            },
            caseId,
          ),
        },
      },
    }),
  };
}

/** Every raw value on the tracking topic, read from the beginning with a group of its own. */
export async function trackingTopicBytes(iso: Isolation, atLeast: number): Promise<Buffer[]> {
  const bus = busAs("scan");
  const values: Buffer[] = [];
  try {
    const sub = await bus.consume({
      groupId: `${iso.topicPrefix}.scan`,
      topics: [topics.tracking(iso.topicPrefix)],
      deadLetterTopic: `${iso.topicPrefix}.unused`,
      handle: async (r) => void values.push(Buffer.concat([r.value ?? Buffer.alloc(0), Buffer.from(JSON.stringify(r.headers))])),
    });
    await eventually("the tracking topic read", async () => (values.length >= atLeast ? true : undefined));
    await sub.stop();
  } finally {
    await bus.close();
  }
  return values;
}

/** Every document of every collection of a database, as raw BSON (strings appear in UTF-8, binaries as they are). */
export async function databaseBytes(db: Db): Promise<{ collection: string; count: number; bytes: Buffer }[]> {
  const out = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await db.collection(name).find({}).toArray();
    out.push({ collection: name, count: docs.length, bytes: Buffer.concat(docs.map((d) => Buffer.from(BSON.serialize(d)))) });
  }
  return out;
}

/** A port nothing listens on: bound once by the OS, then released (for a monitor that must know its own origin, or a dead address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
