/**
 * Auto-extend at Microsoft, with the real Graph client against the local stand-in: the PATCH and
 * its If-Match as Graph documents them (400 without it, 412 when stale), Microsoft's own refusals
 * (Global Administrator, a relationship that is not active), and `turnOnAutoExtend`'s one retry
 * on a fresh read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../bot/microsoft/graph-client.js';
import { GraphError, type GraphClient } from '../../../bot/microsoft/graph.js';
import { turnOnAutoExtend } from '../../../bot/microsoft/auto-extend.js';
import { DEFAULT_GDAP_ROLES, GLOBAL_ADMINISTRATOR } from '../../../bot/microsoft/roles.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';

let fake: FakeMicrosoft;
let sleeps: number[];
let graph: GraphClient;

beforeEach(async () => {
  sleeps = [];
  fake = await startFakeMicrosoft({ now: () => new Date('2031-03-01T09:00:00.000Z') });
  graph = createGraphClient({
    tenantId: fake.tenantId,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    graphUrl: fake.graphUrl,
    loginUrl: fake.loginUrl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
});
afterEach(async () => {
  await fake?.close();
});

const active = (roleDefinitionIds: string[] = DEFAULT_GDAP_ROLES) =>
  fake.addActiveRelationship({
    displayName: `Relationship ${fake.relationships().length + 1}`,
    customer: { tenantId: '7c0ffee0-1234-4abc-9def-000000000001', displayName: 'Fabrikam Srl' },
    roleDefinitionIds,
  });
const patches = () => fake.requests().filter((r) => r.method === 'PATCH');

async function rejection(promise: Promise<unknown>): Promise<GraphError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

describe('PATCH autoExtendDuration', () => {
  it('turns it on with If-Match and answers the relationship with a new etag', async () => {
    const rel = active();
    const read = (await graph.getRelationship(rel.id))!;
    const after = await graph.setAutoExtend(read, 'P180D');
    expect(after).toMatchObject({ id: rel.id, autoExtendDuration: 'P180D', status: 'active' });
    expect(after.etag).not.toBe(read.etag);
    expect(patches().map((p) => [p.ifMatch, p.body, p.status])).toEqual([[read.etag, { autoExtendDuration: 'P180D' }, 200]]);
  });

  it('is refused without If-Match (400) and with a stale one (412), without retrying either', async () => {
    const rel = active();
    expect((await rejection(graph.setAutoExtend({ id: rel.id, etag: '' }, 'P180D'))).status).toBe(400);
    const stale = await rejection(graph.setAutoExtend({ id: rel.id, etag: 'W/"stale"' }, 'P180D'));
    expect([stale.status, stale.code]).toEqual([412, 'PreconditionFailed']);
    expect(patches()).toHaveLength(2);
    expect(sleeps).toEqual([]);
    expect(fake.relationships()[0]!.autoExtendDuration).toBe('PT0S');
  });

  it('is refused by Microsoft with Global Administrator among the roles', async () => {
    const rel = active([GLOBAL_ADMINISTRATOR, DEFAULT_GDAP_ROLES[0]!]);
    const err = await rejection(graph.setAutoExtend(rel, 'P180D'));
    expect(err.status).toBe(400);
    expect(err.message).toContain('Global Administrator');
  });

  it('repeats a PATCH that a 502 left unknown: it carries If-Match, so it cannot apply twice', async () => {
    const rel = active();
    fake.failNext((r) => r.method === 'PATCH', { status: 502 });
    await graph.setAutoExtend(rel, 'P180D');
    expect(patches().map((p) => p.status)).toEqual([502, 200]);
    expect(sleeps).toHaveLength(1);
  });
});

describe('turnOnAutoExtend', () => {
  it('reads the etag first; changed meanwhile, it reads again and tries once more', async () => {
    const rel = active();
    fake.changeBeforeNextPatch(rel.id, 1);
    const outcome = await turnOnAutoExtend(graph, rel.id);
    expect(outcome).toMatchObject({ outcome: 'extended', relationship: { autoExtendDuration: 'P180D', status: 'active' } });
    const graphCalls = fake.requests().filter((r) => r.path.startsWith('/v1.0/'));
    expect(graphCalls.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PATCH 412', 'GET 200', 'PATCH 200']);
  });

  it('gives up after a second 412 and changes nothing', async () => {
    const rel = active();
    fake.changeBeforeNextPatch(rel.id, 2);
    expect(await turnOnAutoExtend(graph, rel.id)).toEqual({ outcome: 'changedMeanwhile' });
    expect(patches().map((p) => p.status)).toEqual([412, 412]);
    expect(fake.relationships()[0]!.autoExtendDuration).toBe('PT0S');
  });

  it('sends no PATCH when the fresh read says no: Global Administrator, already on, not active, gone', async () => {
    const ga = active([GLOBAL_ADMINISTRATOR]);
    expect((await turnOnAutoExtend(graph, ga.id)).outcome).toBe('globalAdministrator');
    const on = active();
    await graph.setAutoExtend(on, 'P180D');
    expect((await turnOnAutoExtend(graph, on.id)).outcome).toBe('alreadyOn');
    const ended = active();
    fake.expire(ended.id);
    expect((await turnOnAutoExtend(graph, ended.id)).outcome).toBe('notActive');
    expect(await turnOnAutoExtend(graph, `${ended.id}0`)).toEqual({ outcome: 'gone' });
    expect(patches()).toHaveLength(1);
  });
});
