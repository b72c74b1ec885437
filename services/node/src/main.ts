import { registerCities } from "@tongban/catalog";
import { fileURLToPath } from "node:url";
import { Bus, type Subscription, settleWithin } from "@tongban/bus";
import { WorkingDayCalendar } from "@tongban/calendar";
import { CertsClient, verifyReferences } from "@tongban/certs-client";
import { type ConfigOf, type Network, bool, commonKeys, metricsKeys } from "@tongban/config";
import {
  AuthorityQueueServiceService,
  CatalogServiceService,
  type IdGenerator,
  IntakeServiceService,
  MaterialServiceService,
  groups,
  topics,
} from "@tongban/contracts";
import { type ExchangeContext, INBOX, JointApplications, MAX_ENVELOPE_BYTES, openExchange, pruneInbox } from "@tongban/exchange";
import { CertificateReverifier } from "./intake/certificateReverifier";
import type { CertificateVerifier } from "./intake/certificateVerifier";
import { catalogPort } from "./intake/catalogPort";
import { answerSubmitCase, intakeGrpc } from "./intake/intakeGrpc";
import { intakeChannel as openIntakeChannel } from "./intake/intakeChannel";
import { type FetchOutcome, MaterialFetcher } from "./materials/materialFetcher";
import { recordScansChecked } from "./materials/scansCheck";
import { materialGrpc } from "./materials/materialGrpc";
import { MaterialStore } from "./materials/materialStore";
import { preReviewGrpc } from "./materials/preReviewGrpc";
import { inboundHandler } from "./inbound/inboundHandler";
import { revokedHandler } from "./inbound/revokedHandler";
import { CaseChanges } from "./caseChanges";
import { catalogGrpc } from "./catalogGrpc";
import { queueGrpc } from "./queue/queueGrpc";
import type { Logger } from "@tongban/log";
import { Metrics, startMetricsServer } from "@tongban/metrics";
import { type AccessOptions, type RunningGrpcServer, callerOf, startGrpcServer } from "@tongban/rpc";
import { devIssuerOf, spiffeUri, tokenVerifier } from "@tongban/identity";
import { INTAKE_MAX_RECEIVE_BYTES, QUEUE_MAX_RECEIVE_BYTES } from "@tongban/bounds";
import {
  HealthMonitor,
  type HealthReport,
  accessAudit,
  busConnection,
  dbNameOf,
  exitAfterFlush,
  healthKeys,
  leaseKeys,
  loadSealing,
  runMain,
  signingKeys,
  startCityService,
  trustOf,
} from "@tongban/runtime";
import {
  LeaseHeldError,
  NodeLease,
  type OutboxRelay,
  RetentionJob,
  connectMongo,
  expireByTtl,
  expiredBefore,
  storeReachable,
} from "@tongban/store";
import { z } from "zod";

/** `node=host:port,…` (a node id to an address), each pair checked. */
const nodeAddresses = z
  .string()
  .optional()
  .transform((s, c) => {
    const out: Record<string, string> = {};
    for (const pair of (s ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean)) {
      const m = /^([a-z][a-z0-9-]*)=(.+:\d+)$/.exec(pair);
      if (m) out[m[1]!] = m[2]!;
      else c.addIssue({ code: "custom", message: `'${pair}' is not node=host:port` });
    }
    return out;
  });

