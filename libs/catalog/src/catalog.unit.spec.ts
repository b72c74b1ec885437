import { describe, expect, it } from "vitest";
import data from "../data/items.json" with { type: "json" };
import { byBatch, Catalog, item, items, loadCatalog } from "./catalog";
import { CatalogDataError } from "./catalogDataError";
import type { CatalogItem, ItemRecord } from "./catalogItem";
import { parseCatalogData } from "./parseCatalogData";

/** The transcribed fields of an item, without what the library derives. */
function record(code: string): Omit<ItemRecord, "timeLimits"> {
  const found = item(code);
  if (found === undefined) throw new Error(`no item ${code}`);
  const { batchLabel: _label, remoteReceipt: _remote, preReview: _preReview, timeLimits: _limits, ...rest } = found;
  return rest;
}

function mutated(change: (raw: { items: Record<string, unknown>[]; batches: Record<string, unknown>[] }) => void): unknown {
  const raw = structuredClone(data) as unknown as { items: Record<string, unknown>[]; batches: Record<string, unknown>[] };
  change(raw);
  return raw;
}

describe("catalog counts", () => {
  it("when the bundled catalog is loaded, then it holds 106 items: 48 for 2020, 50 for 2021 and 8 for later", () => {
    const groups = byBatch();
    expect(items()).toHaveLength(106);
    expect(groups["2020"]).toHaveLength(48);
    expect(groups["2021"]).toHaveLength(50);
    expect(groups.later).toHaveLength(8);
  });

  it("when items are listed, then seq runs 1..106 with each value exactly once", () => {
    expect(items().map((it) => it.seq)).toEqual(Array.from({ length: 106 }, (_, i) => i + 1));
  });

  it("when items are listed, then every code is unique and follows TB-<batch>-<seq>", () => {
    const codes = items().map((it) => it.code);
    expect(new Set(codes).size).toBe(106);
    expect(codes.slice(0, 2)).toEqual(["TB-2020-001", "TB-2020-002"]);
    expect(
      items()
        .filter((it) => it.batch === "2021")
        .map((it) => it.code)[0],
    ).toBe("TB-2021-049");
    expect(codes.at(-1)).toBe("TB-LATER-106");
    for (const it of items()) {
      const batchPart = it.batch === "later" ? "LATER" : it.batch;
      expect(it.code).toBe(`TB-${batchPart}-${String(it.seq).padStart(3, "0")}`);
    }
  });

  it("when a batch is read, then its printed 序号 restarts at 1 and its label matches the heading", () => {
    const groups = byBatch();
    expect(groups["2021"].map((it) => it.batchSeq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(groups["2020"].every((it) => it.batchLabel === "2020年底前")).toBe(true);
    expect(groups["2021"].every((it) => it.batchLabel === "2021年底前")).toBe(true);
    expect(groups.later.every((it) => it.batchLabel === "2021年以后")).toBe(true);
  });

  it("when columns are compared across batches, then only the later batch has a national deadline and never a cooperating column", () => {
    const groups = byBatch();
    expect(groups.later.every((it) => it.nationalDeadline !== undefined && it.nationalCooperating === undefined)).toBe(true);
    expect([...groups["2020"], ...groups["2021"]].some((it) => it.nationalDeadline !== undefined)).toBe(false);
  });

  it("when any text field is read, then it carries no PDF line-wrap or justification whitespace", () => {
    const texts = items().flatMap((it: CatalogItem) =>
      [
        it.name,
        it.scenario,
        it.nationalLead,
        it.nationalCooperating,
        it.nationalDeadline,
        it.provincialLead,
        it.mode,
        it.deadline,
        it.cityLead,
        it.districtLead,
      ].filter((v): v is string => v !== undefined),
    );
    expect(texts.filter((t) => /\s/.test(t))).toEqual([]);
  });
});

describe("rows checked against the attachment", () => {
  it("when item 1 is read, then every column matches the first row of batch 2020", () => {
    expect(record("TB-2020-001")).toStrictEqual({
      seq: 1,
      code: "TB-2020-001",
      batch: "2020",
      batchSeq: 1,
      name: "学历公证",
      scenario: "申请人可异地申请博士研究生、硕士研究生、大学本科、大学专科学历公证，不受户籍地或学校所在地限制",
      nationalLead: "司法部",
      nationalCooperating: "教育部",
      provincialLead: "省司法厅",
      mode: "全国无差别办理",
      deadline: "已完成",
      cityLead: "市司法局",
      districtLead: "区司法局",
    });
  });

  it("when item 5, whose name wraps over five lines, is read, then the name is joined and the empty 配合单位 is absent", () => {
    expect(record("TB-2020-005")).toStrictEqual({
      seq: 5,
      code: "TB-2020-005",
      batch: "2020",
      batchSeq: 5,
      name: "社会保险个人权益记录单查询打印（养老保险、工伤保险、失业保险等）",
      scenario: "申请人可异地查询、打印本人名下各地、各年度社会保险个人权益记录单，不受地域限制",
      nationalLead: "人力资源社会保障部",
      provincialLead: "省人社厅",
      mode: "全程网办",
      deadline: "已完成",
      cityLead: "市人社局",
      districtLead: "区人社局",
    });
  });

  it("when item 13, whose mode is printed with justification spaces, is read, then the mode is the joined text", () => {
    expect(record("TB-2020-013").mode).toBe("我省无该事项，外省人社部门提供互联网渠道自助办理");
    expect(record("TB-2020-013").scenario).toBe("申请人属于养老保险供养亲属的，可异地自助办理领取待遇资格认证（生存认证），不受地域限制");
  });

  it("when item 17 is read, then its wrapped deadline keeps the parenthesised note", () => {
    expect(record("TB-2020-017").deadline).toBe("已完成（持续完善2015年6月30日以前产生的可查询数据）");
  });

  it("when item 20 is read, then two city leads, four cooperating departments and the wrapped district unit are kept", () => {
    expect(record("TB-2020-020")).toStrictEqual({
      seq: 20,
      code: "TB-2020-020",
      batch: "2020",
      batchSeq: 20,
      name: "商品房预售、抵押涉及的不动产预告登记（省会城市及计划单列市）",
      scenario: "申请人可异地网上申请商品房预售、抵押涉及的不动产预告登记，不受商品房所在地限制",
      nationalLead: "自然资源部",
      nationalCooperating: "公安部、民政部、国家卫生健康委、市场监管总局",
      provincialLead: "省自然资源厅",
      mode: "网上申请办理",
      deadline: "已完成",
      cityLead: "市住房局、市资源规划局",
      districtLead: "市不动产登记中心海沧分中心",
    });
  });

  it("when item 24 is read, then the 统一部署安排 text is its mode and the empty 完成时限 is absent", () => {
    expect(record("TB-2020-024")).toStrictEqual({
      seq: 24,
      code: "TB-2020-024",
      batch: "2020",
      batchSeq: 24,
      name: "小型非营运二手车交易登记",
      scenario: "申请人异地交易小型非营运二手车，车辆转入地可为小型非营运二手车交易开具发票并办理转移登记手续",
      nationalLead: "商务部",
      nationalCooperating: "公安部、税务总局",
      provincialLead: "省商务厅",
      mode: "按照商务部、公安部、税务总局统一部署安排",
      cityLead: "市商务局、市公安局",
      districtLead: "公安局海沧分局",
    });
  });

  it("when item 40 is read, then its five-line mode is joined as written", () => {
    expect(record("TB-2020-040").mode).toBe("网上预审、审查、审批，申请材料、证书及有关文书可邮政寄递");
    expect(record("TB-2020-040").deadline).toBe("2020年底");
  });

  it("when item 49, the first of batch 2021, is read, then every column matches", () => {
    expect(record("TB-2021-049")).toStrictEqual({
      seq: 49,
      code: "TB-2021-049",
      batch: "2021",
      batchSeq: 1,
      name: "开具有无犯罪记录证明",
      scenario: "申请人可异地申请开具有无犯罪记录证明，不受户籍地限制",
      nationalLead: "公安部",
      provincialLead: "省公安厅",
      mode: "异地代收代办",
      deadline: "2021年底",
      cityLead: "市公安局",
      districtLead: "公安局海沧分局",
    });
  });

  it("when item 59 is read, then its deadline is the month as written", () => {
    expect(record("TB-2021-059")).toMatchObject({
      name: "纳税状况公证",
      nationalCooperating: "税务总局",
      mode: "全国无差别办理",
      deadline: "2021年10月",
    });
  });

  it("when batch 2021 rows 49 and 50, printed after rows of the later batch, are read, then they are items 97 and 98 of batch 2021", () => {
    expect(record("TB-2021-097")).toStrictEqual({
      seq: 97,
      code: "TB-2021-097",
      batch: "2021",
      batchSeq: 49,
      name: "残疾类别/等级变更",
      scenario: "申请人可异地申请变更残疾类别/等级，不受户籍地限制",
      nationalLead: "中国残联",
      nationalCooperating: "公安部、国家卫生健康委",
      provincialLead: "省残联",
      mode: "按照中国残联统一部署安排",
      cityLead: "市残联",
      districtLead: "区残联",
    });
    expect(record("TB-2021-098")).toStrictEqual({
      seq: 98,
      code: "TB-2021-098",
      batch: "2021",
      batchSeq: 50,
      name: "全国残疾人按比例就业情况联网认证",
      scenario: "申请人可异地申请“安排残疾人就业比例”认证，不受地域限制",
      nationalLead: "中国残联",
      nationalCooperating: "人力资源社会保障部、税务总局、国家医保局",
      provincialLead: "省残联",
      mode: "按照中国残联统一部署安排",
      cityLead: "市残联",
      districtLead: "区残联",
    });
  });

  it("when item 100, whose national deadline continues on the next page after rows 49 and 50, is read, then the deadline is joined", () => {
    expect(record("TB-LATER-100")).toStrictEqual({
      seq: 100,
      code: "TB-LATER-100",
      batch: "later",
      batchSeq: 2,
      name: "首次申领居民身份证（监护人代办的除外）",
      scenario: "申请人可异地首次申领居民身份证，由所在地公安部门线下取指纹和拍照，不受户籍地限制",
      nationalLead: "公安部",
      nationalDeadline: "2021年在京津冀、长三角等地区开展“跨省通办”试点，在总结试点经验基础上逐步推开",
      provincialLead: "省公安厅",
      mode: "异地代收代办",
      deadline: "按照公安部统一部署",
      cityLead: "市公安局",
      districtLead: "公安局海沧分局",
    });
  });

  it("when item 102, split over a page break, is read, then both deadlines are joined", () => {
    expect(record("TB-LATER-102")).toStrictEqual({
      seq: 102,
      code: "TB-LATER-102",
      batch: "later",
      batchSeq: 4,
      name: "离婚登记",
      scenario: "申请人可在所在地婚姻登记机关办理离婚登记，不受户籍地限制",
      nationalLead: "民政部",
      nationalDeadline: "在开展结婚登记“跨省通办”试点基础上，条件成熟时实施离婚登记“跨省通办”试点",
      provincialLead: "省民政厅",
      mode: "目前，仍需现场办理",
      deadline: "《婚姻登记条例》明确相关事项后，逐步开展“省内通办”“跨省通办”试点，根据民政部要求实现",
      cityLead: "市民政局",
      districtLead: "区民政局",
    });
  });

  it("when item 105 is read, then the cooperating note stays inside the national lead cell as printed", () => {
    expect(record("TB-LATER-105")).toMatchObject({
      name: "工伤职工异地就医结算",
      nationalLead: "人力资源社会保障部（配合单位：国家医保局）",
      nationalDeadline: "2022年底前",
      deadline: "预计2022年6月底",
    });
    expect(record("TB-LATER-105").nationalCooperating).toBeUndefined();
  });
});

describe("lookups", () => {
  it("when an unknown or malformed code is looked up, then the result is undefined", () => {
    expect(item("TB-2020-049")).toBeUndefined();
    expect(item("tb-2020-001")).toBeUndefined();
    expect(item("")).toBeUndefined();
  });

  it("when the catalog is loaded twice from the same data, then both agree with the bundled one", () => {
    const again = loadCatalog(structuredClone(data));
    expect(again).toBeInstanceOf(Catalog);
    expect(again.version).toBe("2021-haicang-1");
    expect(again.items()).toEqual(items());
  });
});

describe("data validation", () => {
  it("when two items share a seq, then loading fails", () => {
    const raw = mutated((r) => {
      r.items[1]!["seq"] = 1;
    });
    expect(() => loadCatalog(raw)).toThrow(CatalogDataError);
  });

  it("when a code does not match its batch and seq, then loading fails", () => {
    const raw = mutated((r) => {
      r.items[0]!["code"] = "TB-2021-001";
    });
    expect(() => loadCatalog(raw)).toThrow(/does not match/);
  });

  it("when a batch holds fewer items than its heading declares, then loading fails", () => {
    const raw = mutated((r) => {
      r.batches[2]!["declaredCount"] = 9;
    });
    expect(() => loadCatalog(raw)).toThrow(/declares 9/);
  });

  it("when a required column is missing, then parsing names the field", () => {
    const raw = mutated((r) => {
      delete r.items[3]!["mode"];
    });
    expect(() => parseCatalogData(raw)).toThrow("catalog.items[3].mode");
  });

  it("when a time-limit override has no legal basis, then parsing fails", () => {
    const raw = mutated((r) => {
      r.items[0]!["timeLimits"] = { decisionDays: 15 };
    });
    expect(() => parseCatalogData(raw)).toThrow("catalog.items[0].timeLimits.basis");
  });
});
