/**
 * kafkajs 2.2.4 (the last release) schedules some timers with a negative delay, which Node ≥ 23
 * reports as a TimeoutNegativeWarning on every client start. The timers behave as before (they
 * fire after 1 ms), so that one warning is dropped; every other warning is still emitted.
 */
const original = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name = typeof warning === "string" ? (typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string })?.type) : warning.name;
  if (name === "TimeoutNegativeWarning") return;
  (original as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
