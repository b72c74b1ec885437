import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Overview } from "../../apiTypes";
import { city } from "../format";
import { t } from "../i18n";

type Series = Overview["series"];

const COLORS = ["#1f6feb", "#d9822b", "#2da44e", "#8250df", "#cf222e", "#6e7781"];
const hhmm = uPlot.fmtDate("{HH}:{mm}");

/** One uPlot chart kept across refreshes; rebuilt only when its series (pairs, language) change. */
class Chart {
  private plot: uPlot | undefined;
  private shape = "";

  constructor(
    private readonly el: HTMLElement,
    private readonly title: () => string,
    private readonly unit: (v: number) => string,
  ) {}

  update(s: Series, values: (p: Series["pairs"][number]) => (number | null)[]): void {
    const pairs = s.pairs;
    const data: uPlot.AlignedData = [s.bucketStarts.map((ms) => ms / 1000), ...pairs.map(values)];
    const shape = `${this.title()}|${pairs.map((p) => `${city(p.from)}→${city(p.to)}`).join(",")}`;
    if (this.plot && shape === this.shape) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.shape = shape;
    this.plot = new uPlot(
      {
        title: this.title(),
        width: Math.max(320, this.el.clientWidth || 600),
        height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Asia/Shanghai"),
        scales: { x: { time: true } },
        axes: [
          // Shanghai wall-clock time, 24-hour, as the rest of the page.
          { values: (_u, ticks) => ticks.map((ts) => hhmm(uPlot.tzDate(new Date(ts * 1000), "Asia/Shanghai"))) },
          { values: (_u, ticks) => ticks.map((v) => this.unit(v)), size: 70 },
        ],
        series: [
          { label: t("time"), value: (_u, ts) => (ts === null ? "—" : hhmm(uPlot.tzDate(new Date(ts * 1000), "Asia/Shanghai"))) },
          ...pairs.map((p, i) => ({
            label: `${city(p.from)} → ${city(p.to)}`,
            stroke: COLORS[i % COLORS.length]!,
            width: 1.5,
            spanGaps: false,
          })),
        ],
      },
      data,
      this.el,
    );
  }
}

let throughput: Chart | undefined;
let latency: Chart | undefined;

/** Per city pair over the chosen window: cases delivered per bucket, and their median delivery latency. */
export function renderCharts(s: Series): void {
  const perMinute = 60_000 / s.bucketMs;
  throughput ??= new Chart(
    document.getElementById("chart-throughput")!,
    () => t("chartThroughput"),
    (v) => v.toFixed(1),
  );
  latency ??= new Chart(
    document.getElementById("chart-latency")!,
    () => t("chartLatency"),
    (v) => `${Math.round(v)} ms`,
  );
  throughput.update(s, (p) => p.delivered.map((n) => n * perMinute));
  latency.update(s, (p) => p.p50Ms);
}
