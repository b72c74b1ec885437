import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { LabelGuard, codePattern, eventTypePattern, namePattern } from "./safeLabel";

/** One consumer group's lag on one topic, as reported by the `lag` function. */
export interface LagSample {
  group: string;
  topic: string;
  lag: number;
}

/** How a consumed record ended: applied, sent to the dead-letter topic, or failed (retried). */
export type ConsumeOutcome = "ok" | "dead_lettered" | "error";

export interface MetricsOptions {
  /** Service name, a label on every series (e.g. "node", "certs", "monitor"). */
  service: string;
  /** Node id, a label on every series (e.g. "xiamen"; "network" for the operators' monitor). */
  node: string;
  /** Asked on every scrape for the consumer lag to report; a failure keeps the last values. */
  lag?: () => Promise<LagSample[]>;
  /** Asked on every scrape for the number of documents with unsent outbox entries. */
  outboxPending?: () => Promise<number>;
  /** Asked on every scrape for the number of outbox entries still in quarantine. */
  outboxQuarantineOpen?: () => Promise<number>;
  /** When given, any other event type is reported as "other". */
  knownEventTypes?: readonly string[];
  /** Bound on the lag and outbox callbacks, so a slow broker or store never hangs a scrape. */
  callbackTimeoutMs?: number;
  /** Node.js process metrics (CPU, memory, event loop, GC) under their standard names. */
  processMetrics?: boolean;
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`metrics callback took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A service's Prometheus metrics in its own registry, every series labelled with `service` and
 * `node`. Labels are only ids of nodes, topics, groups, event types, codes and methods: never
 * anything from a case's content. It implements the bus and gRPC server observer hooks
 * (`published`, `consumed`, `deadLettered`, `called`), so it can be handed to `new Bus(…)` and
 * `startGrpcServer(…)` directly.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly eventsIn: Counter<"topic" | "type" | "outcome">;
  private readonly eventsOut: Counter<"topic" | "type">;
  private readonly deadLetters: Counter<"topic" | "code">;
  private readonly handlerDuration: Histogram<"type">;
  private readonly grpcCalls: Counter<"method" | "code">;
  private readonly grpcDuration: Histogram<"method">;
  private readonly quarantined: Counter<"reason">;
  private readonly denied: Counter<"method" | "code">;
  private readonly types: LabelGuard;
  private readonly codes = new LabelGuard(codePattern, "OTHER");
  private readonly names = new LabelGuard(namePattern, "other", undefined, 200);

  constructor(opts: MetricsOptions) {
    const registers = [this.registry];
    const timeoutMs = opts.callbackTimeoutMs ?? 3_000;
    this.registry.setDefaultLabels({ service: opts.service, node: opts.node });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.types = new LabelGuard(eventTypePattern, "other", opts.knownEventTypes ? new Set(opts.knownEventTypes) : undefined);

    this.eventsIn = new Counter({
      name: "tongban_events_in_total",
      help: "Records consumed, by topic, event type and outcome (ok, dead_lettered, error)",
      labelNames: ["topic", "type", "outcome"],
      registers,
    });
    this.eventsOut = new Counter({
      name: "tongban_events_out_total",
      help: "Records published (acknowledged by the brokers), by topic and event type",
      labelNames: ["topic", "type"],
      registers,
    });
    this.deadLetters = new Counter({
      name: "tongban_dead_letters_total",
      help: "Records sent to the dead-letter topic, by the topic they were consumed from and code",
      labelNames: ["topic", "code"],
      registers,
    });
    this.handlerDuration = new Histogram({
      name: "tongban_handler_duration_seconds",
      help: "Time the consumer's handler took per record, by event type",
      labelNames: ["type"],
      buckets: latencyBuckets,
      registers,
    });
    this.grpcCalls = new Counter({
      name: "tongban_grpc_server_calls_total",
      help: "Unary gRPC calls served, by method and status code",
      labelNames: ["method", "code"],
      registers,
    });
    this.grpcDuration = new Histogram({
      name: "tongban_grpc_server_duration_seconds",
      help: "Time unary gRPC calls took to answer, by method",
      labelNames: ["method"],
      buckets: latencyBuckets,
      registers,
    });

    this.quarantined = new Counter({
      name: "tongban_outbox_quarantined_total",
      help: "Outbox entries moved to the quarantine because they cannot be published, by reason (e.g. MESSAGE_TOO_LARGE)",
      labelNames: ["reason"],
      registers,
    });

    this.denied = new Counter({
      name: "tongban_access_denied_total",
      help: "gRPC calls refused by the access check (UNAUTHENTICATED, PERMISSION_DENIED), by method",
      labelNames: ["method", "code"],
      registers,
    });

    const lag = opts.lag;
    if (lag) {
      new Gauge({
        name: "tongban_consumer_lag",
        help: "Records on the topic not yet committed by the consumer group",
        labelNames: ["group", "topic"],
        registers,
        async collect() {
          let samples: LagSample[];
          try {
            samples = await within(lag(), timeoutMs);
          } catch {
            return; // keeps the last values rather than reporting a lag of zero
          }
          this.reset();
          for (const s of samples) this.set({ group: s.group, topic: s.topic }, s.lag);
        },
      });
    }
    const outboxPending = opts.outboxPending;
    if (outboxPending) {
      new Gauge({
        name: "tongban_outbox_pending",
        help: "Documents whose outbox still holds events not yet published",
        registers,
        async collect() {
          try {
            this.set(await within(outboxPending(), timeoutMs));
          } catch {
            return;
          }
        },
      });
    }
    const quarantineOpen = opts.outboxQuarantineOpen;
    if (quarantineOpen) {
      new Gauge({
        name: "tongban_outbox_quarantine_open",
        help: "Outbox entries in quarantine that have not been resent",
        registers,
        async collect() {
          try {
            this.set(await within(quarantineOpen(), timeoutMs));
          } catch {
            return;
          }
        },
      });
    }
  }

  /** Outbox relay hook: an entry was quarantined with `reason`. */
  /** Access-check hook: a call to `method` was refused with `code`. */
  accessDenied(method: string, code: string): void {
    this.denied.inc({ method: this.names.of(method), code: this.codes.of(code) });
  }

  quarantinedOutboxEntry(reason: string): void {
    this.quarantined.inc({ reason: this.codes.of(reason) });
  }

  /** Bus hook: `count` records of `type` were acknowledged on `topic`. */
  published(topic: string, type: string, count: number): void {
    this.eventsOut.inc({ topic: this.names.of(topic), type: this.types.of(type) }, count);
  }

  /** Bus hook: the handler finished one record of `type` from `topic`. */
  consumed(topic: string, type: string, outcome: ConsumeOutcome, seconds: number): void {
    const t = this.types.of(type);
    this.eventsIn.inc({ topic: this.names.of(topic), type: t, outcome });
    this.handlerDuration.observe({ type: t }, seconds);
  }

  /** Bus hook: a record consumed from `topic` was dead-lettered with `code`. */
  deadLettered(topic: string, code: string): void {
    this.deadLetters.inc({ topic: this.names.of(topic), code: this.codes.of(code) });
  }

  /** gRPC server hook: a unary call to `method` answered with status `code` after `seconds`. */
  called(method: string, code: string, seconds: number): void {
    const m = this.names.of(method);
    this.grpcCalls.inc({ method: m, code: this.codes.of(code) });
    this.grpcDuration.observe({ method: m }, seconds);
  }

  /** The registry in the Prometheus text format (runs the lag and outbox callbacks). */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
