import type { Logger } from "pino";
import type { Bus } from "@tongban/bus";
import { WorkingDayCalendar } from "@tongban/calendar";
import { type IdGenerator, ulidGenerator } from "@tongban/contracts";
import { KeyedMutex, type MongoHandle, OutboxRelay, connectMongo } from "@tongban/store";
import { CASES, type CaseDoc, INBOX, type InboxEntry, ensureCaseIndexes } from "./caseDoc";
import { CaseCache } from "./caseCache";
import type { ExchangeContext } from "./exchangeContext";
import { InboxWriter } from "./inboxWriter";

export interface OpenExchangeOptions {
  mongoUri: string;
  dbName: string;
  nodeId: string;
  topicPrefix: string;
  bus: Bus;
  log: Logger;
  now?: () => Date;
  ids?: IdGenerator;
  onChange?: ExchangeContext["onChange"];
}

export interface OpenExchange {
  ctx: ExchangeContext;
  relay: OutboxRelay;
  mongo: MongoHandle;
  close(): Promise<void>;
}

/**
 * Connects a node's case store and starts relaying its outbox to Kafka. One per node process:
 * it owns every write to the node's case documents (see KeyedMutex for why that matters).
 */
export async function openExchange(o: OpenExchangeOptions): Promise<OpenExchange> {
  const mongo = await connectMongo(o.mongoUri, o.dbName);
  await ensureCaseIndexes(mongo.db);
  const lock = new KeyedMutex();
  const cache = new CaseCache();
  const cases = mongo.db.collection<CaseDoc>(CASES);
  const relay = new OutboxRelay(mongo.db.collection(CASES), (records) => o.bus.publish(records), o.log.child({ component: "outbox" }), {
    lock,
    load: async (id) => cache.get(id) ?? (await cases.findOne({ _id: id }, { projection: { _id: 1, outbox: 1 } })),
    onMarked: (id, outbox) => {
      const doc = cache.get(id);
      if (doc) cache.set({ ...doc, outbox, outboxPending: outbox.length > 0 });
    },
  });
  const ctx: ExchangeContext = {
    nodeId: o.nodeId,
    topicPrefix: o.topicPrefix,
    cases,
    inbox: mongo.db.collection<InboxEntry>(INBOX),
    ids: o.ids ?? ulidGenerator,
    now: o.now ?? (() => new Date()),
    calendar: WorkingDayCalendar.default(),
    log: o.log,
    lock,
    cache,
    inboxWriter: new InboxWriter(mongo.db.collection<InboxEntry>(INBOX)),
    onOutbox: (caseId) => relay.kick(caseId),
    takeSent: (caseId) => relay.takeSent(caseId),
    atomicUpdates: mongo.atomicConditionalUpdates,
    ...(o.onChange ? { onChange: o.onChange } : {}),
  };
  relay.start();
  return {
    ctx,
    relay,
    mongo,
    close: async () => {
      await relay.stop();
      await mongo.close();
    },
  };
}
