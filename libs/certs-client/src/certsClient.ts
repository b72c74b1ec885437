import { type ServiceError, status } from "@grpc/grpc-js";
import {
  BulkheadPolicy,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  type IPolicy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
} from "cockatiel";
import type { Logger } from "pino";
import type { Network } from "@tongban/config";
import {
  type CertificateQuery,
  CertificateRegistryServiceClient,
  type LookupPurpose,
  VerificationOutcome,
  type VerifyResponse,
} from "@tongban/contracts";
import { type Caller, callUnary } from "@tongban/rpc";
import { PositiveCache } from "./positiveCache";
import { registryNodeOf } from "./registryNodeOf";

export interface CertsClientOptions {
  network: Network;
  /** Address of each node's registry; by default localhost:<ports.certs> from the network file. */
  targets?: Record<string, string>;
  /** This node's credentials (its node identity) for the registries' mTLS. */
  caller: Caller;
  /** Deadline of each attempt. */
  deadlineMs?: number;
  /** Attempts per call, the first included; retried only on UNAVAILABLE and DEADLINE_EXCEEDED. */
  maxAttempts?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Consecutive transport failures that open a target's circuit. */
  breakerFailures?: number;
  /** How long an open circuit fails fast before one probe call is let through. */
  halfOpenAfterMs?: number;
  /** Calls in flight per target; more wait in a bounded queue, beyond which they fail fast. */
  maxConcurrent?: number;
  maxQueued?: number;
  /** How long a VALID answer is reused for the same certificate, number and holder. */
  cacheTtlMs?: number;
  now?: () => number;
  log?: Logger;
}

/** Transport failures worth retrying and counting against a target's circuit. */
export const isTransient = (err: unknown): boolean => {
  const code = (err as Partial<ServiceError> | undefined)?.code;
  return code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED;
};

/** Most queries one VerifyBatch call carries (the registry's own limit). */
export const BATCH_LIMIT = 100;

interface Target {
  client: CertificateRegistryServiceClient;
  breaker: CircuitBreakerPolicy;
  policy: IPolicy;
}

const cacheKey = (q: CertificateQuery) =>
  [q.certificateId.trim().toUpperCase(), q.number.trim(), q.holderName.trim(), q.holderIdNumber.trim().toUpperCase()].join("\u0000");

/**
 * Client of every city's certificate registry. Per target node: a deadline on every attempt,
 * retries with exponential backoff on UNAVAILABLE / DEADLINE_EXCEEDED, a circuit breaker that
 * fails fast while the registry is down, and a bulkhead bounding concurrent calls. VALID answers
 * are cached briefly, keyed by everything the caller proved it knows.
 */
export class CertsClient {
  private readonly targets = new Map<string, Target>();
  private readonly cache: PositiveCache<VerifyResponse>;
  private readonly o: Required<Omit<CertsClientOptions, "targets" | "log" | "caller">> & Pick<CertsClientOptions, "log">;
  private readonly addresses: Record<string, string>;
  private readonly caller: Caller;

  constructor(opts: CertsClientOptions) {
    this.o = {
      network: opts.network,
      deadlineMs: opts.deadlineMs ?? 1_000,
      maxAttempts: opts.maxAttempts ?? 3,
      backoffInitialMs: opts.backoffInitialMs ?? 50,
      backoffMaxMs: opts.backoffMaxMs ?? 400,
      breakerFailures: opts.breakerFailures ?? 5,
      halfOpenAfterMs: opts.halfOpenAfterMs ?? 2_000,
      maxConcurrent: opts.maxConcurrent ?? 16,
      maxQueued: opts.maxQueued ?? 256,
      cacheTtlMs: opts.cacheTtlMs ?? 30_000,
      now: opts.now ?? Date.now,
      log: opts.log,
    };
    this.addresses = Object.fromEntries(opts.network.nodes.map((n) => [n.id, opts.targets?.[n.id] ?? `localhost:${n.ports.certs}`]));
    this.caller = opts.caller;
    this.cache = new PositiveCache(this.o.cacheTtlMs, this.o.now);
  }

