/** The one source of "now", so tests and the reminder run can choose the instant. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
