import { describe, expect, it } from 'vitest';
import { realNow } from './shifted-clock.js';

describe('the shifted machine clock under test', () => {
  it('runs every test with Date far from the real wall clock, so a stray new Date() shows', () => {
    const shiftDays = (Date.now() - realNow()) / 86_400_000;
    expect(shiftDays).toBeGreaterThan(399);
    expect(shiftDays).toBeLessThan(401);
  });
});
