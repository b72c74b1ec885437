import type { TestProject } from "vitest/node";
import { Network } from "@tongban/config";
import { devPkiCities } from "@tongban/demo";
import { ensureDevPki } from "@tongban/identity";
import type { KafkaAccess } from "@tongban/runtime";
import { localKafkaAccess } from "../../../deploy/local/kafkaLocal";
import { faultFerret, faultKafka, faultToxiproxy, kafkaViaProxy, resetFaultInfra, stopFaultInfra } from "./faultInfra";

declare module "vitest" {
  export interface ProvidedContext {
    /** How each principal reaches the suite's broker directly (the proxied address is faultKafkaViaProxy). */
    faultKafka: KafkaAccess;
    faultKafkaViaProxy: string;
    faultMongoUri: string;
    toxiproxyApi: string;
  }
}

/** The fault suite's own broker, store and Toxiproxy (never the shared ones: the scenarios kill them). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The development PKI (.run/pki): every service process and the harness talk mTLS with its identities.
  await ensureDevPki(devPkiCities(Network.load().nodes));
  await resetFaultInfra();
  await Promise.all([faultKafka.start(), faultFerret.start(), faultToxiproxy.start()]);
  console.log(
    `[faults] own broker ${faultKafka.broker} (proxied ${kafkaViaProxy}), store ${faultFerret.uri}, toxiproxy ${faultToxiproxy.api}`,
  );
  project.provide("faultKafka", await localKafkaAccess(faultKafka));
  project.provide("faultKafkaViaProxy", kafkaViaProxy);
  project.provide("faultMongoUri", faultFerret.uri);
  project.provide("toxiproxyApi", faultToxiproxy.api);
  return stopFaultInfra;
}
