import { readTopic } from "@tongban/bus";
import { topics } from "@tongban/contracts";
import { type DeadLetter, deadLetterOf } from "./deadLetter";
import { type CliContext, throwawayGroup } from "./cliContext";

/** Every record now on the dead-letter topic of each node, in partition and offset order. */
export async function readDeadLetters(ctx: CliContext, nodes: readonly string[]): Promise<DeadLetter[]> {
  const all: DeadLetter[] = [];
  for (const node of nodes) {
    const found: DeadLetter[] = [];
    await readTopic(ctx.bus, topics.deadLetter(ctx.topicPrefix, node), {
      groupId: throwawayGroup(ctx.topicPrefix, "dlq"),
      handle: (r) => found.push(deadLetterOf(node, r)),
    });
    found.sort((a, b) => a.record.partition - b.record.partition || Number(BigInt(a.record.offset) - BigInt(b.record.offset)));
    all.push(...found);
  }
  return all;
}
