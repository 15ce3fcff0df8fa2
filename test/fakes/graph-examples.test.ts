/**
 * Microsoft Graph's documented examples against the bot's own Graph client and parsers, and
 * against the Graph stand-in: every field the bot reads must come out of the documented JSON as
 * the bot expects, and the stand-in must send those fields with the documented JSON types.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../bot/microsoft/graph-client.js';
import { toAccessAssignment, toRelationship, type AccessAssignmentJson, type RelationshipJson } from '../../bot/microsoft/graph-wire.js';
import { GraphError } from '../../bot/microsoft/graph.js';
import { turnOnAutoExtend } from '../../bot/microsoft/auto-extend.js';
import { startFakeMicrosoft, type FakeMicrosoft } from './microsoft.js';
import { expectSameShape, first, fixture, type Json } from './vendor-examples.js';

/** The Graph fields the bot reads (graph-wire.ts `toRelationship`, graph-client.ts). */
const RELATIONSHIP_READS = [
  '@odata.etag',
  'id',
  'displayName',
  'status',
  'duration',
  'customer.tenantId',
  'customer.displayName',
  'accessDetails.unifiedRoles.0.roleDefinitionId',
  'autoExtendDuration',
  'createdDateTime',
  'activatedDateTime',
  'endDateTime',
];
/** The access-assignment fields the bot reads (graph-wire.ts `toAccessAssignment`). */
const ASSIGNMENT_READS = ['id', 'status', 'accessContainer.accessContainerId', 'accessDetails.unifiedRoles.0.roleDefinitionId'];
const ERROR_READS = ['error.code', 'error.message', 'error.innerError.request-id', 'error.innerError.date'];

