import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { topics } from "@tongban/contracts";
import { repoRoot } from "../../../deploy/local/paths";
import { type FaultNetwork, nodeIds } from "./faultNetwork";
import { type Acked, LoadGenerator, type LoadOptions, type Sample } from "./loadGenerator";
import { readAll } from "./topicReader";

/** Events of a delivered case's history on both sides: submitted, forwarded (window), received (home). */
const HISTORY = 3;

export interface Verdict {
  id: string;
  fault: string;
  acknowledged: number;
  delivered: number;
  lost: number;
  duplicated: number;
  orderViolations: number;
  deadLetters: number;
  recoverySeconds: number;
  /** Cases reaching their home queue per second while the fault lasted, as a share of the rate before it. */
  throughputRatio?: number;
  /** Seconds from the heal until the home queues hold as many cases as had been acknowledged at the heal. */
  backlogDrainedSeconds: number;
  peakInFlight: number;
  faultSeconds: number;
  totalSeconds: number;
  /** What the scenario observed besides the counts (e.g. breaker transitions). */
  notes?: Record<string, unknown>;
}

export const resultsFile = join(repoRoot, "results", "faults.json");

/** Adds or replaces one scenario's verdict in results/faults.json (one machine-readable record per fault). */
export function recordVerdict(v: Verdict): void {
  mkdirSync(join(repoRoot, "results"), { recursive: true });
  const all: Record<string, Verdict> = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : {};
  all[v.id] = v;
  writeFileSync(resultsFile, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`[faults] ${JSON.stringify(v)}`);
}

export interface FaultWindow {
  /** When the fault began (epoch ms). */
  at: number;
  /** When it was healed (epoch ms). */
  healedAt: number;
  notes?: Record<string, unknown>;
}

export interface ScenarioOptions {
  id: string;
  fault: string;
  load?: Partial<LoadOptions>;
  /** Inject the fault once this many cases are acknowledged. */
  after?: number;
  /** Injects the fault, waits, heals it. */
  inject: (load: LoadGenerator) => Promise<FaultWindow>;
  /** Longest wait for every acknowledged case to reach its home queue after the load ends. */
  settleMs?: number;
  /** Keep the load going until this long after the heal (its `total` is then only an upper bound). */
  loadAfterHealMs?: number;
}

/**
 * Runs a steady load across the six pairs, injects the fault mid-stream, heals it, waits until
 * every acknowledged case is in its home queue, then counts from both sides' stores and topics.
 */