export const nodeConfigSpec = {
  ...commonKeys,
  ...metricsKeys,
  ...healthKeys,
  ...leaseKeys,
  ...signingKeys,
  intakePort: {
    env: "INTAKE_GRPC_PORT",
    doc: "intake API port; default from deploy/network.json, 0 picks a free one",
    schema: z.coerce.number().int().min(0).optional(),
  },
  queuePort: {
    env: "QUEUE_GRPC_PORT",
    doc: "authority queue API port; default from deploy/network.json, 0 picks a free one",
    schema: z.coerce.number().int().min(0).optional(),
  },
  clerkJwks: {
    env: "CLERK_JWKS",
    doc: "JWKS of the city's identity provider that signs clerk tokens: an http(s) URL or a file path (npm start: the development issuer)",
    schema: z.string().min(1),
  },
  clerkIssuer: {
    env: "CLERK_TOKEN_ISSUER",
    doc: "issuer (iss) of clerk tokens; default the development issuer urn:tongban:idp:<node>",
    schema: z.string().optional(),
  },
  certsTargets: {
    env: "CERTS_TARGETS",
    doc: "certificate registries as node=host:port,…; default localhost:<ports.certs> of each node in deploy/network.json",
    schema: nodeAddresses,
  },
  materialSources: {
    env: "MATERIAL_SOURCES",
    doc: "where the home node fetches scanned materials: receiving nodes' intake APIs as node=host:port,…; default localhost:<ports.intake> of each node in deploy/network.json",
    schema: nodeAddresses,
  },
  uncitedMaterialRetentionDays: {
    env: "MATERIAL_UNCITED_RETENTION_DAYS",
    doc: "days a scan uploaded by a window is kept when no submission cites it",
    schema: z.coerce.number().min(0.001).default(7),
  },
  materialFetchRetryMs: {
    env: "MATERIAL_FETCH_RETRY_MS",
    doc: "wait before the home node tries a failed fetch of a scanned material again (it resumes after the last chunk stored)",
    schema: z.coerce.number().int().min(100).default(5_000),
  },
  certsBudgetMs: {
    env: "CERTS_VERIFY_BUDGET_MS",
    doc: "longest a submission waits for certificate registries; what is not answered by then is forwarded UNVERIFIED",
    schema: z.coerce.number().int().min(50).default(1_500),
  },
  certsDeadlineMs: {
    env: "CERTS_DEADLINE_MS",
    doc: "deadline of each call to a certificate registry",
    schema: z.coerce.number().int().min(10).default(1_000),
  },
  certsHalfOpenMs: {
    env: "CERTS_BREAKER_HALF_OPEN_MS",
    doc: "how long a failing registry's circuit stays open before a probe call",
    schema: z.coerce.number().int().min(10).default(2_000),
  },
  certsCacheTtlMs: {
    env: "CERTS_CACHE_TTL_MS",
    doc: "how long a VALID answer is reused for the same certificate, number and holder (0 disables)",
    schema: z.coerce.number().int().min(0).default(30_000),
  },
  outboxMaxEnvelopeBytes: {
    env: "OUTBOX_MAX_ENVELOPE_BYTES",
    doc: "largest event envelope (key, value, headers) the node will put in an outbox; keep it below the brokers' message.max.bytes",
    schema: z.coerce.number().int().min(1_024).default(MAX_ENVELOPE_BYTES),
  },
  outboxUnknownTopicWaitMs: {
    env: "OUTBOX_UNKNOWN_TOPIC_WAIT_MS",
    doc: "how long the broker may not know an outbox entry's topic before the entry is quarantined",
    schema: z.coerce.number().int().min(0).default(30_000),
  },
  certsReverifyMs: {
    env: "CERTS_REVERIFY_INTERVAL_MS",
    doc: "how often UNVERIFIED certificates of forwarded cases are verified again",
    schema: z.coerce.number().int().min(50).default(5_000),
  },
  standby: {
    env: "NODE_STANDBY",
    doc: "start as the city's standby: wait (serving nothing) while another process holds the city's writer lease, and take over once its heartbeat stops",
    schema: bool,
  },
  inboxRetentionDays: {
    env: "INBOX_RETENTION_DAYS",
    doc: "days the inbox remembers an applied message's id (dedupe of replays); keep it well above the inbound topic's retention",
    schema: z.coerce.number().int().min(1).default(30),
  },
  retentionIntervalMs: {
    env: "RETENTION_INTERVAL_MS",
    doc: "how often expired data is removed",
    schema: z.coerce.number().int().min(1_000).default(3_600_000),
  },
  kafkaSessionTimeoutMs: {
    env: "KAFKA_SESSION_TIMEOUT_MS",
    doc: "how long the broker keeps a silent member of the node's consumer groups before it hands its partitions to another (a standby that took over, or a consumer re-created after its group coordinator's broker died, waits for this)",
    schema: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
  },
};
export type NodeServiceConfig = ConfigOf<typeof nodeConfigSpec>;

