const shanghai = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** Beijing time (UTC+8), the pilot cities' clock: `2026-11-26 17:20:54`; "—" when absent. */
export function formatTime(d: Date | string | undefined): string {
  if (d === undefined || d === "") return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? String(d) : shanghai.format(date);
}
