import { generateKeyPairSync } from "node:crypto";
import pino from "pino";
import { WorkingDayCalendar } from "@tongban/calendar";
import {
  type EventEnvelope,
  type PublicSealingKey,
  type PublicSigningKey,
  SealingKeyring,
  type Signer,
  SigningKeys,
  decodeEnvelope,
  encodeEnvelope,
  seal,
  signMessage,
  signerOf,
  topics,
} from "@tongban/contracts";
import {
  type CaseDoc,
  CaseCache,
  CaseIndex,
  type CaseRow,
  type CaseStore,
  type ExchangeContext,
  type InboxEntry,
  type InboxStore,
} from "@tongban/exchange";
import { type Appended, DuplicateRow, KeyedMutex, type OutboxEntry } from "@tongban/store";

/**
 * The case command handler's store port in memory, for the fast test tier: rows are kept by `_id`
 * (a second row at the same position is refused, as the store's unique key refuses it), and their
 * outbox entries wait until a test takes them as the relay would.
 */
export class MemoryCaseStore implements CaseStore {
  readonly index = new CaseIndex();
  readonly rows = new Map<string, CaseRow>();
  private readonly docs = new Map<string, CaseDoc>();
  private readonly waiting = new Map<string, OutboxEntry[]>();
  readonly outbox: CaseStore["outbox"];

  constructor() {
    const waiting = this.waiting;
    this.outbox = {
      has: (caseId) => (waiting.get(caseId)?.length ?? 0) > 0,
      get pendingCases() {
        return [...waiting.values()].filter((w) => w.length > 0).length;
      },
    };
  }

  append(row: CaseRow, doc: CaseDoc): Appended {
    if (this.rows.has(row._id)) {
      const failed = Promise.reject(new DuplicateRow(row._id));
      failed.catch(() => undefined);
      return { done: failed, reply: failed };
    }
    this.rows.set(row._id, row);
    this.docs.set(row.caseId, doc);
    this.index.add(doc);
    this.waiting.set(row.caseId, [...(this.waiting.get(row.caseId) ?? []), ...row.outbox]);
    const done = Promise.resolve();
    return { done, reply: done };
  }

  aheadOf(): undefined {
    return undefined;
  }

  async read(caseId: string): Promise<CaseDoc | undefined> {
    return this.docs.get(caseId);
  }

  async flush(): Promise<void> {}

  /** The entries waiting to be published, in log order, taken out as the relay takes them. */
  take(): OutboxEntry[] {
    const out = [...this.waiting.values()].flat();
    this.waiting.clear();
    return out;
  }
}

export class MemoryInbox implements InboxStore {
  readonly entries = new Map<string, InboxEntry>();
  private added: InboxEntry[] = [];

  async seen(eventId: string): Promise<boolean> {
    return this.entries.has(eventId);
  }

  add(entry: InboxEntry): void {
    this.added.push(entry);
  }

  async flush(): Promise<void> {
    for (const e of this.added) if (!this.entries.has(e._id)) this.entries.set(e._id, e);
    this.added = [];
  }
}

const CITIES = ["xiamen", "quanzhou", "zhangzhou"];

/** A fresh key pair of a city's node as the network configuration lists its public half, and its private PEM. */
function nodeKey(city: string, type: "ed25519" | "x25519", use: string) {
  const { publicKey, privateKey } = type === "ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("x25519");
  const pub = {
    keyId: `${city}-${use}-test`,
    principal: `node:${city}` as const,
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    status: "active" as const,
  };
  return { pub, privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

/** A signing key per city's node, made once per test file, and the network's public keys. */
const keys = new Map(
  CITIES.map((city) => {
    const k = nodeKey(city, "ed25519", "sig");
    return [city, { pub: k.pub as PublicSigningKey, signer: signerOf(k.pub.principal, k.pub.keyId, k.privateKeyPem) }];
  }),
);
const trust = new SigningKeys([...keys.values()].map((k) => k.pub));

/** A sealing key per city's node: what a window seals for a home only that home opens. */
const sealingKeys = new Map(
  CITIES.map((city) => {
    const k = nodeKey(city, "x25519", "seal");
    return [city, { pub: k.pub as PublicSealingKey, ring: new SealingKeyring([{ keyId: k.pub.keyId, privateKeyPem: k.privateKeyPem }]) }];
  }),
);

/** The test signing key of a city's node (to sign what a test forges as that node). */
export const signerOfNode = (city: string): Signer => keys.get(city)!.signer;

/** An envelope changed by a test and signed again by `city`'s node, so only the change is judged. */
export const resigned = (env: EventEnvelope, city = env.sourceNode): EventEnvelope => signMessage(env, encodeEnvelope, signerOfNode(city));

export interface MemoryNode {
  ctx: ExchangeContext;
  store: MemoryCaseStore;
  inbox: MemoryInbox;
  /** Sets the node's clock. */
  setNow(at: Date): void;
}

/** A city node's exchange context on the in-memory store: its own ids, clock and calendar. */
export function memoryNode(nodeId: string, topicPrefix = "tongban", start = new Date("2026-03-02T01:00:00Z")): MemoryNode {
  let now = start;
  let n = 0;
  const store = new MemoryCaseStore();
  const inbox = new MemoryInbox();
  const ctx: ExchangeContext = {
    nodeId,
    topicPrefix,
    nodes: new Set(CITIES),
    signer: signerOfNode(nodeId),
    trust,
    sealing: {
      sealFor: (node, plain, aad) => seal(plain, sealingKeys.get(node)!.pub, aad),
      open: (s, aad) => sealingKeys.get(nodeId)!.ring.open(s, aad),
    },
    ids: () => `01MEM${nodeId.slice(0, 2).toUpperCase()}${String(++n).padStart(15, "0")}`,
    now: () => now,
    calendar: WorkingDayCalendar.default(),
    log: pino({ level: "silent" }),
    lock: new KeyedMutex(),
    cache: new CaseCache(),
    receipts: new Map(),
    caseLog: store,
    inbox,
  };
  return { ctx, store, inbox, setNow: (at) => (now = at) };
}

/** The envelopes `from` has waiting for `to`'s inbound topic (tracking entries left out), taken out. */
export function envelopesFor(from: MemoryNode, to: string): EventEnvelope[] {
  const topic = topics.inbound(from.ctx.topicPrefix, to);
  return from.store
    .take()
    .filter((e) => e.topic === topic)
    .map((e) => decodeEnvelope(Buffer.from(e.value.buffer)));
}