export interface NodeOptions {
  config?: Partial<NodeServiceConfig>;
  network?: Network;
  now?: () => Date;
  ids?: IdGenerator;
  logger?: Logger;
  /**
   * Called when this process must stop at once (its writer lease was taken by another process).
   * Default: log, flush and exit non-zero so the supervisor restarts it as a starter.
   */
  onFatal?: (reason: string) => void;
}

export interface RunningNode {
  nodeId: string;
  intakePort: number;
  queuePort: number;
  metricsPort: number;
  log: Logger;
  ctx: ExchangeContext;
  relay: OutboxRelay;
  /** This process's writer lease of the city (one writer per city). */
  lease: NodeLease;
  /** What grpc.health and /healthz report: the broker, the store, the consumers and the lease. */
  health(): HealthReport;
  /** Runs one round of health checks now and applies it. */
  checkHealth(): Promise<HealthReport>;
  /** Stops consuming without stopping the rest (what a crashed consumer looks like to the group). */
  stopConsumer(): Promise<void>;
  /** Starts consuming again after stopConsumer. */
  startConsumer(): Promise<void>;
  /** The scanned materials this node fetched for cases homed here, newest last. */
  materialFetches(): readonly FetchOutcome[];
  stop(): Promise<void>;
}

/**
 * Composition root of a city's exchange node: config → logger → Kafka and store → intake API
 * (window systems) + authority queue API + the consumer of the node's inbound topic.
 * The node process owns every write to its case documents; see KeyedMutex.
 */
