/**
 * Preload (`node --import`) that shifts this process's wall clock by TONGBAN_FAULT_CLOCK_SKEW_MS:
 * `Date.now()` and `new Date()` run ahead (or behind) by a constant, as on a server whose clock
 * is off. Timers and monotonic clocks are untouched, as they would be.
 */
const skew = Number(process.env.TONGBAN_FAULT_CLOCK_SKEW_MS ?? 0);
const RealDate = Date;

class SkewedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + skew);
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return RealDate.now() + skew;
  }
}

if (skew !== 0) globalThis.Date = SkewedDate as DateConstructor;
