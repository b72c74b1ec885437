/** Source of the current time, injectable for tests. */
export interface Clock {
  now(): Date;
}

/** The real system clock. */
export const systemClock: Clock = {
  now: () => new Date(),
};
