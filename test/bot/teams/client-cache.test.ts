import { describe, expect, it } from 'vitest';
import { ClientCache } from '../../../bot/teams/client-cache.js';

describe('the connector clients kept between turns', () => {
  it('makes one client per key and hands it out again', async () => {
    const cache = new ClientCache<{ n: number }>();
    let made = 0;
    const make = async () => ({ n: ++made });
    const first = await cache.get('a', make);
    expect(await cache.get('a', make)).toBe(first);
    expect(await cache.get('b', make)).not.toBe(first);
    expect(made).toBe(2);
  });

  it('forgets a client it could not make, so the next turn tries again', async () => {
    const cache = new ClientCache<string>();
    await expect(cache.get('a', () => Promise.reject(new Error('no credentials')))).rejects.toThrow('no credentials');
    expect(await cache.get('a', async () => 'made')).toBe('made');
  });

  it('starts over past 64 keys instead of growing', async () => {
    const cache = new ClientCache<number>();
    for (let i = 0; i < 64; i++) await cache.get(`url-${i}`, async () => i);
    await cache.get('url-64', async () => 64);
    expect(await cache.get('url-0', async () => -1)).toBe(-1);
  });
});
