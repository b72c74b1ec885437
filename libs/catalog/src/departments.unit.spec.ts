import { describe, expect, it } from "vitest";
import data from "../data/departments.json" with { type: "json" };
import { items } from "./catalog";
import { CatalogDataError } from "./catalogDataError";
import { loadDepartments } from "./departmentDirectory";
import { cities, departmentCode, departments, homeDepartment } from "./departments";
import { derivedDepartmentCode, leadUnitDepartment } from "./leadUnitDepartment";

describe("homeDepartment", () => {
  it("when item 49 (有无犯罪记录证明) is handled in each city, then the home department is that city's 公安局", () => {
    expect(homeDepartment("TB-2021-049", "xiamen")).toEqual({
      code: "gaj",
      nodeId: "xiamen",
      name: "厦门市公安局",
      nameEn: "Xiamen Municipal Public Security Bureau",
    });
    expect(homeDepartment("TB-2021-049", "quanzhou")?.name).toBe("泉州市公安局");
    expect(homeDepartment("TB-2021-049", "zhangzhou")?.name).toBe("漳州市公安局");
  });

  it.each([
    ["TB-2020-001", "sfj", "厦门市司法局"],
    ["TB-2020-008", "rsj", "厦门市人力资源和社会保障局"],
    ["TB-2020-020", "zrzyj", "厦门市自然资源局"],
    ["TB-2020-023", "gjj", "厦门市住房公积金中心"],
    ["TB-2020-024", "gaj", "厦门市公安局"],
    ["TB-2020-026", "scjgj", "厦门市市场监督管理局"],
    ["TB-2020-042", "yzglj", "厦门市邮政管理局"],
    ["TB-2021-056", "mzj", "厦门市民政局"],
    ["TB-2021-085", "swj", "厦门市税务局"],
    ["TB-2021-087", "ybj", "厦门市医疗保障局"],
    ["TB-2021-097", "cl", "厦门市残疾人联合会"],
    ["TB-LATER-101", "mzj", "厦门市民政局"],
  ])("when item %s is looked up in Xiamen, then its home department is %s (%s)", (code, dept, name) => {
    expect(homeDepartment(code, "xiamen")).toMatchObject({ code: dept, name });
  });

  it("when the item or the node is unknown, then there is no home department", () => {
    expect(homeDepartment("TB-2020-999", "xiamen")).toBeUndefined();
    expect(homeDepartment("TB-2020-001", "fuzhou")).toBeUndefined();
  });
});

describe("item to department mapping", () => {
  it("when every catalog item is looked up, then each has a department and it is the one its lead units point to", () => {
    for (const it of items()) {
      expect(departmentCode(it.code), it.code).toBeDefined();
      expect(departmentCode(it.code), it.code).toBe(derivedDepartmentCode(it));
    }
  });

  it("when the mapping is read, then it names no item outside the catalog", () => {
    const codes = new Set(items().map((it) => it.code as string));
    expect(Object.keys(data.items).filter((code) => !codes.has(code))).toEqual([]);
  });

  it("when a lead unit is written as in the attachment, then it maps by keyword", () => {
    expect(leadUnitDepartment("公安局海沧分局")).toBe("gaj");
    expect(leadUnitDepartment("市医疗保障中心海沧管理部")).toBe("ybj");
    expect(leadUnitDepartment("市资源规划局海沧分局")).toBe("zrzyj");
    expect(leadUnitDepartment("海沧生态环境局")).toBe("sthjj");
    expect(leadUnitDepartment("市商务局")).toBeUndefined();
  });

  it("when the district lead names a unit, then it decides over the city lead", () => {
    expect(derivedDepartmentCode({ cityLead: "市住房局", districtLead: "市住房公积金中心海沧工作部" })).toBe("gjj");
    expect(derivedDepartmentCode({ cityLead: "市商务局、市公安局", districtLead: "公安局海沧分局" })).toBe("gaj");
    expect(derivedDepartmentCode({ cityLead: "市公安局", districtLead: "某办公室" })).toBe("gaj");
  });
});

describe("cities and departments", () => {
  it("when the pilot cities are listed, then they are xiamen, quanzhou and zhangzhou", () => {
    expect(cities().map((c) => c.nodeId)).toEqual(["xiamen", "quanzhou", "zhangzhou"]);
  });

  it("when each city's departments are listed, then all have the same codes and city-qualified names", () => {
    const codes = departments("xiamen").map((d) => d.code);
    expect(codes).toHaveLength(13);
    for (const city of cities()) {
      const list = departments(city.nodeId);
      expect(list.map((d) => d.code)).toEqual(codes);
      expect(list.every((d) => d.name.startsWith(city.name) && d.nameEn.startsWith(`${city.nameEn} Municipal `))).toBe(true);
    }
    expect(departments("fuzhou")).toEqual([]);
  });

  it("when an item maps to an unknown department, then loading fails", () => {
    const raw = structuredClone(data) as { items: Record<string, string> };
    raw.items["TB-2020-001"] = "xxj";
    expect(() => loadDepartments(raw, cities())).toThrow(CatalogDataError);
  });
});
