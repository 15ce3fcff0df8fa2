/**
 * Every test worker runs with the machine's date moved `TEST_CLOCK_SHIFT_DAYS` ahead (default
 * 400 days), while the tests pin the bot's own clock where dates matter. Product code that reads
 * `new Date()` or `Date.now()` instead of the injected clock then disagrees with the pinned clock
 * on every run, not only on the day the calendar happens to move past a fixture.
 */
import { vi } from 'vitest';

const days = Number(process.env.TEST_CLOCK_SHIFT_DAYS ?? 400);
/** The real wall clock, which the shift leaves alone (performance's origin is not faked). */
export const realNow = () => performance.timeOrigin + performance.now();

if (days !== 0) {
  vi.useFakeTimers({ toFake: ['Date'], now: realNow() + days * 86_400_000, shouldAdvanceTime: true });
}
