import type { TestProject } from "vitest/node";
import { Network } from "@tongban/config";
import { devPkiCities } from "@tongban/demo";
import { ensureDevPki } from "@tongban/identity";
import type { KafkaAccess } from "@tongban/runtime";
import { buildServices } from "../../deploy/build";
import { resolveInfra } from "../../deploy/local/infra";

declare module "vitest" {
  export interface ProvidedContext {
    /** How each principal reaches the broker (kafkaAs / kafkaEnv in testNetwork). */
    kafkaAccess: KafkaAccess;
    mongoUri: string;
  }
}

/** One real broker and store per test run (env → testcontainers → local processes). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The development PKI (.run/pki): every test talks mTLS with the identities it holds.
  await ensureDevPki(devPkiCities(Network.load().nodes));
  // Service processes that tests spawn run the built bundles (dist/): rebuilt from the current sources.
  await buildServices();
  const infra = await resolveInfra();
  console.log(`[tests] infra from ${infra.source}: kafka ${infra.kafka.brokers.join(",")}, store ${infra.mongoUri}`);
  project.provide("kafkaAccess", infra.kafka);
  project.provide("mongoUri", infra.mongoUri);
  return () => infra.release();
}