describe('Graph: the documented examples', () => {
  it('access assignments (create and list) read as the bot expects', () => {
    expect(toAccessAssignment(fixture('graph-access-assignment-create') as unknown as AccessAssignmentJson)).toEqual({
      id: 'a9d6cf90-083a-47dc-ace2-1da98be3f344',
      groupId: '869713c9-0b28-4d08-8949-ae07ae1bf528',
      roleDefinitionIds: [
        '29232cdf-9323-42fd-ade2-1d097af3e4de',
        'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
        '729827e3-9c14-49f7-bb1b-9608f156bbb8',
        '3a2c62db-5318-420d-8d74-23affee5d9d5',
      ],
      status: 'pending',
    });
    const listed = (fixture('graph-access-assignments-list').value as unknown as AccessAssignmentJson[]).map(toAccessAssignment);
    expect(listed.map((a) => [a.groupId, a.status])).toEqual([
      ['227a2f44-2682-4831-a021-f8d69a34bcba', 'active'],
      ['869713c9-0b28-4d08-8949-ae07ae1bf528', 'active'],
    ]);
  });

  it('a relationship (GET and create) reads as the bot expects', () => {
    const got = toRelationship(fixture('graph-delegated-admin-relationship-get') as unknown as RelationshipJson);
    expect(got).toEqual({
      id: '5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836',
      displayName: 'Contoso admin relationship',
      status: 'active',
      duration: 'P730D',
      customer: { tenantId: '4fdbff88-9d6b-42e0-9713-45c922ba8001', displayName: 'Contoso Inc' },
      roleDefinitionIds: [
        '729827e3-9c14-49f7-bb1b-9608f156bbb8',
        'fe930be7-5e62-47db-91af-98c3a49a38b1',
        'e6d1a23a-da11-4be4-9570-befc86d067a7',
      ],
      autoExtendDuration: 'PT0S',
      createdDateTime: '2022-02-10T11:24:42.3148266Z',
      activatedDateTime: '2022-02-10T11:26:44.9941884Z',
      endDateTime: '2024-02-10T11:24:42.3148266Z',
      etag: 'W/"JyIxODAwZTY4My0wMDAwLTAyMDAtMDAwMC02MTU0OWFmMDAwMDAiJw=="',
    });
    const created = toRelationship(fixture('graph-delegated-admin-relationship-create') as unknown as RelationshipJson);
    expect(created.status).toBe('created');
    // The create example's unset date is "": not a date.
    expect(created.activatedDateTime).toBeNull();
    expect(created.autoExtendDuration).toBe('P180D');
  });

  describe('through the Graph client', () => {
    let fake: FakeMicrosoft;
    /** Graph paths answered from the documented examples; login still goes to the stand-in. */
    const answers: Array<{ path: RegExp; status: number; fixture: string; method?: string }> = [
      { path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships\/missing$/, status: 404, fixture: 'graph-error' },
      {
        method: 'PATCH',
        path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships\/[^/]+$/,
        status: 200,
        fixture: 'graph-delegated-admin-relationship-update',
      },
      {
        path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships\/[^/]+$/,
        status: 200,
        fixture: 'graph-delegated-admin-relationship-get',
      },
      { path: /^\/v1\.0\/tenantRelationships\/delegatedAdminCustomers$/, status: 200, fixture: 'graph-delegated-admin-customers-list' },
      { path: /^\/v1\.0\/users\/[^/]+\/transitiveMemberOf$/, status: 200, fixture: 'graph-user-transitive-member-of' },
      { path: /^\/v1\.0\/users$/, status: 200, fixture: 'graph-users-list' },
      { path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships\/[^/]+\/requests$/, status: 400, fixture: 'graph-error' },
    ];
    const fromDocs: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const answer = answers.find((a) => a.path.test(url.pathname) && (!a.method || a.method === init?.method));
      if (!answer) return fetch(input, init);
      return new Response(JSON.stringify(fixture(answer.fixture)), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      });
    };
    const client = () =>
      createGraphClient({
        tenantId: fake.tenantId,
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        graphUrl: fake.graphUrl,
        loginUrl: fake.loginUrl,
        fetch: fromDocs,
        sleep: async () => {},
        maxRetries: 0,
      });

    beforeAll(async () => {
      fake = await startFakeMicrosoft();
    });
    afterAll(() => fake.close());

    it('reads the documented relationship, customers, memberships and users', async () => {
      const graph = client();
      expect((await graph.getRelationship('5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836'))?.status).toBe(
        'active',
      );
      expect(await graph.listCustomers()).toEqual([
        { tenantId: '4fdbff88-9d6b-42e0-9713-45c922ba8001', displayName: 'Contoso Inc' },
        { tenantId: '1c0fa218-5dec-49db-8247-cfa457af8116', displayName: 'Contoso subsidiary Inc' },
      ]);
      expect(await graph.membershipOf('6e7b768e-07e2-4810-8459-485f84f8f204')).toEqual({
        groups: ['All_Contoso_Licensing'],
        directoryRoleTemplateIds: [],
      });
      expect(await graph.findUserByEmail('Adams@contoso.com')).toEqual({ id: '6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0' });
    });

    it('turns auto-extend on against the documented update answer, which is shortened: nothing is read from it', async () => {
      expect(fixture('graph-delegated-admin-relationship-update')).not.toHaveProperty('autoExtendDuration');
      const outcome = await turnOnAutoExtend(client(), '5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836');
      expect(outcome).toEqual({
        outcome: 'extended',
        relationship: {
          status: 'active',
          autoExtendDuration: 'P180D',
          endDateTime: '2024-02-10T11:24:42.3148266Z',
          roleDefinitionIds: [
            '729827e3-9c14-49f7-bb1b-9608f156bbb8',
            'fe930be7-5e62-47db-91af-98c3a49a38b1',
            'e6d1a23a-da11-4be4-9570-befc86d067a7',
          ],
        },
      });
    });

    it("reads Graph's documented error body as the code and message", async () => {
      const graph = client();
      expect(await graph.getRelationship('missing')).toBeNull();
      const refused = await graph.lockForApproval({ id: 'any', etag: 'W/"x"' }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(GraphError);
      expect(refused).toMatchObject({ status: 400, code: 'invalidRange' });
      expect((refused as Error).message).toContain('Uploaded fragment overlaps with existing data.');
    });
  });
});

