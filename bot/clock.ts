/** The one source of time: the service, the views, the dispatcher and the caches all read it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
