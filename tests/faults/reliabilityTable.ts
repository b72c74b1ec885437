/**
 * Renders the README's reliability table from the fault suite's own output (results/faults.json):
 * `npm run faults:table` prints it, `npm run faults:table -- --write` puts it into README.md
 * between the faults-table markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../deploy/local/paths";
import { type Verdict, resultsFile } from "./support/scenario";

const ORDER = [
  "broker-kill",
  "cluster-broker-kill",
  "cluster-rolling-restart",
  "store-kill",
  "window-node-kill",
  "home-node-kill",
  "city-offline-2min",
  "kafka-latency",
  "kafka-bandwidth",
  "kafka-resets",
  "certs-hang",
  "clock-skew-plus-5min",
  "clock-skew-minus-5min",
];
const START = "<!-- faults-table:start -->";
const END = "<!-- faults-table:end -->";

const results = JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, Verdict>;
const ids = [...ORDER.filter((id) => results[id]), ...Object.keys(results).filter((id) => !ORDER.includes(id))];
const seconds = (s: number) => (s < 0 ? "not drained" : `${s.toFixed(1)} s`);
const share = (r: number | undefined) => (r === undefined ? "—" : `${Math.round(r * 100)} %`);
const rows = ids.map((id) => {
  const v = results[id]!;
  return `| ${v.fault} | ${v.acknowledged} | ${v.delivered} | ${v.lost} | ${v.duplicated} | ${v.orderViolations} | ${v.deadLetters} | ${v.peakInFlight} | ${v.faultSeconds.toFixed(1)} s | ${share(v.throughputRatio)} | ${seconds(v.recoverySeconds)} | ${seconds(v.backlogDrainedSeconds)} |`;
});
const table = [
  "| fault | acknowledged | in home queue | lost | duplicated | order violations | dead letters | peak in flight | fault lasted | delivery rate during the fault | recovery | backlog drained |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");

if (process.argv.includes("--write")) {
  const readme = join(repoRoot, "README.md");
  const text = readFileSync(readme, "utf8");
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${START} … ${END} block`);
  writeFileSync(readme, `${text.slice(0, from + START.length)}\n${table}\n${text.slice(to)}`);
  console.log(`README.md reliability table updated from ${resultsFile} (${rows.length} faults)`);
} else {
  console.log(table);
}
