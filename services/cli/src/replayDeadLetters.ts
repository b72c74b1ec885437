import type { OutRecord } from "@tongban/bus";
import { topics } from "@tongban/contracts";
import { OUTBOX_QUARANTINED } from "@tongban/store";
import type { CliContext } from "./cliContext";
import { type DeadLetter, replayRecordOf } from "./deadLetter";
import { Progress } from "./progress";
import { readDeadLetters } from "./readDeadLetters";

export interface ReplaySelection {
  /** Every dead letter now on the topic… */
  all?: boolean;
  /** …or the one at this offset (of `partition`, default 0). */
  offset?: string;
  partition?: number;
  /** Only dead letters with this x-dlq-code. */
  code?: string;
}

export interface ReplayResult {
  replayed: number;
  /** Dead letters selected but not replayable (no or foreign source topic). */
  skipped: DeadLetter[];
}

const CHUNK = 50;

function selected(d: DeadLetter, s: ReplaySelection): boolean {
  if (s.code && d.code !== s.code) return false;
  if (s.all) return true;
  return d.record.partition === (s.partition ?? 0) && d.record.offset === s.offset;
}

/**
 * `tongban dlq replay [--node N] (--all | --offset O)`: publishes the selected dead letters again,
 * with their original key, value and headers, to the inbound topic they came from, showing
 * progress. Safe to repeat: the node dedupes on event id, and what still cannot be processed goes
 * back to the dead-letter topic.
 */
export async function replayDeadLetters(ctx: CliContext, nodes: readonly string[], selection: ReplaySelection): Promise<ReplayResult> {
  if (!selection.all && selection.offset === undefined) throw new Error("请指定 --all 或 --offset / give --all or --offset");
  const { out } = ctx;
  const letters = (await readDeadLetters(ctx, nodes)).filter((d) => selected(d, selection));
  const plan: OutRecord[] = [];
  const skipped: DeadLetter[] = [];
  for (const d of letters) {
    // A quarantine notice has no payload to replay: its entry is resent from the node's quarantine.
    const r = d.code === OUTBOX_QUARANTINED ? undefined : replayRecordOf(d, topics.inbound(ctx.topicPrefix, d.node));
    if (r) plan.push(r);
    else skipped.push(d);
  }
  if (letters.length === 0) {
    out.write("没有符合条件的死信 / no dead letters match\n");
    return { replayed: 0, skipped };
  }
  const progress = new Progress(out, "重放 replaying", plan.length);
  let replayed = 0;
  for (let i = 0; i < plan.length; i += CHUNK) {
    const chunk = plan.slice(i, i + CHUNK);
    await ctx.bus.publish(chunk);
    replayed += chunk.length;
    progress.tick(chunk.length);
  }
  progress.finish();
  for (const d of skipped) {
    const quarantined = d.record.headers["x-quarantine-event"];
    if (d.code === OUTBOX_QUARANTINED && quarantined) {
      out.write(
        `跳过 skipped ${d.node} ${d.record.partition}/${d.record.offset}: 外发隔离通知没有可重放的内容，修复后请用 / an outbox quarantine notice has no payload; after the fix run: npm run tongban -- quarantine resend ${d.node} ${quarantined}\n`,
      );
      continue;
    }
    out.write(
      `跳过 skipped ${d.node} ${d.record.partition}/${d.record.offset}: 来源主题不是本节点入站主题 / source topic ${d.sourceTopic ?? "(none)"} is not the node's inbound topic\n`,
    );
  }
  out.write(
    `已重放 ${replayed} 条 / replayed ${replayed}` + (skipped.length ? `，跳过 ${skipped.length} / skipped ${skipped.length}` : "") + "\n",
  );
  return { replayed, skipped };
}
