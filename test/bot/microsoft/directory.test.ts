/**
 * The Microsoft directory: GDAP requests per invitation, withdrawing them, roles from the partner
 * tenant, status, end admin access and removals — the real bot (or its app) with the real Graph
 * client against the stand-in of Microsoft.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_GDAP_ROLES, GLOBAL_ADMINISTRATOR } from '../../../bot/microsoft/roles.js';
import { ServiceError } from '../../../bot/service/errors.js';
import { startBot } from '../../fakes/bot-server.js';
import { cardText, startConnector } from '../../fakes/connector.js';
import { ALL_ROLES, startFakeMicrosoft, type FakeMicrosoft } from '../../fakes/microsoft.js';
import { startSlackApi } from '../../fakes/slack-api.js';
import { slackClient } from '../../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../../fakes/teams-client.js';
import { admin, microsoftEnv, openApp, resellerLinkOf, sentInvitation } from './harness.js';

let now: Date;
const clock = { now: () => now };
let fake: FakeMicrosoft;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  now = new Date('2031-03-01T09:00:00.000Z');
  fake = await startFakeMicrosoft({ now: () => now });
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await fake.close();
});

async function app(env: Record<string, string> = {}) {
  const opened = await openApp(fake, clock, { env });
  cleanups.push(() => opened.store.close());
  return opened;
}

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

const pending = () => fake.relationships().filter((r) => r.status === 'created' || r.status === 'approvalPending');

describe('GDAP requests for invitations', () => {
  it('requests and locks one GDAP relationship with the configured roles for 730 days, never Global Administrator by default', async () => {
    const a = await app();
    const draft = await a.service.draftInvitation(admin, {
      acquisition: 'own-marketing',
      locale: 'en',
      companyName: 'Contoso (Italia) S.p.A.',
    });
    const [rel] = fake.relationships();
    expect(fake.relationships()).toHaveLength(1);
    expect(rel).toMatchObject({ status: 'approvalPending', duration: 'P730D' });
    expect(rel!.roleDefinitionIds.sort()).toEqual([...DEFAULT_GDAP_ROLES].sort());
    expect(rel!.roleDefinitionIds).not.toContain(GLOBAL_ADMINISTRATOR);
    expect(rel!.displayName.length).toBeLessThanOrEqual(50);
    expect(draft.microsoft).toMatchObject({ gdapRelationshipId: rel!.id, resellerLink: resellerLinkOf(fake.tenantId) });
    expect(draft.microsoft!.approvalLink).toContain(`/granularAdminRelationships/${rel!.id}`);
    // The email carries both links.
    expect(draft.body).toContain(draft.microsoft!.resellerLink);
    expect(draft.body).toContain(draft.microsoft!.approvalLink);
    // ...and says what the approval grants, in the words of the customer's admin center.
    expect(draft.body).toContain('for 2 years with these roles only: Directory Readers, License Administrator, and Service Support Administrator.');
    const approval = draft.body.split('\n').find((line) => line.startsWith('2. '))!;
    for (const role of DEFAULT_GDAP_ROLES) expect(approval).not.toContain(role);
    // What the request asks for is kept with the draft (role ids and days, nothing secret), so the email can be written again in Italian.
    expect(draft.microsoft!.access).toEqual({ roleDefinitionIds: [...DEFAULT_GDAP_ROLES], durationDays: 730 });
  });

  it('names the requested roles and length in Italian too, in the formal register', async () => {
    const a = await app();
    const draft = await a.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'it' });
    expect(draft.subject).toContain('vi invita');
    expect(draft.body).toContain(
      'per 2 anni solo con questi ruoli: Ruolo con autorizzazioni di lettura della directory, Amministratore licenze e Amministratore supporto servizi.',
    );
  });

  it('requests the roles GDAP_ROLES names, and counts the ones it cannot name instead of showing their ids', async () => {
    const roles = [randomUUID(), randomUUID(), GLOBAL_ADMINISTRATOR];
    const a = await app({ GDAP_ROLES: roles.join(','), GDAP_DURATION_DAYS: '90' });
    const draft = await a.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    expect(fake.relationships()[0]).toMatchObject({ roleDefinitionIds: roles, duration: 'P90D' });
    expect(draft.body).toContain('for 90 days with these roles only: Global Administrator and 2 other roles.');
    expect(draft.body).not.toContain(roles[0]!);
  });

  it('refuses Done with a body missing either link, naming the missing one', async () => {
    const a = await app();
    const draft = await a.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const { resellerLink, approvalLink } = draft.microsoft!;
    for (const [missing, kept] of [
      [approvalLink, resellerLink],
      [resellerLink, approvalLink],
    ] as const) {
      const error = await refusal(a.service.markInvitationSent(admin, draft.id, { body: draft.body.split(missing).join('') }));
      expect(error.key).toBe('invitation.linksMissing');
      expect(String(error.params.links)).toContain(missing);
      expect(String(error.params.links)).not.toContain(kept);
    }
    expect(a.service.getInvitation(admin, draft.id).effectiveStatus).toBe('draft');
    const sent = await a.service.markInvitationSent(admin, draft.id, { body: `Hi!\n${resellerLink}\n${approvalLink}` });
    expect(sent.effectiveStatus).toBe('sent');
  });

  it('adds indirectCSPId for an indirect provider, and refuses a provider without a tenant id with a sentence', async () => {
    const a = await app();
    const providerTenant = randomUUID();
    const withTenant = await a.service.addProvider(admin, { name: 'TD SYNNEX', tenantId: providerTenant });
    const draft = await a.service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: withTenant.id, locale: 'en' });
    const link = new URL(draft.microsoft!.resellerLink);
    expect(link.searchParams.get('indirectCSPId')).toBe(providerTenant);
    expect(link.searchParams.get('partnerId')).toBe(fake.tenantId);
    expect(link.hash).toBe('#/BillingAccounts/partner-invitation');
    expect(draft.body).toContain(draft.microsoft!.resellerLink);

    const without = await a.service.addProvider(admin, { name: 'Ingram Micro' });
    const before = fake.relationships().length;
    const error = await refusal(
      a.service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: without.id, locale: 'en' }),
    );
    expect(error.key).toBe('provider.needsTenant');
    expect(error.params).toMatchObject({ provider: 'Ingram Micro' });
    expect(fake.relationships()).toHaveLength(before);
  });

  it.each([
    ['403 Authorization_RequestDenied', { status: 403, code: 'Authorization_RequestDenied' }, 'microsoft.refused'],
    ['429 throughout', { status: 429, retryAfter: 1, times: 10 }, 'microsoft.throttled'],
  ])('leaves nothing behind when Graph refuses the request (%s)', async (_name, failure, key) => {
    const a = await app();
    fake.failNext('POST /v1.0/tenantRelationships/delegatedAdminRelationships', failure);
    const error = await refusal(a.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' }));
    expect(error.key).toBe(key);
    if (key === 'microsoft.refused') expect(error.params.reason).toBe('Authorization_RequestDenied (403)');
    expect([...a.store.all('invitations')]).toHaveLength(0);
    expect(pending()).toHaveLength(0);
  });

  it('deletes the created request when it cannot be locked for approval', async () => {
    const a = await app();
    fake.failNext((r) => r.method === 'POST' && r.path.endsWith('/requests'), { status: 403, code: 'Authorization_RequestDenied' });
    const error = await refusal(a.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' }));
    expect(error.key).toBe('microsoft.refused');
    expect([...a.store.all('invitations')]).toHaveLength(0);
    expect(fake.relationships()).toHaveLength(0);
    expect(fake.requests().some((r) => r.method === 'DELETE' && r.status === 204)).toBe(true);
  });

  it('terminates the locked request when a sent invitation is revoked, and revoking again changes nothing', async () => {
    const a = await app();
    const { id, relationshipId } = await sentInvitation(a);
    const revoked = await a.service.revokeInvitation(admin, id);
    expect(revoked.status).toBe('revoked');
    // The stand-in, like Graph, ends only active relationships: the request lapses, and is never accepted.
    expect(
      fake
        .requests()
        .some(
          (r) =>
            r.method === 'POST' && r.path.endsWith(`${relationshipId}/requests`) && (r.body as { action?: string })?.action === 'terminate',
        ),
    ).toBe(true);
    fake.approve(relationshipId, { tenantId: randomUUID(), displayName: 'Late Ltd' });
    expect((await a.sync!.runOnce()).accepted).toBe(0);
    expect(a.service.getInvitation(admin, id).status).toBe('revoked');
    expect((await a.service.revokeInvitation(admin, id)).alreadyDone).toBe(true);
  });

  it('says in the log what to end in Partner Center when a draft the store refused leaves a GDAP request Microsoft would not delete', async () => {
    const a = await app();
    const before = fake.relationships().length;
    // The request is made awaiting approval, so withdrawing it is a terminate request: Microsoft refuses it.
    let requests = 0;
    const terminate = (r: { method: string; path: string }) => r.method === 'POST' && r.path.endsWith('/requests') && ++requests === 2;
    fake.failNext(terminate, { status: 403, code: 'Authorization_RequestDenied' });
    // The store closed under the draft: Microsoft has the request, the store cannot take the draft.
    // (The first POST to `/requests` locks the request for approval; the second is the terminate.)
    await a.store.close();
    await expect(a.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' })).rejects.toThrow();
    const made = fake.relationships().slice(before);
    expect(made).toHaveLength(1);
    const line = a.logs.find((l) => String(l.msg).startsWith('a GDAP request made for a draft that could not be saved could not be withdrawn'));
    expect(line).toMatchObject({ gdapRelationshipId: made[0]!.id, msg: expect.stringContaining('end it in Partner Center') });
  });

  it('keeps the invitation when Microsoft refuses to withdraw its request', async () => {
    const a = await app();
    const { id } = await sentInvitation(a);
    fake.failNext((r) => r.method === 'POST' && r.path.endsWith('/requests'), { status: 403, code: 'Authorization_RequestDenied' });
    const error = await refusal(a.service.revokeInvitation(admin, id));
    expect(error.params.reason).toBe('Authorization_RequestDenied (403)');
    expect(error.key).toBe('microsoft.refused');
    expect(a.service.getInvitation(admin, id).status).toBe('sent');
  });
});

// ---- the whole bot, Teams and Slack ----

const ADMIN_AGENT = randomUUID();
const GLOBAL_ADMIN = randomUUID();
const SALES_AGENT = randomUUID();
const STRANGER = randomUUID();
const who = (id: string, name: string): TeamsUser => ({ aadObjectId: id, name });
const personal = (id: string): TeamsConversation => ({ id: `a:personal-${id}`, conversationType: 'personal' });
const SECRET = 'directory-signing-secret';

async function bot(options: { roles?: readonly string[] } = {}) {
  fake.addUser({ id: ADMIN_AGENT, mail: 'ada@northwind.example', groups: ['AdminAgents'] });
  fake.addUser({ id: GLOBAL_ADMIN, mail: 'gina@northwind.example', directoryRoleTemplateIds: [GLOBAL_ADMINISTRATOR] });
  fake.addUser({ id: SALES_AGENT, mail: 'sal@northwind.example', groups: ['SalesAgents'] });
  fake.addUser({ id: randomUUID(), mail: 'sasha@northwind.example', groups: ['AdminAgents'] });
  if (options.roles) fake.setGrantedRoles(options.roles);
  const connector = await startConnector();
  const api = await startSlackApi({
    UADMIN: { name: 'Sam Slack' },
    USASHA: { name: 'Sasha', email: 'sasha@northwind.example' },
    UNOBODY: { name: 'Nobody', email: 'nobody@elsewhere.example' },
  } as never);
  const b = await startBot({
    ...microsoftEnv(fake),
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: api.apiUrl,
  });
  cleanups.push(async () => {
    await b.stop();
    await api.close();
    await connector.close();
  });
  return { b, connector, api, teams: teamsClient(b.url, connector.url), slack: slackClient(b.url, SECRET, api.responseUrl) };
}

async function say(t: Awaited<ReturnType<typeof bot>>, user: TeamsUser, text: string) {
  t.connector.clear();
  await t.teams.say(user, personal(user.aadObjectId), text);
  return cardText(t.connector.calls.at(-1));
}

describe('roles from the partner tenant', () => {
  it('maps AdminAgents, the Global Administrator role and SalesAgents; an unknown user gets no role', async () => {
    const t = await bot();
    const adminAgent = who(ADMIN_AGENT, 'Ada');
    const globalAdmin = who(GLOBAL_ADMIN, 'Gina');
    const sales = who(SALES_AGENT, 'Sal');
    const stranger = who(STRANGER, 'Stan');
    expect(t.b.service.whoami({ platform: 'teams', userId: ADMIN_AGENT, displayName: 'Ada', locale: 'en' }).role).toBe(null);
    await say(t, adminAgent, 'whoami');
    await say(t, globalAdmin, 'whoami');
    await say(t, sales, 'whoami');
    await say(t, stranger, 'whoami');
    const roleOf = (userId: string) => t.b.service.whoami({ platform: 'teams', userId, displayName: userId, locale: 'en' }).role;
    expect(roleOf(ADMIN_AGENT)).toBe('admin-agent');
    expect(roleOf(GLOBAL_ADMIN)).toBe('global-admin');
    expect(roleOf(SALES_AGENT)).toBe('sales-agent');
    expect(roleOf(STRANGER)).toBe(null);

    expect(await say(t, adminAgent, 'invite customer')).toContain(resellerLinkOf(fake.tenantId));
    expect(fake.relationships()).toHaveLength(1);
    const refused = await say(t, sales, 'invite customer');
    expect(refused).not.toContain(resellerLinkOf(fake.tenantId));
    expect(fake.relationships()).toHaveLength(1);
    expect(await say(t, sales, 'list customers')).not.toBe(refused);
    // Someone with no group is told where roles come from (the partner tenant), not to ask for a grant.
    expect(await say(t, stranger, 'list customers')).toContain("roles come from your partner tenant. Ask a Global administrator to add you to the AdminAgents");
    expect(fake.relationships()).toHaveLength(1);
  });

  it('matches a Slack user by profile email; grant says where roles are managed; BOOTSTRAP_ADMINS still works', async () => {
    const t = await bot();
    const before = t.api.calls.length;
    await t.slack.command('USASHA', 'invite customer');
    await expect.poll(() => fake.relationships().length).toBe(1);
    await t.slack.command('UNOBODY', 'invite customer');
    await t.slack.command('UADMIN', 'invite customer');
    await expect.poll(() => fake.relationships().length).toBe(2);
    expect(t.b.service.whoami({ platform: 'slack', userId: 'USASHA', displayName: 'Sasha', locale: 'en' }).role).toBe('admin-agent');
    expect(t.b.service.whoami({ platform: 'slack', userId: 'UNOBODY', displayName: 'Nobody', locale: 'en' }).role).toBe(null);
    expect(t.api.calls.length).toBeGreaterThan(before);

    // Teams bootstrap admin (not a partner-tenant object id) can still invite, and grant is explained.
    const grant = await say(t, who('aad-admin', 'Alice'), `grant sales-agent teams:${STRANGER}`);
    expect(grant).toContain('Roles come from your partner tenant');
    expect(t.b.service.whoami({ platform: 'teams', userId: STRANGER, displayName: 'S', locale: 'en' }).role).toBe(null);
    expect(await say(t, who('aad-admin', 'Alice'), 'invite customer')).toContain(resellerLinkOf(fake.tenantId));
  });
});

describe('status', () => {
  it('names the missing Graph permissions in status and in the start-up log', async () => {
    const t = await bot({ roles: ['DelegatedAdminRelationship.ReadWrite.All'] });
    const missing = ALL_ROLES.filter((r) => r !== 'DelegatedAdminRelationship.ReadWrite.All');
    const warning = t.b.logs.find((l) => String(l.msg).includes('Microsoft Graph permissions missing'));
    expect(warning).toBeTruthy();
    for (const permission of missing) expect(String(warning!.msg)).toContain(permission);
    const status = await say(t, who('aad-admin', 'Alice'), 'status');
    for (const permission of missing) expect(status).toContain(permission);
    expect(status).not.toContain('DelegatedAdminRelationship.ReadWrite.All,');
  });
});

describe('end admin access and removals', () => {
  async function withCustomer() {
    const t = await bot();
    const tenantId = randomUUID();
    const draft = await t.b.service.draftInvitation(
      { platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' },
      { acquisition: 'own-marketing', locale: 'en' },
    );
    await t.b.service.markInvitationSent({ platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' }, draft.id, {
      body: draft.body,
    });
    fake.approve(draft.microsoft!.gdapRelationshipId, { tenantId, displayName: 'Contoso Ltd' });
    expect((await t.b.sync!.runOnce()).accepted).toBe(1);
    const customer = [...t.b.store.all('customers')].find((c) => c.tenantId === tenantId)!;
    return { t, tenantId, customer, relationshipId: draft.microsoft!.gdapRelationshipId };
  }

  it("terminates the live relationships after the confirmation card, audited; a sales agent's forged click is refused", async () => {
    const { t, customer, relationshipId } = await withCustomer();
    const alice = who('aad-admin', 'Alice');
    const card = await say(t, alice, 'end admin access Contoso Ltd');
    expect(card).toContain('End admin access for Contoso Ltd?');
    expect(fake.relationships().find((r) => r.id === relationshipId)!.status).toBe('active');

    await say(t, who(SALES_AGENT, 'Sal'), 'whoami');
    const forged = await t.teams.invoke(who(SALES_AGENT, 'Sal'), personal(SALES_AGENT), 'adminAccess.end', { customerId: customer.id });
    expect(JSON.stringify(forged.body)).not.toContain('has been ended');
    expect(fake.relationships().find((r) => r.id === relationshipId)!.status).toBe('active');
    expect(t.b.logs.some((l) => l.audit === 'action.refused' && l.verb === 'adminAccess.end')).toBe(true);

    const done = await t.teams.invoke(alice, personal('aad-admin'), 'adminAccess.end', { customerId: customer.id });
    expect(JSON.stringify(done.body)).toContain('Admin access for Contoso Ltd has been ended');
    expect(fake.relationships().find((r) => r.id === relationshipId)!.status).toMatch(/^terminat/);
    const audit = [...t.b.store.all('audit')].filter((a) => a.action === 'adminAccess.ended');
    expect(audit).toHaveLength(1);
    expect(t.b.store.get('gdap', relationshipId)!.status).toMatch(/^terminat/);
  });

  it('records the removal attestation and links to Partner Center, leaving the relationship to Microsoft', async () => {
    const { t, customer, tenantId } = await withCustomer();
    const alice = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };
    const removal = await t.b.service.requestRemoval(alice, customer.id);
    const outcome = await t.teams.invoke(who('aad-admin', 'Alice'), personal('aad-admin'), 'removal.confirm', {
      removalId: removal.removal.id,
      attest: true,
    });
    // The customer's page in Partner Center is a link button, whole (text makes any URL inert).
    const card = outcome.body.value as { actions: Array<{ type: string; title: string; url?: string }> };
    expect(card.actions).toContainEqual({
      type: 'Action.OpenUrl',
      title: 'Open in Partner Center',
      url: `https://partner.microsoft.com/dashboard/v2/customers/${tenantId}/account`,
    });
    expect(JSON.stringify(outcome.body)).toContain('Finish in Partner Center');
    expect(t.b.store.get('removals', removal.removal.id)!.status).toBe('confirmed');
    const relationships = [...t.b.store.all('relationships')].filter((r) => r.customerId === customer.id);
    expect(relationships.every((r) => r.status === 'active')).toBe(true);
    expect([...t.b.store.all('audit')].some((a) => a.action === 'removal.confirmed')).toBe(true);
  });
});
