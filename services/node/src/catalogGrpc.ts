import { status } from "@grpc/grpc-js";
import { MAX_CODE_LENGTH, checkText } from "@tongban/bounds";
import {
  type CatalogItem as Item,
  type Handling,
  defaultCatalog,
  handlingOf,
  homeDepartment,
  preReviewRule,
  remoteReceiptRule,
} from "@tongban/catalog";
import type { Network } from "@tongban/config";
import type {
  CatalogItem,
  CatalogServiceServer,
  GetItemRequest,
  GetItemResponse,
  ListItemsRequest,
  ListItemsResponse,
} from "@tongban/contracts";
import { AppError, type FieldViolation } from "@tongban/rpc";
import type { Logger } from "pino";
import { unary } from "./grpcErrors";

const batches = ["2020", "2021", "later"];

/** gRPC adapter of the catalog API: the catalog intake checks submissions against, for window and authority systems. */
export function catalogGrpc(network: Network, log: Logger): CatalogServiceServer {
  const catalog = defaultCatalog();
  const entry = (it: Item): CatalogItem => {
    const rule = remoteReceiptRule(it.mode);
    const preReview = preReviewRule(it.mode);
    return {
      code: it.code,
      seq: it.seq,
      batch: it.batch,
      batchLabel: it.batchLabel,
      name: it.name,
      scenario: it.scenario,
      mode: it.mode,
      remoteReceipt: rule.eligible,
      remoteReceiptReason: rule.reason,
      preReview: preReview.allowed,
      preReviewReason: preReview.reason,
      homeDepartments: network.nodes.flatMap((n) => {
        const d = homeDepartment(it.code, n.id);
        return d ? [{ node: n.id, code: d.code, nameZh: d.name, nameEn: d.nameEn }] : [];
      }),
      timeLimits: { ...it.timeLimits, basis: [...it.timeLimits.basis] },
      nationalLead: it.nationalLead,
      provincialLead: it.provincialLead,
      cityLead: it.cityLead,
      districtLead: it.districtLead,
      deadline: it.deadline ?? "",
      requiredMaterials: [],
      ...handlingEntry(handlingOf(it)),
    };
  };
  // The catalog is immutable for the life of the process: built once.
  const all = catalog.items().map(entry);

  return {
    listItems: unary<ListItemsRequest, ListItemsResponse>("ListItems", log, async (req) => {
      const v: FieldViolation[] = [];
      if (checkText(v, "batch", req.batch, MAX_CODE_LENGTH) && req.batch && !batches.includes(req.batch)) {
        v.push({ field: "batch", description: `批次须为 ${batches.join(", ")} / batch must be one of ${batches.join(", ")}` });
      }
      checkText(v, "if_none_match", req.ifNoneMatch, MAX_CODE_LENGTH);
      if (v.length > 0) throw AppError.invalid(v);
      if (req.ifNoneMatch === catalog.version) return { version: catalog.version, items: [], notModified: true };
      const items = all.filter((i) => (!req.batch || i.batch === req.batch) && (!req.remoteReceiptOnly || i.remoteReceipt));
      return { version: catalog.version, items, notModified: false };
    }),
    getItem: unary<GetItemRequest, GetItemResponse>("GetItem", log, async (req) => {
      const v: FieldViolation[] = [];
      if (checkText(v, "code", req.code, MAX_CODE_LENGTH) && !req.code.trim()) {
        v.push({ field: "code", description: "事项编码不能为空 / item code is required" });
      }
      if (v.length > 0) throw AppError.invalid(v);
      const found = all.find((i) => i.code === req.code.trim().toUpperCase());
      if (!found) throw new AppError(status.NOT_FOUND, `事项不存在：${req.code} / unknown item '${req.code}'`, [], "ITEM_NOT_FOUND");
      return { version: catalog.version, item: found };
    }),
  };
}

function handlingEntry(h: Handling): Pick<CatalogItem, "handling" | "legs"> {
  if (h.kind === "single") return { handling: "single", legs: [] };
  return {
    handling: "joint",
    legs: h.legs.map((l) => ({ role: l.role, waitsFor: [...l.waitsFor], nameZh: l.name.zh, nameEn: l.name.en })),
  };
}
