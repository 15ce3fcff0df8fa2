/**
 * An export's one-time link on two replicas (each its own process) on one PostgreSQL database:
 * made on A, clicked at once on A and B, several times each: one click gets the file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startConnector } from '../fakes/connector.js';
import { killAll } from '../fakes/processes.js';
import { testDatabase } from '../pg.js';
import { alice, lastReplyTo, personal, startReplica } from './replicas.js';
import { clickDownload } from '../helpers.js';

let connector: Awaited<ReturnType<typeof startConnector>>;
beforeAll(async () => {
  connector = await startConnector();
});
afterAll(async () => {
  await connector.close();
});
afterEach(() => {
  killAll();
});

describe('an export link on two replicas', () => {
  it('made on A, clicked four times at once on A and four on B: one download, seven 404s', { timeout: 90_000 }, async () => {
    const db = await testDatabase();
    const [a, b] = await Promise.all([startReplica(db, connector.url), startReplica(db, connector.url)]);
    expect((await a.teams.say(alice, personal, 'export customers')).status).toBe(200);
    const card = JSON.stringify(lastReplyTo(connector.calls, personal)?.body);
    const path = new URL(/"url":"(https?:\/\/[^"]+\/downloads\/[A-Za-z0-9_-]+)"/.exec(card)![1]!).pathname;

    const clicks = [a, b, a, b, a, b, a, b].map((replica) =>
      clickDownload(`${replica.url}${path}`).then(async (res) => ({
        status: res.status,
        body: Buffer.from(await res.arrayBuffer()).toString('utf8'),
      })),
    );
    const results = await Promise.all(clicks);
    expect(results.map((r) => r.status).sort()).toEqual([200, 404, 404, 404, 404, 404, 404, 404]);
    expect(results.find((r) => r.status === 200)!.body).toMatch(/^\uFEFFCompany,Domain,/);
  });
});
