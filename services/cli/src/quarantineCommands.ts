import type { Command } from "commander";
import type { OutboxQuarantine, QuarantinedEntry } from "@tongban/store";
import type { CliContext } from "./cliContext";
import { formatTime } from "./formatTime";
import { table } from "./table";

/** A node's outbox quarantine, opened for one command and closed after it. */
export interface QuarantineHandle {
  quarantine: OutboxQuarantine;
  close(): Promise<void>;
}

/** Opens the outbox quarantine in `node`'s own database. */
export type OpenQuarantine = (node: string) => Promise<QuarantineHandle>;

async function withQuarantine<T>(ctx: CliContext, node: string, fn: (q: OutboxQuarantine) => Promise<T>): Promise<T> {
  if (!ctx.openQuarantine) throw new Error("未配置节点数据库 / no node database configured (MONGODB_URI, TONGBAN_NODE_DB)");
  const h = await ctx.openQuarantine(node);
  try {
    return await fn(h.quarantine);
  } finally {
    await h.close();
  }
}

/** `tongban quarantine list <node>`: outbox entries the node could not publish, with reason and state (never their content). */
export async function listQuarantine(ctx: CliContext, node: string): Promise<QuarantinedEntry[]> {
  const entries = await withQuarantine(ctx, node, (q) => q.list());
  const { out } = ctx;
  out.write(`外发隔离 / Outbox quarantine: ${node}\n`);
  if (entries.length === 0) {
    out.write("没有隔离条目 / nothing quarantined\n");
    return entries;
  }
  out.write(
    table(
      ["事件 event", "办件 case", "类型 type", "主题 topic", "大小 bytes", "状态 state", "最近失败 last failure (UTC+8)", "原因 reason"],
      entries.map((e) => [
        e._id,
        e.docId,
        e.entry.headers["event-type"] ?? "—",
        e.topic,
        String(e.size),
        e.state === "resent" ? `已重发 resent ${e.resentAt ? formatTime(e.resentAt) : ""}`.trim() : "隔离 quarantined",
        formatTime(e.lastFailedAt),
        e.behind ? `${e.reason} (${e.behind})` : `${e.reason}: ${e.detail}`,
      ]),
    ),
  );
  const open = entries.filter((e) => e.state === "quarantined").length;
  out.write(`共 ${entries.length} 条，待处理 ${open} 条 / ${entries.length} in total, ${open} still quarantined\n`);
  return entries;
}

/**
 * `tongban quarantine resend <node> <eventId>`: asks the node's relay to publish the entry again
 * (after the cause was fixed), with the entries of the same case waiting behind it. Returns false
 * when there is nothing to resend.
 */
export async function resendQuarantined(ctx: CliContext, node: string, eventId: string, requestedBy = "cli"): Promise<boolean> {
  const r = await withQuarantine(ctx, node, (q) => q.requestResend(eventId, requestedBy));
  const { out } = ctx;
  switch (r.outcome) {
    case "unknown":
      out.write(`没有该隔离条目 / no quarantined entry ${eventId} at ${node}\n`);
      return false;
    case "already_resent":
      out.write(`该条目已重发 / entry ${eventId} was already resent\n`);
      return false;
    case "requested":
      out.write(
        r.entry._id === eventId
          ? `已请求重发 / resend requested: ${eventId} (case ${r.entry.docId})\n`
          : `该条目排在 ${r.entry._id} 之后，已请求重发该条及其后各条 / ${eventId} waits behind ${r.entry._id}: resend requested for it and those behind it\n`,
      );
      return true;
    default: {
      const never: never = r;
      throw new Error(`unexpected outcome ${JSON.stringify(never)}`);
    }
  }
}

/** Registers `quarantine list` and `quarantine resend` on the CLI program. */
export function registerQuarantineCommands(
  program: Command,
  ctx: CliContext,
  nodeOf: (node: string) => string,
  setExitCode: (code: number) => void,
): void {
  const q = program.command("quarantine").description("外发隔离 / outbox entries a node could not publish");
  q.command("list")
    .description("列出隔离条目 / list quarantined outbox entries with their reason")
    .argument("<node>", "节点 / node")
    .action(async (node: string) => {
      await listQuarantine(ctx, nodeOf(node));
    });
  q.command("resend")
    .description("修复后重发 / publish a quarantined entry again after fixing its cause")
    .argument("<node>", "节点 / node")
    .argument("<eventId>", "事件编号 / event id")
    .action(async (node: string, eventId: string) => {
      if (!(await resendQuarantined(ctx, nodeOf(node), eventId))) setExitCode(1);
    });
}
