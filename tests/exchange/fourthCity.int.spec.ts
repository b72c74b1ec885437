import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Network, defaultNetworkFile } from "@tongban/config";
import { devPkiCities, sampleSubmission } from "@tongban/demo";
import { ensureDevPki } from "@tongban/identity";
import { startNode } from "@tongban/node";
import { kafkaPrincipals, provisionNetwork } from "@tongban/runtime";
import { connectMongo } from "@tongban/store";
import { apis, queuedIn, sentCaseIn } from "../support/clients";
import {
  type CityNode,
  type Isolation,
  intakeClientOf,
  isolation,
  nodeConfig,
  queueClientOf,
  quietLogger,
  stopCities,
} from "../support/testNetwork";

// A fourth city (福州 350100) added to the network configuration alone: its node starts with the
// same code and data, and cases travel both ways between it and each pilot city.

const fuzhou = {
  id: "fuzhou",
  name: { zh: "福州市", en: "Fuzhou" },
  division: "350100",
  districts: [
    { code: "350102", zh: "鼓楼区", en: "Gulou" },
    { code: "350103", zh: "台江区", en: "Taijiang" },
  ],
  ports: { intake: 50140, queue: 50141, certs: 50142, metrics: 9140 },
};

describe("a fourth city added by configuration", () => {
  let iso: Isolation;
  let cities: CityNode[];
  let network: Network;
  let dir: string;
  const city = (id: string) => cities.find((c) => c.id === id)!;

  beforeAll(async () => {
    iso = isolation();
    // The network file with Fuzhou, as an operator would write it; its identities and keys come
    // from the development PKI like every city's.
    dir = mkdtempSync(join(tmpdir(), "tongban-network-"));
    const file = join(dir, "network.json");
    const pilot = JSON.parse(readFileSync(defaultNetworkFile, "utf8")) as { nodes: unknown[] };
    writeFileSync(file, JSON.stringify({ ...pilot, nodes: [...pilot.nodes, fuzhou] }));
    await ensureDevPki(devPkiCities(Network.load(file).nodes));
    network = Network.load(file);
    const ids = network.nodes.map((n) => n.id);
    await provisionNetwork(iso.kafka, iso.topicPrefix, ids, quietLogger("admin"));
    cities = await Promise.all(
      ids.map(async (id) => {
        // The local broker's SCRAM users are made when it is formatted: Fuzhou's node, new at run
        // time, connects as the provisioner (its topics and grants are provisioned above).
        const principal = id === "fuzhou" ? kafkaPrincipals.admin : kafkaPrincipals.node(id);
        const [node, db] = await Promise.all([
          startNode({ config: nodeConfig(iso, id, principal), network, logger: quietLogger("node") }),
          connectMongo(iso.mongoUri, iso.dbName(id)),
        ]);
        return { id, node, db, intakeClient: intakeClientOf(id, node.intakePort), queueClient: queueClientOf(id, node.queuePort) };
      }),
    );
  });
  afterAll(async () => {
    await stopCities(cities);
    rmSync(dir, { recursive: true, force: true });
  });

  it("when cases go from Fuzhou to each pilot city and back, then each arrives in its home queue and the home's acceptance reaches the window", async () => {
    let n = 9500;
    for (const other of ["xiamen", "quanzhou", "zhangzhou"]) {
      for (const [from, to] of [
        ["fuzhou", other],
        [other, "fuzhou"],
      ] as const) {
        const req = sampleSubmission(network.node(from)!, to, n++, "FZ");
        const { caseId } = await apis(city(from)).submit(req);
        const queued = await queuedIn(city(to), caseId, "RECEIVED_BY_HOME");
        expect(queued.applicantName).toBe(req.applicant!.name);
        await apis(city(to)).claim(caseId);
        await apis(city(to)).exec(caseId, { $case: "signForMaterials", value: {} });
        await apis(city(to)).exec(caseId, { $case: "accept", value: {} });
        const seen = await sentCaseIn(city(from), caseId, "ACCEPTED");
        expect([seen.receivingNode, seen.homeNode]).toEqual([from, to]);
      }
    }
  });
});
