import type { Labels } from "../apiTypes";
import { TEXT, lang } from "./i18n";

let labels: Labels = { nodes: [], departments: [], states: {} as Labels["states"], steps: {} as Labels["steps"], legs: [] };

/** The names of cities, departments, states and steps, from GET /api/labels. */
export function setLabels(l: Labels): void {
  labels = l;
}

export const nodes = () => labels.nodes;

export function city(id: string): string {
  const n = labels.nodes.find((x) => x.id === id);
  return n ? n[lang()] : id;
}

export function dept(node: string, code: string): string {
  const d = labels.departments.find((x) => x.node === node && x.code === code);
  return d ? d[lang()] : code;
}

export const stateName = (s: string): string => (labels.states as Record<string, { zh: string; en: string }>)[s]?.[lang()] ?? s;

/** A step (case.submitted …) by its name (已收件 …); unknown steps as they came. */
export const stepName = (s: string): string => (labels.steps as Record<string, { zh: string; en: string }>)[s]?.[lang()] ?? s;

/** A leg of a joint application by the catalog's name for the item (迁出地办理 …), else by its role (转出地 / transfer-out). */
export function legName(itemCode: string, role: string): string {
  const l = labels.legs.find((x) => x.itemCode === itemCode && x.role === role);
  return l ? l[lang()] : ((TEXT[lang()].roleNames as Record<string, string>)[role] ?? role);
}

export const stageName = (s: string): string => (TEXT[lang()].stageNames as Record<string, string>)[s] ?? s;

export const apiName = (s: string): string => (TEXT[lang()].api as Record<string, string>)[s] ?? s;

/** An instant as Shanghai wall-clock time in the page's language; "—" when absent. */
export function when(iso: string | undefined | null): string {
  return iso ? new Date(iso).toLocaleString(lang() === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai", hour12: false }) : "—";
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}
