import { z } from "zod";

/** One configuration key: its environment variable, documentation and schema (with default). */
export interface ConfigKey<T extends z.ZodType = z.ZodType> {
  env: string;
  doc: string;
  schema: T;
}

export type ConfigSpec = Record<string, ConfigKey>;
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: z.output<S[K]["schema"]> };

/** Raised once at start-up with every invalid key, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads and validates configuration from environment variables, applying each key's default.
 * `overrides` (used by tests and by in-process composition) win over the environment.
 */
export function loadConfig<S extends ConfigSpec>(
  spec: S,
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<ConfigOf<S>> = {},
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, def] of Object.entries(spec)) {
    if (key in overrides) {
      out[key] = (overrides as Record<string, unknown>)[key];
      continue;
    }
    const raw = env[def.env];
    const parsed = def.schema.safeParse(raw === "" ? undefined : raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${def.env}: ${parsed.error.issues.map((i) => i.message).join("; ")} (${def.doc})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** Renders the spec as a Markdown table (env, default, doc) for the README. */
export function describeConfig(spec: ConfigSpec): string {
  const rows = Object.values(spec).map((k) => {
    const d = k.schema.safeParse(undefined);
    const dflt = !d.success ? "(required)" : d.data === undefined ? "(unset)" : `\`${String(d.data)}\``;
    return `| \`${k.env}\` | ${dflt} | ${k.doc} |`;
  });
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}
