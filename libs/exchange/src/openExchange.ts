import type { Collection } from "mongodb";
import type { Logger } from "pino";
import { type Bus, classifyPublishError } from "@tongban/bus";
import { WorkingDayCalendar } from "@tongban/calendar";
import { type IdGenerator, type Signer, type SigningKeys, topics, ulidGenerator } from "@tongban/contracts";
import { KeyedMutex, type MongoHandle, OutboxQuarantine, OutboxRelay, type OutboxRelayObserver, connectMongo } from "@tongban/store";
import { CASES, type CaseDoc, INBOX, type InboxEntry, ensureCaseIndexes, isReceivingSide } from "./caseDoc";
import { CaseCache } from "./caseCache";
import { CaseLog } from "./caseLog";
import type { ExchangeContext } from "./exchangeContext";
import { InboxWriter } from "./inboxWriter";

export interface OpenExchangeOptions {
  mongoUri: string;
  dbName: string;
  nodeId: string;
  topicPrefix: string;
  /** The network's node ids, this node's signing key and the network's public keys (see ExchangeContext). */
  nodes: ReadonlySet<string>;
  signer: Signer;
  trust: SigningKeys;
  sealing: ExchangeContext["sealing"];
  bus: Bus;
  log: Logger;
  now?: () => Date;
  ids?: IdGenerator;
  onChange?: ExchangeContext["onChange"];
  /** Largest envelope an outbox entry may have (default MAX_ENVELOPE_BYTES). */
  maxEnvelopeBytes?: number;
  /** How long an unknown topic may persist before its outbox entries are quarantined (default 30 s). */
  unknownTopicWaitMs?: number;
  /** Told about outbox entries moved to the quarantine (metrics). */
  relayObserver?: OutboxRelayObserver;
  /** Refuses a write once this process is no longer the city's writer (see ExchangeContext.assertWriter). */
  assertWriter?: () => void;
}

export interface OpenExchange {
  ctx: ExchangeContext;
  /** The read model of the node's cases, for queries (the queue's lists). */
  cases: Collection<CaseDoc>;
  relay: OutboxRelay;
  /** Outbox entries that could not be published, and operators' resend requests. */
  quarantine: OutboxQuarantine;
  mongo: MongoHandle;
  close(): Promise<void>;
}

/**
 * Connects a node's case store, recovers its case log and starts relaying its outbox to Kafka. One
 * per node process: it owns every write to the node's cases (the writer lease makes it the only one).
 */
export async function openExchange(o: OpenExchangeOptions): Promise<OpenExchange> {
  const mongo = await connectMongo(o.mongoUri, o.dbName);
  await ensureCaseIndexes(mongo.db, { ferretDb: mongo.ferretDb });
  const lock = new KeyedMutex();
  const cache = new CaseCache();
  const cases = mongo.db.collection<CaseDoc>(CASES);
  const quarantine = OutboxQuarantine.of(mongo.db);
  let relay: OutboxRelay | undefined;
  // The receipts of this node's windows' cases; from then on this process registers every case
  // and receipt itself, so neither a retried submission nor a replayed one costs a store read.
  const receipts = new Map<string, string>();
  const caseLog = await CaseLog.open({
    db: mongo.db,
    log: o.log,
    ...(o.assertWriter ? { assertWriter: o.assertWriter } : {}),
    onOutbox: (ids) => {
      for (const id of ids) relay?.kick(id);
    },
    scanned: (d) => {
      if (isReceivingSide(d)) receipts.set(d.receiptKey, d._id);
    },
  });
  relay = new OutboxRelay(mongo.db.collection(CASES), (records) => o.bus.publish(records), o.log.child({ component: "outbox" }), {
    lock,
    load: async (id) => caseLog.outbox.load(id),
    clear: async (id, sent) => caseLog.outbox.clear(id, sent),
    sweep: false,
    classify: classifyPublishError,
    quarantine,
    ...(o.assertWriter ? { assertWriter: o.assertWriter } : {}),
    noticeTopic: topics.deadLetter(o.topicPrefix, o.nodeId),
    nodeId: o.nodeId,
    ...(o.unknownTopicWaitMs !== undefined ? { permanentAfterMs: o.unknownTopicWaitMs } : {}),
    ...(o.relayObserver ? { observer: o.relayObserver } : {}),
  });
  const ctx: ExchangeContext = {
    nodeId: o.nodeId,
    topicPrefix: o.topicPrefix,
    nodes: o.nodes,
    signer: o.signer,
    trust: o.trust,
    sealing: o.sealing,
    ids: o.ids ?? ulidGenerator,
    now: o.now ?? (() => new Date()),
    calendar: WorkingDayCalendar.default(),
    log: o.log,
    lock,
    cache,
    receipts,
    caseLog,
    inbox: new InboxWriter(mongo.db.collection<InboxEntry>(INBOX), o.assertWriter),
    ...(o.maxEnvelopeBytes !== undefined ? { maxEnvelopeBytes: o.maxEnvelopeBytes } : {}),
    ...(o.onChange ? { onChange: o.onChange } : {}),
    ...(o.assertWriter ? { assertWriter: o.assertWriter } : {}),
  };
  const started = relay;
  started.start();
  // Entries recovered from the log before the relay existed.
  for (const id of caseLog.outbox.caseIds()) started.kick(id);
  return {
    ctx,
    cases,
    relay: started,
    quarantine,
    mongo,
    close: async () => {
      await caseLog.stop().catch((err) => o.log.warn({ err }, "case log did not stop cleanly"));
      await started.stop();
      await caseLog.outbox.save().catch((err) => o.log.warn({ err }, "relay checkpoint not saved"));
      await mongo.close();
    },
  };
}
