import { existsSync } from "node:fs";
import { departments } from "@tongban/catalog";
import { devPkiCities } from "@tongban/demo";
import { MAX_TOKEN_LIFETIME_S, defaultPkiDir, ensureDevPki, idpFiles, signDevToken } from "@tongban/identity";
import type { CliContext } from "./cliContext";

/** What `tongban token` is asked for, already checked against the network and the catalog. */
export interface TokenOrder {
  city: string;
  /** Department code of a clerk; absent for an operator. */
  department?: string;
  person: string;
  ttlSeconds: number;
  operator: boolean;
}

/** Department codes of a city in the catalog's directory. */
export const departmentCodes = (city: string): string[] => departments(city).map((d) => d.code);

/** A lifetime like 8h, 30m, 90s or 3600, in seconds; undefined when not one or out of 60 s … 12 h. */
export function parseTtl(text: string): number | undefined {
  const m = /^(\d{1,6})([smh]?)$/.exec(text);
  if (!m) return undefined;
  const s = Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
  return s >= 60 && s <= MAX_TOKEN_LIFETIME_S ? s : undefined;
}

/**
 * `tongban token`: a token signed by the city's development identity provider (creating the
 * development PKI when missing), printed alone on a line so that it can be captured by a shell.
 */
export async function issueToken(ctx: CliContext, order: TokenOrder): Promise<string> {
  const dir = ctx.pkiDir ?? defaultPkiDir;
  if (!existsSync(idpFiles(dir, order.city).key)) await ensureDevPki(devPkiCities(ctx.network.nodes), dir);
  const token = await signDevToken(dir, {
    city: order.city,
    id: order.person,
    roles: [order.operator ? "operator" : "clerk"],
    ttlSeconds: order.ttlSeconds,
    ...(order.department ? { department: order.department } : {}),
  });
  ctx.out.write(`${token}\n`);
  return token;
}
