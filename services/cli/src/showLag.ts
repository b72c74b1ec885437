import { groups, topics } from "@tongban/contracts";
import type { CliContext } from "./cliContext";
import { table } from "./table";

export interface NodeLag {
  node: string;
  group: string;
  topic: string;
  lag: number | undefined;
  deadLetters: number | undefined;
  error?: string;
}

/**
 * `tongban lag`: per node, the records on its inbound topic its consumer group has not committed,
 * and how many records its dead-letter topic holds.
 */
export async function showLag(ctx: CliContext, nodes: readonly string[]): Promise<NodeLag[]> {
  // A group that never commits: its "lag" on a topic is the number of records the topic holds.
  const neverCommits = `${groups.cli(ctx.topicPrefix)}never-commits`;
  const rows = await Promise.all(
    nodes.map(async (node): Promise<NodeLag> => {
      const group = groups.inbound(ctx.topicPrefix, node);
      const topic = topics.inbound(ctx.topicPrefix, node);
      try {
        const [lag, deadLetters] = await Promise.all([
          ctx.bus.lag(group, topic),
          ctx.bus.lag(neverCommits, topics.deadLetter(ctx.topicPrefix, node)),
        ]);
        return { node, group, topic, lag, deadLetters };
      } catch (err) {
        return { node, group, topic, lag: undefined, deadLetters: undefined, error: (err as Error).message };
      }
    }),
  );
  ctx.out.write("消费积压 / Consumer lag\n");
  ctx.out.write(
    table(
      ["节点 node", "消费组 group", "主题 topic", "积压 lag", "死信 dead letters"],
      rows.map((r) => [
        r.node,
        r.group,
        r.topic,
        r.lag === undefined ? `错误 error: ${r.error}` : String(r.lag),
        r.deadLetters === undefined ? "—" : String(r.deadLetters),
      ]),
    ),
  );
  return rows;
}