describe('Graph: the stand-in answers as documented', () => {
  let fake: FakeMicrosoft;
  let token: string;

  async function get(path: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${fake.graphUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Json };
  }

  beforeAll(async () => {
    fake = await startFakeMicrosoft();
    const res = await fetch(`${fake.loginUrl}/${fake.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
        scope: `${fake.graphUrl}/.default`,
      }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(() => fake.close());

  it('relationships: created, then active, with the documented keys and types', async () => {
    const graph = createGraphClient({
      tenantId: fake.tenantId,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      graphUrl: fake.graphUrl,
      loginUrl: fake.loginUrl,
    });
    const customer = { tenantId: randomUUID(), displayName: 'Contoso Inc' };
    const rel = await graph.createRelationship({
      displayName: 'Contoso admin relationship',
      duration: 'P730D',
      roleDefinitionIds: ['729827e3-9c14-49f7-bb1b-9608f156bbb8'],
      autoExtendDuration: 'P180D',
      customer,
    });
    const createdDoc = fixture('graph-delegated-admin-relationship-create');
    const created = (await get(`/v1.0/tenantRelationships/delegatedAdminRelationships/${rel.id}`)).body;
    expectSameShape(created, createdDoc, RELATIONSHIP_READS);
    expect(Object.keys(created).sort()).toEqual(Object.keys(createdDoc).sort());

    await graph.lockForApproval(rel);
    fake.approve(rel.id, customer);
    const activeDoc = fixture('graph-delegated-admin-relationship-get');
    const active = (await get(`/v1.0/tenantRelationships/delegatedAdminRelationships/${rel.id}`)).body;
    expectSameShape(active, activeDoc, RELATIONSHIP_READS);
    expect(Object.keys(active).sort()).toEqual(Object.keys(activeDoc).sort());

    const listed = (await get('/v1.0/tenantRelationships/delegatedAdminRelationships')).body;
    expectSameShape(first(listed, 'value'), activeDoc, RELATIONSHIP_READS);

    // Access assignments on the active relationship: created pending, listed, with the documented keys.
    await graph.createAccessAssignment(rel.id, {
      groupId: fake.groupId('AdminAgents'),
      roleDefinitionIds: ['729827e3-9c14-49f7-bb1b-9608f156bbb8'],
    });
    const assignments = (await get(`/v1.0/tenantRelationships/delegatedAdminRelationships/${rel.id}/accessAssignments`)).body;
    const assignmentDoc = fixture('graph-access-assignment-create');
    expectSameShape(first(assignments, 'value'), assignmentDoc, ASSIGNMENT_READS);
    expect(Object.keys(first(assignments, 'value')!).sort()).toEqual(
      Object.keys(first(fixture('graph-access-assignments-list'), 'value')!).sort(),
    );
  });

  it('customers, users, memberships and errors', async () => {
    fake.addCustomer({ tenantId: randomUUID(), displayName: 'Contoso Inc' });
    const customersDoc = fixture('graph-delegated-admin-customers-list');
    const customers = (await get('/v1.0/tenantRelationships/delegatedAdminCustomers')).body;
    expectSameShape(customers, customersDoc, ['@odata.context', 'value']);
    expect(Object.keys(first(customers, 'value')!).sort()).toEqual(Object.keys(first(customersDoc, 'value')!).sort());

    const id = randomUUID();
    fake.addUser({ id, mail: 'adams@contoso.com', groups: ['All_Contoso_Licensing'], directoryRoleTemplateIds: [randomUUID()] });
    const users = (await get(`/v1.0/users?$filter=${encodeURIComponent("mail eq 'adams@contoso.com'")}&$select=id`)).body;
    expectSameShape(users, fixture('graph-users-list'), [
      '@odata.context',
      'value',
      'value.0.id',
      'value.0.mail',
      'value.0.userPrincipalName',
    ]);

    const memberOf = (await get(`/v1.0/users/${id}/transitiveMemberOf`)).body;
    const items = memberOf.value as Json[];
    const group = items.find((item) => item['@odata.type'] === '#microsoft.graph.group');
    const role = items.find((item) => item['@odata.type'] === '#microsoft.graph.directoryRole');
    expectSameShape(group, first(fixture('graph-user-transitive-member-of'), 'value'), [
      '@odata.type',
      'displayName',
      'securityEnabled',
      'mailEnabled',
    ]);
    expectSameShape(role, first(fixture('graph-directory-roles-list'), 'value'), ['id', 'displayName', 'description', 'roleTemplateId']);

    const missing = await get('/v1.0/tenantRelationships/delegatedAdminRelationships/missing');
    expect(missing.status).toBe(404);
    expectSameShape(missing.body, fixture('graph-error'), ERROR_READS);
  });
});
