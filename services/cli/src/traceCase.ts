import { readTopic } from "@tongban/bus";
import { TrackingEvent, topics } from "@tongban/contracts";
import { type CaseStatus, stateLabels } from "@tongban/lifecycle";
import { type CliContext, throwawayGroup } from "./cliContext";
import { formatTime } from "./formatTime";
import { table } from "./table";

const dueStageLabels: Record<string, string> = {
  correction: "补正告知 correction",
  decision: "审批决定 decision",
  delivery: "送达 delivery",
};

const stateText = (s: string) => {
  const label = stateLabels[s as CaseStatus];
  return label ? `${s} ${label.zh}` : s;
};

/** Step order, then the order the nodes recorded it in (the deciding node first, then the other city). */
const byTimeline = (a: TrackingEvent, b: TrackingEvent) => a.seq - b.seq || (a.recordedAt?.getTime() ?? 0) - (b.recordedAt?.getTime() ?? 0);

/**
 * `tongban trace <caseId>`: the case's cross-city timeline from the tracking topic (metadata only):
 * each step as recorded by each node, with when it happened, when that node recorded it, the
 * state after it and the due date then running. Returns the steps found (none: unknown case).
 */
export async function traceCase(ctx: CliContext, caseId: string): Promise<TrackingEvent[]> {
  const steps: TrackingEvent[] = [];
  let undecodable = 0;
  await readTopic(ctx.bus, topics.tracking(ctx.topicPrefix), {
    groupId: throwawayGroup(ctx.topicPrefix, "trace"),
    handle: (r) => {
      if (r.key !== caseId || !r.value) return;
      try {
        const t = TrackingEvent.decode(r.value);
        if (t.caseId === caseId) steps.push(t);
      } catch {
        undecodable += 1;
      }
    },
  });
  const { out } = ctx;
  if (steps.length === 0) {
    out.write(`未找到办件轨迹 / no tracking records for case ${caseId}\n`);
    return steps;
  }
  steps.sort(byTimeline);
  const first = steps[0]!;
  const last = steps[steps.length - 1]!;
  out.write(`办件轨迹 / Case trace: ${caseId}\n`);
  out.write(
    `事项 item ${first.itemCode} · 收件地 receiving ${first.receivingNode} → 业务属地 home ${first.homeNode} · 部门 department ${first.homeDepartment}\n`,
  );
  out.write(`当前状态 / current state: ${stateText(last.state)}`);
  if (last.dueAt) out.write(` · 期限 due ${formatTime(last.dueAt)} (${dueStageLabels[last.dueStage] ?? last.dueStage})`);
  out.write("\n\n");
  out.write(
    table(
      ["序号 seq", "发生时间 occurred (UTC+8)", "记录节点 node", "记录时间 recorded", "步骤 step", "状态 state", "期限 due"],
      steps.map((t) => [
        String(t.seq),
        formatTime(t.occurredAt),
        t.reportedBy,
        formatTime(t.recordedAt),
        t.step,
        stateText(t.state),
        t.dueAt ? `${formatTime(t.dueAt)} ${t.dueStage}` : "—",
      ]),
    ),
  );
  if (undecodable > 0) out.write(`另有 ${undecodable} 条无法解码 / ${undecodable} undecodable records skipped\n`);
  return steps;
}
