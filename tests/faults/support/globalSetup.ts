import type { TestProject } from "vitest/node";
import { faultFerret, faultKafka, faultToxiproxy, kafkaViaProxy, resetFaultInfra, stopFaultInfra } from "./faultInfra";

declare module "vitest" {
  export interface ProvidedContext {
    faultKafka: string;
    faultKafkaViaProxy: string;
    faultMongoUri: string;
    toxiproxyApi: string;
  }
}

/** The fault suite's own broker, store and Toxiproxy (never the shared ones: the scenarios kill them). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await resetFaultInfra();
  await Promise.all([faultKafka.start(), faultFerret.start(), faultToxiproxy.start()]);
  console.log(
    `[faults] own broker ${faultKafka.broker} (proxied ${kafkaViaProxy}), store ${faultFerret.uri}, toxiproxy ${faultToxiproxy.api}`,
  );
  project.provide("faultKafka", faultKafka.broker);
  project.provide("faultKafkaViaProxy", kafkaViaProxy);
  project.provide("faultMongoUri", faultFerret.uri);
  project.provide("toxiproxyApi", faultToxiproxy.api);
  return stopFaultInfra;
}
