import { type RunningCerts, startCerts } from "@tongban/certs";
import { CertificateRegistryServiceClient } from "@tongban/contracts";
import { devTlsSettings } from "@tongban/rpc";
import { kafkaPrincipals } from "@tongban/runtime";
import { type Isolation, callerAs, kafkaSettings, network, nodeIds, provisionTopics, quietLogger } from "./testNetwork";

export interface CityRegistry {
  id: string;
  certs: RunningCerts;
  port: number;
  client: CertificateRegistryServiceClient;
}

/** Starts one city's certificate registry in process on a real gRPC port, in the city's test database, seeded with the demo certificates. */
export async function startRegistry(iso: Isolation, id: string, port = 0): Promise<CityRegistry> {
  // The provisioner's work: a registry only requires its topics.
  await provisionTopics(iso);
  const certs = await startCerts({
    config: {
      node: id,
      topicPrefix: iso.topicPrefix,
      ...kafkaSettings(kafkaPrincipals.registry(id)),
      mongoUri: iso.mongoUri,
      mongoDb: iso.dbName(id),
      certsPort: port,
      seedDemo: true,
      ...devTlsSettings(id, "registry", id),
      logLevel: "silent",
    },
    network,
    logger: quietLogger("certs"),
  });
  // The test's own client calls as that city's node (the role Verify is for).
  const caller = callerAs(id, "node", id);
  return {
    id,
    certs,
    port: certs.port,
    client: new CertificateRegistryServiceClient(`localhost:${certs.port}`, caller.credentials, caller.options),
  };
}

export function startRegistries(iso: Isolation, ids: string[] = nodeIds): Promise<CityRegistry[]> {
  return Promise.all(ids.map((id) => startRegistry(iso, id)));
}

/** CERTS_TARGETS for nodes under test: every city's registry at its test port. */
export const certsTargetsOf = (regs: readonly CityRegistry[]): Record<string, string> =>
  Object.fromEntries(regs.map((r) => [r.id, `localhost:${r.port}`]));

export async function stopRegistry(r: CityRegistry): Promise<void> {
  r.client.close();
  await r.certs.stop();
}

export async function stopRegistries(regs: readonly CityRegistry[]): Promise<void> {
  await Promise.all(regs.map(stopRegistry));
}
