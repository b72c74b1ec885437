import { describe, expect, it } from "vitest";
import { homeDepartment, registerCities } from "@tongban/catalog";
import { Network } from "@tongban/config";
import { sampleJointSubmission, sampleSubmission } from "@tongban/demo";
import { catalogPort } from "../catalogPort";
import { toSubmissionInput } from "../intakeGrpc";
import { validateSubmission } from "./validateSubmission";

// A city added to the network configuration alone (here 福州 350100) has every department of the
// catalog: cases can be homed there and received there, single-home and joint.

const pilot = Network.load();
const fuzhou = {
  id: "fuzhou",
  name: { zh: "福州市", en: "Fuzhou" },
  division: "350100",
  districts: [{ code: "350102", zh: "鼓楼区", en: "Gulou" }],
  ports: { intake: 50140, queue: 50141, certs: 50142, metrics: 9140 },
};
const network = Network.parse({ nodes: [...pilot.nodes, fuzhou] });
const now = new Date("2026-06-01T02:00:00Z");
const check = (at: string, input: ReturnType<typeof toSubmissionInput>) =>
  validateSubmission(input, { node: network.node(at)!, network, catalog: catalogPort, now });

describe("a fourth city by configuration alone", () => {
  it("when Fuzhou is only in the network configuration, then once the network's cities are registered it has the catalog's departments with its own names", () => {
    expect(homeDepartment("TB-2021-049", "fuzhou")).toBeUndefined();
    registerCities(network.nodes);
    expect(homeDepartment("TB-2021-049", "fuzhou")).toMatchObject({
      code: "gaj",
      name: "福州市公安局",
      nameEn: "Fuzhou Municipal Public Security Bureau",
    });
    expect(homeDepartment("TB-2021-049", "xiamen")?.name).toBe("厦门市公安局");
  });

  it("when cases travel between Fuzhou and each pilot city, both ways and jointly, then the formal check passes them", () => {
    registerCities(network.nodes);
    for (const other of ["xiamen", "quanzhou", "zhangzhou"]) {
      for (const [from, to] of [
        ["fuzhou", other],
        [other, "fuzhou"],
      ] as const) {
        const r = check(from, toSubmissionInput(sampleSubmission(network.node(from)!, to, 21)));
        expect(r.ok, `${from} → ${to}: ${JSON.stringify(r.ok ? [] : r.violations)}`).toBe(true);
      }
    }
    const joint = check("fuzhou", toSubmissionInput(sampleJointSubmission(network.node("fuzhou")!, "xiamen", "fuzhou", 3)));
    expect(joint.ok, JSON.stringify(joint.ok ? [] : joint.violations)).toBe(true);
  });
});
