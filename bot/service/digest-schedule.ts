/**
 * When the digest is due: DIGEST_SCHEDULE (`monday 08:00`, `daily 08:00`) in DIGEST_TIMEZONE. Each
 * due moment starts a period; a period's digest is sent once. Worked out with Intl in the zone
 * itself, so 08:00 stays 08:00 across daylight saving time.
 */

export interface DigestSchedule {
  /** Days of the week it is due, 0 = Sunday … 6 = Saturday (all seven for `daily`). */
  days: readonly number[];
  hour: number;
  minute: number;
  /** An IANA time zone, e.g. Europe/Rome. */
  timeZone: string;
  /** As configured, for the README's words and the card ("every Monday at 08:00"). */
  text: string;
}

export const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export const DEFAULT_DIGEST_SCHEDULE = 'monday 08:00';
export const DEFAULT_DIGEST_TIMEZONE = 'Europe/Rome';

/** `<day> HH:MM` or `daily HH:MM` (24-hour clock), or null when it is neither. */
export function parseDigestSchedule(text: string, timeZone: string): DigestSchedule | null {
  const match = /^(daily|[a-z]+)\s+([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim().toLowerCase());
  if (!match) return null;
  const day = match[1]!;
  const days = day === 'daily' ? [0, 1, 2, 3, 4, 5, 6] : [DAY_NAMES.indexOf(day as (typeof DAY_NAMES)[number])];
  if (days[0] === -1) return null;
  return { days, hour: Number(match[2]), minute: Number(match[3]), timeZone, text: `${day} ${match[2]!.padStart(2, '0')}:${match[3]}` };
}

/** Whether Intl knows the zone (an unknown one throws a RangeError). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time in `timeZone` at `instant`. */
function wallClock(instant: number, timeZone: string) {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time in the zone names. The offset is read twice: once near the guess,
 * once at the result, so a time just after a daylight-saving change gets the new offset.
 */
function instantOf(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const first = asUtc - offsetAt(asUtc, timeZone);
  return asUtc - offsetAt(first, timeZone);
}

/** The due moments from a week before `at` to a week after, in order. */
function dueMomentsAround(schedule: DigestSchedule, at: Date): number[] {
  const today = wallClock(at.getTime(), schedule.timeZone);
  const out: number[] = [];
  for (let offset = -8; offset <= 8; offset++) {
    // Date.UTC normalises the day past a month's end; its weekday is the wall-clock date's.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    if (!schedule.days.includes(date.getUTCDay())) continue;
    out.push(
      instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), schedule.hour, schedule.minute, schedule.timeZone),
    );
  }
  return out;
}

/** The start of the period `at` is in: the last due moment at or before it. */
export function periodStart(schedule: DigestSchedule, at: Date): Date {
  const past = dueMomentsAround(schedule, at).filter((t) => t <= at.getTime());
  return new Date(past.at(-1)!);
}

/** The next due moment after `at`. */
export function nextDue(schedule: DigestSchedule, at: Date): Date {
  return new Date(dueMomentsAround(schedule, at).find((t) => t > at.getTime())!);
}