  /** The node whose registry answers for a certificate (by its issuer's territory code). */
  routeOf(certificateId: string): string | undefined {
    return registryNodeOf(this.o.network, certificateId);
  }

  /** Whether the target's circuit is open (its registry is failing fast). */
  isOpen(node: string): boolean {
    const s = this.targets.get(node)?.breaker.state;
    return s === CircuitState.Open || s === CircuitState.Isolated;
  }

  /**
   * Verifies queries with one node's registry, answers in query order. Throws when the registry
   * cannot answer (transport error after retries, open circuit, full bulkhead) or refuses.
   */
  async verifyBatch(node: string, purpose: LookupPurpose, queries: readonly CertificateQuery[]): Promise<VerifyResponse[]> {
    const answers: (VerifyResponse | undefined)[] = queries.map((q) => this.cache.get(cacheKey(q)));
    const missing = queries.map((q, i) => ({ q, i })).filter(({ i }) => answers[i] === undefined);
    const t = this.target(node);
    for (let from = 0; from < missing.length; from += BATCH_LIMIT) {
      const chunk = missing.slice(from, from + BATCH_LIMIT);
      const res = await t.policy.execute(() =>
        callUnary(t.client, t.client.verifyBatch, { purpose, queries: chunk.map((m) => m.q) }, this.o.deadlineMs),
      );
      chunk.forEach(({ q, i }, k) => {
        const r = res.results[k];
        if (!r) throw new Error(`registry ${node} answered ${res.results.length} of ${chunk.length} queries`);
        answers[i] = r;
        if (r.outcome === VerificationOutcome.VERIFICATION_OUTCOME_VALID) this.cache.set(cacheKey(q), r);
      });
    }
    return answers as VerifyResponse[];
  }

  /** One lookup (Verify), through the same policies and cache. */
  async verify(node: string, purpose: LookupPurpose, query: CertificateQuery): Promise<VerifyResponse> {
    const cached = this.cache.get(cacheKey(query));
    if (cached) return cached;
    const t = this.target(node);
    const r = await t.policy.execute(() => callUnary(t.client, t.client.verify, { purpose, query }, this.o.deadlineMs));
    if (r.outcome === VerificationOutcome.VERIFICATION_OUTCOME_VALID) this.cache.set(cacheKey(query), r);
    return r;
  }

  /** Forgets cached answers about a certificate (called when it is revoked). */
  forget(certificateId: string): void {
    const id = certificateId.trim().toUpperCase();
    this.cache.forget((k) => k.startsWith(`${id}\u0000`));
  }

  close(): void {
    for (const t of this.targets.values()) t.client.close();
    this.targets.clear();
  }

  private target(node: string): Target {
    let t = this.targets.get(node);
    if (t) return t;
    const address = this.addresses[node];
    if (!address) throw new Error(`no certificate registry configured for node '${node}'`);
    const transient = handleWhen(isTransient);
    const breaker = circuitBreaker(transient, {
      halfOpenAfter: this.o.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(this.o.breakerFailures),
    });
    const retries = retry(transient, {
      maxAttempts: this.o.maxAttempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: this.o.backoffInitialMs, maxDelay: this.o.backoffMaxMs }),
    });
    const limit: BulkheadPolicy = bulkhead(this.o.maxConcurrent, this.o.maxQueued);
    const log = this.o.log;
    breaker.onBreak(() => log?.warn({ target: node, address }, "certificate registry circuit opened"));
    breaker.onHalfOpen(() => log?.info({ target: node, address }, "certificate registry circuit half-open, probing"));
    breaker.onReset(() => log?.info({ target: node, address }, "certificate registry circuit closed"));
    t = {
      // A registry back from an outage is found within seconds, not grpc-js's default of up to two minutes.
      client: new CertificateRegistryServiceClient(address, this.caller.credentials, {
        ...this.caller.options,
        "grpc.initial_reconnect_backoff_ms": 200,
        "grpc.max_reconnect_backoff_ms": 5_000,
      }),
      breaker,
      // Outermost first: the bulkhead bounds whole calls (retries included); each attempt passes the breaker.
      policy: wrap(limit, retries, breaker),
    };
    this.targets.set(node, t);
    return t;
  }
}
