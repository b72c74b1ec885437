import type { Db } from "mongodb";
import { type RebuildOutcome, rebuildReadModel } from "@tongban/exchange";
import { NodeLease } from "@tongban/store";
import type { CliContext } from "./cliContext";
import { Progress } from "./progress";

/** A node's own database, opened for one command and closed after it. */
export interface NodeStoreHandle {
  db: Db;
  ferretDb: boolean;
  close(): Promise<void>;
}

/** Opens `node`'s own database. */
export type OpenNodeStore = (node: string) => Promise<NodeStoreHandle>;

/**
 * `tongban rebuild <node>`: drops the node's read model and rebuilds it from its case log, with
 * progress. Takes the city's writer lease first, so it refuses while the node runs (stop it, run
 * this, start it again) and the node cannot start while it runs.
 */
export async function rebuildNode(ctx: CliContext, node: string, lease: { ttlMs: number; renewMs: number }): Promise<RebuildOutcome> {
  if (!ctx.openNodeStore) throw new Error("未配置节点数据库 / no node database configured (MONGODB_URI, TONGBAN_NODE_DB)");
  const store = await ctx.openNodeStore(node);
  const { out } = ctx;
  try {
    out.write(`取得 ${node} 的写入租约 / taking ${node}'s writer lease (the node must be stopped) …\n`);
    let lost: string | undefined;
    const held = await NodeLease.acquire(store.db, { node, ...lease, onLost: (reason) => (lost = reason) });
    try {
      const bars = { read: undefined as Progress | undefined, write: undefined as Progress | undefined };
      const outcome = await rebuildReadModel(store.db, {
        ferretDb: store.ferretDb,
        onProgress: (p) => {
          if (lost) throw new Error(`写入租约已失去 / writer lease lost: ${lost}`);
          const label = p.phase === "read" ? "读取案件日志 / reading the case log" : "写入读模型 / writing the read model";
          const bar = (bars[p.phase] ??= new Progress(out, label, p.total));
          bar.tick(p.done - bar.count);
          if (p.done === p.total) bar.finish();
        },
      });
      out.write(`已重建 / rebuilt: ${outcome.cases} 件 cases from ${outcome.rows} 行 rows\n`);
      if (outcome.broken.length > 0) out.write(`未能重建（日志不完整）/ left out (incomplete log): ${outcome.broken.join(", ")}\n`);
      return outcome;
    } finally {
      await held.release();
    }
  } finally {
    await store.close();
  }
}
