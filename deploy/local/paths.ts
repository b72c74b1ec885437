import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";

/** Repository root. */
export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Downloaded jars and built binaries; git-ignored, survives `infra stop`. */
export const cacheDir = process.env.TONGBAN_CACHE_DIR ?? join(repoRoot, ".cache");

/** Data, logs and pid files of locally started servers; git-ignored. */
export const stateDir = process.env.TONGBAN_STATE_DIR ?? join(repoRoot, ".run");

export const logsDir = join(stateDir, "logs");
