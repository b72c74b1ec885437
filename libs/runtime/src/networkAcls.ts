import type { AclEntry } from "@tongban/bus";
import { groups, topics } from "@tongban/contracts";

/** One ACL entry: `principal` may `operation` on the topic or consumer group `name` (or every name starting with it). */
export type AclSpec = AclEntry;

/** Kafka principal (SCRAM user) of each process of the network. */
export const kafkaPrincipals = {
  node: (city: string) => `node-${city}`,
  registry: (city: string) => `registry-${city}`,
  /** A city's window systems on the Kafka intake channel (they publish submissions and read results). */
  window: (city: string) => `window-${city}`,
  monitor: "monitor",
  /** An operator's command line (`npm run tongban`): dead letters, traces, replays, lag. */
  operator: "operator",
  /** The provisioner: creates topics and ACLs (the broker's only super user). */
  admin: "admin",
} as const;

/**
 * What each principal may do on the network's topics (least privilege; the broker refuses the
 * rest): a node writes the other nodes' inbound topics, its own dead-letter topic and tracking,
 * and reads only its own inbound topic (with its own consumer group) and the revocations; a
 * registry writes revocations and its audit anchors (and reads the anchors back to verify); the
 * monitor reads tracking and the dead-letter topics and writes replays only to inbound topics, and
 * so does an operator's command line, with consumer groups under its own prefix (groups.cli). On
 * the Kafka intake channel, only a city's window principal writes its city's intake topic and reads
 * its results (with consumer groups under groups.window), and only the city's node reads the one
 * and writes the other.
 */
export function networkAcls(prefix: string, nodeIds: readonly string[]): AclSpec[] {
  const allow = (
    principal: string,
    resource: AclSpec["resource"],
    name: string,
    operation: AclSpec["operation"],
    pattern: AclSpec["pattern"] = "literal",
  ) => ({
    principal: `User:${principal}`,
    resource,
    name,
    pattern,
    operation,
  });
  const out: AclSpec[] = [];
  const operations = [kafkaPrincipals.monitor, kafkaPrincipals.operator];
  for (const n of nodeIds) {
    const p = kafkaPrincipals.node(n);
    for (const m of nodeIds) if (m !== n) out.push(allow(p, "topic", topics.inbound(prefix, m), "write"));
    out.push(
      allow(p, "topic", topics.deadLetter(prefix, n), "write"),
      allow(p, "topic", topics.tracking(prefix), "write"),
      allow(p, "topic", topics.inbound(prefix, n), "read"),
      allow(p, "topic", topics.certsRevoked(prefix), "read"),
      allow(p, "group", groups.inbound(prefix, n), "read"),
      allow(p, "group", groups.revocations(prefix, n), "read"),
      allow(p, "topic", topics.intake(prefix, n), "read"),
      allow(p, "group", groups.intake(prefix, n), "read"),
      allow(p, "topic", topics.intakeResults(prefix, n), "write"),
    );
    const w = kafkaPrincipals.window(n);
    out.push(
      allow(w, "topic", topics.intake(prefix, n), "write"),
      allow(w, "topic", topics.intake(prefix, n), "describe"),
      allow(w, "topic", topics.intakeResults(prefix, n), "read"),
      allow(w, "topic", topics.intakeResults(prefix, n), "describe"),
      allow(w, "group", groups.window(prefix, n), "read", "prefixed"),
    );
    const r = kafkaPrincipals.registry(n);
    out.push(
      allow(r, "topic", topics.certsRevoked(prefix), "write"),
      allow(r, "topic", topics.certsAnchors(prefix), "write"),
      allow(r, "topic", topics.certsAnchors(prefix), "read"),
      allow(r, "group", readerGroups(topics.certsAnchors(prefix)), "read", "prefixed"),
    );
    for (const op of operations) {
      out.push(
        allow(op, "topic", topics.deadLetter(prefix, n), "read"),
        allow(op, "topic", topics.inbound(prefix, n), "write"),
        allow(op, "group", groups.inbound(prefix, n), "describe"),
      );
    }
  }
  const mon = kafkaPrincipals.monitor;
  out.push(
    allow(mon, "topic", topics.monitorDeadLetter(prefix), "write"),
    allow(mon, "group", groups.monitorTracking(prefix), "read"),
    allow(mon, "group", groups.monitorDeadLetters(prefix), "read"),
    // Replays read dead letters at given offsets with a throwaway group, then delete it.
    allow(mon, "group", "tongban-monitor.reader.", "read", "prefixed"),
    allow(mon, "group", "tongban-monitor.reader.", "delete", "prefixed"),
  );
  out.push(
    allow(mon, "topic", topics.tracking(prefix), "read"),
    allow(kafkaPrincipals.operator, "topic", topics.tracking(prefix), "read"),
    allow(kafkaPrincipals.operator, "group", groups.cli(prefix), "read", "prefixed"),
  );
  return out;
}

/** The prefix of readTopic's throwaway consumer groups on `topic`. */
const readerGroups = (topic: string) => `${topic}.reader.`;