export async function startNode(opts: NodeOptions = {}): Promise<RunningNode> {
  // Configuration, network, logger, TLS and signing key, each refused with a clear message before anything connects.
  const { cfg, network, node, log, transport, signer } = startCityService(nodeConfigSpec, opts, "node", "node");
  // The catalog's departments exist in every city of this network (a city added by configuration included).
  registerCities(network.nodes);
  const sealing = loadSealing(cfg, network, node.id);

  const inboundGroup = groups.inbound(cfg.topicPrefix, node.id);
  const inboundTopic = topics.inbound(cfg.topicPrefix, node.id);
  // Assigned once the lease is held; read by the metrics only after that.
  let exchange: Awaited<ReturnType<typeof openExchange>>;
  const metrics: Metrics = new Metrics({
    service: "node",
    node: node.id,
    lag: async () => [{ group: inboundGroup, topic: inboundTopic, lag: await bus.lag(inboundGroup, inboundTopic) }],
    // Cases whose log entries wait for the relay, held in memory: a scrape costs no store query.
    outboxPending: async () => exchange.ctx.caseLog.outbox.pendingCases,
    outboxQuarantineOpen: () => exchange.quarantine.countOpen(),
  });
  const bus = new Bus(busConnection(cfg, `tongban-node-${node.id}`), log, { observer: metrics });
  await bus.requireTopics([
    topics.inbound(cfg.topicPrefix, node.id),
    topics.deadLetter(cfg.topicPrefix, node.id),
    topics.tracking(cfg.topicPrefix),
    topics.certsRevoked(cfg.topicPrefix),
  ]);
  // The writer lease is taken before anything writes to the city's database.
  const control = await connectMongo(cfg.mongoUri, dbNameOf(cfg));
  log.info({ store: control.features }, "store features");
  const servers: RunningGrpcServer[] = [];
  let subscription: Subscription | undefined;
  const onFatal =
    opts.onFatal ??
    ((reason: string) => {
      log.fatal({ reason }, "writer lease lost; exiting so that the city keeps one writer");
      exitAfterFlush(log, 1);
    });
  let lease: NodeLease;
  let exchangeRef: { relay: OutboxRelay } | undefined;
  const acquire = () =>
    NodeLease.acquire(control.db, {
      node: node.id,
      ttlMs: cfg.leaseTtlMs,
      renewMs: cfg.leaseRenewMs,
      onLost: (reason) => {
        // The writer guard already refuses every write; also stop taking calls at once.
        for (const s of servers) void s.stop(0);
        subscription?.stop().catch(() => undefined);
        exchangeRef?.relay.stop().catch(() => undefined);
        onFatal(reason);
      },
      onRenewFailed: (err) => log.warn({ err }, "writer lease heartbeat failed"),
    });
  try {
    lease = cfg.standby ? await standBy(acquire, log, cfg.leaseRenewMs) : await acquire();
  } catch (err) {
    await control.close();
    await bus.close().catch(() => undefined);
    throw err;
  }
  log.info({ epoch: lease.epoch, holder: lease.holder }, "writer lease acquired");
  // A start that fails from here on releases the lease and closes what it opened, newest first.
  const opened: Array<() => unknown> = [];
  try {
    const changes = new CaseChanges();
    // Set once the exchange is open; a leg's change reaches its joint application from then on.
    let joints: JointApplications | undefined;
    let materialFetcher: MaterialFetcher | undefined;
    exchange = await openExchange({
      mongoUri: cfg.mongoUri,
      dbName: dbNameOf(cfg),
      nodeId: node.id,
      topicPrefix: cfg.topicPrefix,
      nodes: new Set(network.nodes.map((n) => n.id)),
      signer,
      trust: trustOf(network),
      sealing,
      bus,
      log,
      onChange: (doc, kind) => {
        changes.publish(doc, kind);
        if (doc.submission.joint && doc.role !== "home") joints?.changed(doc._id);
        materialFetcher?.notice(doc);
      },
      maxEnvelopeBytes: cfg.outboxMaxEnvelopeBytes,
      unknownTopicWaitMs: cfg.outboxUnknownTopicWaitMs,
      relayObserver: { quarantined: (reason) => metrics.quarantinedOutboxEntry(reason) },
      assertWriter: () => lease.assertValid(),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.ids ? { ids: opts.ids } : {}),
    });
    exchangeRef = exchange;
    opened.push(() => exchange.close());
    const { ctx } = exchange;
    const jointApplications = await JointApplications.open(ctx, exchange.mongo.db);
    joints = jointApplications;
    // Scanned materials (电子材料): uploads of this city's windows, and the copies of cases homed here.
    const materials = MaterialStore.open(exchange.mongo.db);
    materialFetcher = new MaterialFetcher({
      store: materials,
      cases: exchange.cases,
      addressOf: (n) => cfg.materialSources[n] ?? `localhost:${network.node(n)?.ports.intake ?? 0}`,
      caller: callerOf(transport, spiffeUri(node.id, "node", node.id)),
      log: log.child({ component: "materials" }),
      retryMs: cfg.materialFetchRetryMs,
      check: (caseId) => recordScansChecked(ctx, materials, caseId),
    });
    const fetcher = materialFetcher;
    opened.push(() => fetcher.stop());
    const access: AccessOptions = {
      city: node.id,
      networkCities: network.nodes.map((n) => n.id),
      transport,
      tokens: tokenVerifier({ jwks: cfg.clerkJwks, issuer: cfg.clerkIssuer ?? devIssuerOf(node.id) }),
      onDenied: accessAudit(log.child({ component: "access" }), metrics),
    };
    const certs = new CertsClient({
      network,
      targets: cfg.certsTargets,
      caller: callerOf(transport, spiffeUri(node.id, "node", node.id)),
      deadlineMs: cfg.certsDeadlineMs,
      halfOpenAfterMs: cfg.certsHalfOpenMs,
      cacheTtlMs: cfg.certsCacheTtlMs,
      log: log.child({ component: "certs-client" }),
    });
    opened.push(() => certs.close());
    const verifier: CertificateVerifier = { verify: (lookup) => verifyReferences(certs, lookup, cfg.certsBudgetMs) };
    const reverifier = new CertificateReverifier(ctx, verifier, log.child({ component: "reverify" }), { intervalMs: cfg.certsReverifyMs });

    // The catalog API on both ports: window and authority systems each reach their own.
    const catalogService = {
      name: "tongban.v1.CatalogService",
      definition: CatalogServiceService,
      implementation: catalogGrpc(network, log.child({ api: "catalog" })),
    };
    const intake = await startGrpcServer({
      host: cfg.grpcHost,
      maxReceiveMessageBytes: INTAKE_MAX_RECEIVE_BYTES,
      port: cfg.intakePort ?? node.ports.intake,
      access,
      observer: metrics,
      services: [
        {
          name: "tongban.v1.IntakeService",
          definition: IntakeServiceService,
          implementation: intakeGrpc(
            {
              ctx,
              node,
              network,
              catalog: catalogPort,
              certificates: verifier,
              cases: exchange.cases,
              changes,
              joints: jointApplications,
              materials,
            },
            log.child({ api: "intake" }),
          ),
        },
        {
          name: "tongban.v1.MaterialService",
          definition: MaterialServiceService,
          implementation: materialGrpc({ store: materials, cases: exchange.cases, node: node.id }, log.child({ api: "materials" })),
        },
        catalogService,
      ],
    });
    servers.push(intake);
    opened.push(() => intake.stop(0));
    const queue = await startGrpcServer({
      host: cfg.grpcHost,
      maxReceiveMessageBytes: QUEUE_MAX_RECEIVE_BYTES,
      port: cfg.queuePort ?? node.ports.queue,
      access,
      observer: metrics,
      services: [
        {
          name: "tongban.v1.AuthorityQueueService",
          definition: AuthorityQueueServiceService,
          implementation: {
            ...queueGrpc(ctx, exchange.cases, changes, log.child({ api: "queue" })),
            ...preReviewGrpc(ctx, materials, log.child({ api: "queue" })),
          },
        },
        catalogService,
      ],
    });
    servers.push(queue);
    opened.push(() => queue.stop(0));

    const startConsumer = async () => {
      subscription ??= await bus.consume({
        sessionTimeoutMs: cfg.kafkaSessionTimeoutMs,
        groupId: inboundGroup,
        topics: [topics.inbound(cfg.topicPrefix, node.id)],
        deadLetterTopic: topics.deadLetter(cfg.topicPrefix, node.id),
        handle: inboundHandler(ctx, log),
        // The records' rows, then their inbox entries, are durable before the offset moves past them.
        beforeCommit: async () => {
          await ctx.caseLog.flush();
          await ctx.inbox.flush();
        },
      });
    };
    const stopConsumer = async () => {
      await subscription?.stop();
      subscription = undefined;
    };
    opened.push(() => stopConsumer());
    await startConsumer();
    // Every node reads every registry's revocations and flags its own open cases that relied on them.
    const revocations = await bus.consume({
      sessionTimeoutMs: cfg.kafkaSessionTimeoutMs,
      groupId: groups.revocations(cfg.topicPrefix, node.id),
      topics: [topics.certsRevoked(cfg.topicPrefix)],
      deadLetterTopic: topics.deadLetter(cfg.topicPrefix, node.id),
      handle: revokedHandler(ctx, network, log.child({ component: "revocations" }), (r) => certs.forget(r.certificateId)),
      beforeCommit: () => ctx.caseLog.flush(),
    });
    opened.push(() => revocations.stop());
    // Kafka intake channel (Kafka 收件通道): the city's window systems publish SubmitCaseRequests on
    // its intake topic; each is taken in through SubmitCase's own path and answered on intake-results.
    await bus.requireTopics([topics.intake(cfg.topicPrefix, node.id), topics.intakeResults(cfg.topicPrefix, node.id)]);
    const intakeChannelLog = log.child({ component: "intake-channel" });
    const intakeAnswers = openIntakeChannel({
      nodeId: node.id,
      topicPrefix: cfg.topicPrefix,
      submit: (req) =>
        answerSubmitCase(
          req,
          { ctx, node, network, catalog: catalogPort, certificates: verifier, joints: jointApplications, materials },
          intakeChannelLog,
        ),
      publish: (records) => bus.publish(records),
      now: () => ctx.now(),
      log: intakeChannelLog,
    });
    const intakeChannel = await bus.consume({
      sessionTimeoutMs: cfg.kafkaSessionTimeoutMs,
      groupId: groups.intake(cfg.topicPrefix, node.id),
      topics: [topics.intake(cfg.topicPrefix, node.id)],
      deadLetterTopic: topics.deadLetter(cfg.topicPrefix, node.id),
      handle: (record) => intakeAnswers.handle(record),
      // A submission carries the applicant in clear: a dead letter keeps what is known about it, not it.
      deadLetterWithoutValue: "PERSONAL_DATA",
      // A case's row is stored before its record's handler resolves; its answer goes out before the offset moves past it.
      beforeCommit: () => intakeAnswers.flush(),
    });
    opened.push(() => intakeChannel.stop());
    // (end of the Kafka intake channel)
    reverifier.start();
    opened.push(() => reverifier.stop());
    // Data retention (数据保留): the inbox forgets message ids older than the topics keep messages;
    // on MongoDB a TTL index deletes them, on FerretDB the prune job does.
    const inboxByTtl = await expireByTtl(exchange.mongo.db, exchange.mongo.features, INBOX, "appliedAt", cfg.inboxRetentionDays);
    const retention = new RetentionJob(
      async () => {
        const removed: Record<string, number> = {};
        if (!inboxByTtl)
          removed.inbox = await pruneInbox(exchange.mongo.db, expiredBefore(ctx.now(), cfg.inboxRetentionDays), () => lease.assertValid());
        lease.assertValid();
        removed.uncitedMaterials = await materials.pruneUncited(expiredBefore(ctx.now(), cfg.uncitedMaterialRetentionDays));
        return removed;
      },
      cfg.retentionIntervalMs,
      log.child({ component: "retention" }),
    );
    retention.start();
    opened.push(() => retention.stop());
    // Joint applications whose legs moved while the node was down (or crashed mid-hand-over).
    void jointApplications.reconcileAll().catch((err) => log.warn({ err }, "joint applications not reconciled at start"));
    // Scans of cases homed here not yet fetched whole (a fetch a restart interrupted resumes).
    void fetcher.start().catch((err) => log.warn({ err }, "material fetches not resumed at start"));
    const monitor = new HealthMonitor({
      intervalMs: cfg.healthIntervalMs,
      log: log.child({ component: "health" }),
      checks: [
        { name: "kafka", check: () => bus.brokerReachable(cfg.healthTimeoutMs) },
        { name: "store", check: () => storeReachable(control.db, cfg.healthTimeoutMs) },
        { name: "inbound-consumer", check: () => subscription?.status().state === "running" },
        { name: "revocations-consumer", check: () => revocations.status().state === "running" },
        { name: "intake-consumer", check: () => intakeChannel.status().state === "running" },
        { name: "writer-lease", check: () => lease.valid() },
      ],
      onChange: (report) => {
        for (const s of servers) s.setServing(report.serving);
      },
    });
    opened.push(() => monitor.stop());
    await monitor.start();
    const metricsServer = await startMetricsServer({
      host: cfg.metricsHost,
      port: cfg.metricsPort ?? node.ports.metrics ?? 0,
      metrics,
      // With each consumer's state and last error, so an operator sees why it is NOT_SERVING.
      health: () => ({
        ...monitor.report(),
        consumers: [subscription?.status() ?? { groupId: inboundGroup, state: "stopped" }, revocations.status(), intakeChannel.status()],
        alerts: WorkingDayCalendar.default().missingYearAlerts(),
      }),
    });
    log.info({ metrics: `http://${cfg.metricsHost}:${metricsServer.port}/metrics` }, "metrics endpoint listening");
    log.info({ intake: intake.address, queue: queue.address }, "exchange node listening");

    return {
      nodeId: node.id,
      intakePort: intake.port,
      queuePort: queue.port,
      metricsPort: metricsServer.port,
      log,
      ctx,
      relay: exchange.relay,
      lease,
      health: () => monitor.report(),
      checkHealth: () => monitor.tick(),
      stopConsumer,
      startConsumer,
      materialFetches: () => fetcher.outcomes,
      // Each step is bounded: with the broker or the store unreachable a close can hang, and
      // stopping must still finish (runMain's deadline is the last resort).
      stop: async () => {
        // A step that timed out may still be writing: then the lease is not released but left
        // to expire, so that a successor waits one TTL instead of writing alongside it.
        let timedOut = false;
        const bounded = (what: string, work: Promise<unknown>, ms = 4_000) =>
          settleWithin(
            work,
            ms,
            () => {
              timedOut = true;
              log.warn({ what, ms }, "shutdown step timed out");
            },
            (err) => log.warn({ what, err }, "shutdown step failed"),
          );
        await monitor.stop();
        for (const s of servers) s.setServing(false);
        await bounded("metrics server", metricsServer.close(), 1_000);
        await bounded("re-verifier", reverifier.stop(), 2_000);
        await Promise.all([
          bounded("inbound consumer", stopConsumer()),
          bounded("revocations consumer", revocations.stop()),
          bounded("intake consumer", intakeChannel.stop()),
          Promise.all(servers.map((s) => s.stop(2_000))),
        ]);
        certs.close();
        await bounded("exchange", exchange.close());
        await bounded("bus", bus.close());
        if (timedOut) {
          await bounded("writer lease", lease.abandon(), 1_000);
          log.warn("a shutdown step timed out: writer lease left to expire instead of released");
        } else await bounded("writer lease", lease.release(), 2_000);
        await bounded("lease store client", control.close(), 1_000);
      },
    };
  } catch (err) {
    log.error({ err }, "node failed to start; releasing the writer lease");
    for (const close of opened.reverse()) await settleWithin(Promise.resolve().then(close), 2_000);
    await settleWithin(bus.close(), 2_000);
    await settleWithin(lease.release(), 2_000);
    await settleWithin(control.close(), 1_000);
    throw err;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain("node", () => startNode());

/**
 * A standby (备用进程) waits for the city's writer lease: while the writer's heartbeat goes on, each
 * attempt is refused within a renewal interval and tried again; once it stops for a TTL, the next
 * attempt takes the next epoch (the old writer can never write again) and the node starts.
 */
async function standBy(acquire: () => Promise<NodeLease>, log: Logger, pollMs: number): Promise<NodeLease> {
  let waiting = false;
  for (;;) {
    try {
      const lease = await acquire();
      if (waiting) log.info({ epoch: lease.epoch }, "standby taking over the city");
      return lease;
    } catch (err) {
      if (err instanceof LeaseHeldError) {
        if (!waiting) log.info({ holder: err.holder, epoch: err.epoch }, "standby: the city's writer is alive; waiting to take over");
        waiting = true;
      } else log.warn({ err }, "standby: the lease could not be read; trying again");
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}