export async function runScenario(net: FaultNetwork, o: ScenarioOptions): Promise<Verdict> {
  const load = new LoadGenerator(net, { total: 450, inFlight: 220, concurrency: 64, ...o.load });
  const t0 = Date.now();
  load.start();
  let window: FaultWindow;
  try {
    await load.ackedAtLeast(o.after ?? 120);
    window = await o.inject(load);
    if (o.loadAfterHealMs !== undefined) {
      await new Promise((r) => setTimeout(r, o.loadAfterHealMs));
      load.endSubmissions();
    }
    await load.submitted();
    await settled(net, load.acked, o.settleMs ?? 180_000);
  } finally {
    await load.stop();
  }
  const counted = await count(net, load.acked);
  const ratio = throughputRatio(load.samples, window.at, window.healedAt);
  const v: Verdict = {
    id: o.id,
    fault: o.fault,
    acknowledged: load.acked.length,
    ...counted,
    recoverySeconds: recoverySeconds(load.samples, window.at, window.healedAt),
    ...(ratio !== undefined ? { throughputRatio: ratio } : {}),
    backlogDrainedSeconds: drainedSeconds(load.samples, window.healedAt),
    peakInFlight: load.peakInFlight,
    faultSeconds: round((window.healedAt - window.at) / 1_000),
    totalSeconds: round((Date.now() - t0) / 1_000),
    ...(window.notes ? { notes: window.notes } : {}),
  };
  recordVerdict(v);
  return v;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** Waits until both sides hold every acknowledged case's whole history (or the time is up: the count then says what is missing). */
async function settled(net: FaultNetwork, acked: readonly Acked[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await Promise.all(
      net.cities.map(async (c) => {
        const home = await c.db.collection("cases").countDocuments({ role: "home", seq: { $gte: HISTORY } });
        const sent = await c.db.collection("cases").countDocuments({ role: "receiving", seq: { $gte: HISTORY } });
        return home === acked.filter((a) => a.to === c.id).length && sent === acked.filter((a) => a.from === c.id).length;
      }),
    ).catch(() => [false]);
    if (done.every(Boolean) || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function count(net: FaultNetwork, acked: readonly Acked[]) {
  let delivered = 0;
  let duplicated = 0;
  let orderViolations = 0;
  for (const c of net.cities) {
    const home = await c.db
      .collection("cases")
      .find({ role: "home" }, { projection: { receiptKey: 1, seq: 1, status: 1 } })
      .toArray();
    const expected = acked.filter((a) => a.to === c.id);
    const byId = new Map(home.map((d) => [String(d._id), d]));
    delivered += expected.filter((a) => byId.has(a.caseId)).length;
    // The same window receipt twice in a home queue, a case nobody acknowledged, or a history applied past its end.
    const receipts = new Set(home.map((d) => d.receiptKey));
    duplicated += home.length - receipts.size;
    const expectedIds = new Set(expected.map((a) => a.caseId));
    duplicated += home.filter((d) => !expectedIds.has(String(d._id))).length;
    duplicated += home.filter((d) => d.seq > HISTORY).length;
    const sent = await c.db
      .collection("cases")
      .find({ role: "receiving" }, { projection: { seq: 1 } })
      .toArray();
    duplicated += sent.filter((d) => d.seq > HISTORY).length;
    // Each delivered case's history complete on both sides, in its order.
    orderViolations += home.filter((d) => d.seq !== HISTORY || d.status !== "RECEIVED_BY_HOME").length;
    orderViolations += sent.filter((d) => d.seq !== HISTORY).length;
  }
  // On the wire: per case, position n+1 never first appears before position n.
  let deadLetters = 0;
  for (const id of nodeIds) {
    const records = await readAll(net.kafka, topics.inbound(net.prefix, id));
    const firstSeen = new Map<string, number[]>();
    for (const r of records) {
      const seq = r.env?.caseSeq ?? 0;
      if (seq === 0) continue;
      const seen = firstSeen.get(r.key) ?? [];
      if (!seen.includes(seq)) {
        if (seen.length > 0 && seq !== Math.max(...seen) + 1) orderViolations++;
        seen.push(seq);
      }
      firstSeen.set(r.key, seen);
    }
    deadLetters += (await readAll(net.kafka, topics.deadLetter(net.prefix, id))).length;
  }
  return { delivered, lost: acked.length - delivered, duplicated, orderViolations, deadLetters };
}

/**
 * Seconds from the heal until delivery is back to normal: the first 2-second span after the heal
 * in which the home queues take in at least half the pre-fault rate, or the backlog is empty.
 */
export function recoverySeconds(samples: readonly Sample[], faultAt: number, healedAt: number): number {
  const before = samples.filter((s) => s.t <= faultAt);
  const first = before.find((s) => s.delivered > 0) ?? before[0];
  const last = before[before.length - 1];
  const baseline = first && last && last.t > first.t ? (last.delivered - first.delivered) / ((last.t - first.t) / 1_000) : 0;
  const after = samples.filter((s) => s.t >= healedAt);
  for (let i = 0; i < after.length; i++) {
    const s = after[i]!;
    if (s.delivered >= s.acked && s.inFlight === 0) return round((s.t - healedAt) / 1_000);
    const later = after.slice(i).find((x) => x.t >= s.t + 2_000);
    if (later && (later.delivered - s.delivered) / ((later.t - s.t) / 1_000) >= baseline / 2) return round((s.t - healedAt) / 1_000);
  }
  const end = after[after.length - 1];
  return end ? round((end.t - healedAt) / 1_000) : 0;
}

/** Delivery rate between the fault and the heal over the rate before the fault (two decimals). */
export function throughputRatio(samples: readonly Sample[], faultAt: number, healedAt: number): number | undefined {
  const rate = (from: Sample | undefined, to: Sample | undefined) =>
    from && to && to.t > from.t ? (to.delivered - from.delivered) / ((to.t - from.t) / 1_000) : 0;
  const before = samples.filter((s) => s.t <= faultAt);
  const during = samples.filter((s) => s.t >= faultAt && s.t <= healedAt);
  const last = before[before.length - 1];
  // From the first delivery on, unless that leaves less than two seconds before the fault.
  const first = before.find((s) => s.delivered > 0 && last !== undefined && last.t - s.t >= 2_000) ?? before[0];
  const baseline = rate(first, last);
  // Unknown without deliveries before the fault (inject it later: ScenarioOptions.after).
  return baseline > 0 ? Math.round((rate(during[0], during[during.length - 1]) / baseline) * 100) / 100 : undefined;
}

export function drainedSeconds(samples: readonly Sample[], healedAt: number): number {
  const atHeal = [...samples].reverse().find((s) => s.t <= healedAt)?.acked ?? 0;
  const drained = samples.find((s) => s.t >= healedAt && s.delivered >= atHeal);
  return drained ? round((drained.t - healedAt) / 1_000) : -1;
}
