import type { CliContext } from "./cliContext";
import type { DeadLetter } from "./deadLetter";
import { formatTime } from "./formatTime";
import { readDeadLetters } from "./readDeadLetters";
import { table } from "./table";

/** `tongban dlq list [--node N]`: the dead letters of the nodes, with reason, code and source. */
export async function listDeadLetters(ctx: CliContext, nodes: readonly string[]): Promise<DeadLetter[]> {
  const letters = await readDeadLetters(ctx, nodes);
  const { out } = ctx;
  out.write(`死信 / Dead letters: ${nodes.join(", ")}\n`);
  if (letters.length === 0) {
    out.write("没有死信 / no dead letters\n");
    return letters;
  }
  out.write(
    table(
      ["节点 node", "位置 partition/offset", "时间 at (UTC+8)", "代码 code", "类型 type", "来源 source", "原因 reason"],
      letters.map((d) => [
        d.node,
        `${d.record.partition}/${d.record.offset}`,
        formatTime(d.at),
        d.code || "—",
        d.type || "—",
        d.sourceTopic ? `${d.sourceTopic}/${d.sourcePartition ?? "?"}/${d.sourceOffset ?? "?"}` : "—",
        d.reason || "—",
      ]),
    ),
  );
  out.write(`共 ${letters.length} 条 / ${letters.length} in total\n`);
  return letters;
}
