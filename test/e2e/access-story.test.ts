/**
 * Access assignments, with Microsoft's login and Graph played by the local stand-in and Teams by
 * the connector stand-in: an Italian-speaking admin agent invites in Teams, the customer approves
 * at Microsoft, the sync assigns the partner's AdminAgents and HelpdeskAgents groups to the GDAP
 * relationship (pending, then active), and "access ready" is posted once to the subscribed channel
 * (in English) and to the inviter (in Italian). A refused assignment is explained, waits for its
 * back-off, and is tried again from the button; an assignment already there (409) is success.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { DEFAULT_GDAP_ROLES } from '../../bot/microsoft/roles.js';
import { SERVICE_SUPPORT_ADMINISTRATOR } from '../../bot/microsoft/access-config.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const MARCO_ID = '0a1b2c3d-0000-4000-8000-0000000ac0a1';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const marco: TeamsUser = { aadObjectId: MARCO_ID, name: 'Marco Rossi', locale: 'it-IT' };
const personal: TeamsConversation = { id: 'a:personal-marco', conversationType: 'personal' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
const ASSIGNMENTS = /\/delegatedAdminRelationships\/[^/]+\/accessAssignments$/;

let microsoft: FakeMicrosoft;
let connector: Awaited<ReturnType<typeof startConnector>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  microsoft.addUser({ id: MARCO_ID, mail: 'marco@northwind.example', groups: ['AdminAgents'] });
  connector = await startConnector();
  bot = await startBot(microsoftEnv(microsoft));
});
afterEach(async () => {
  await bot?.stop();
  await connector?.close();
  await microsoft?.close();
});

/** Marco invites in Italian and marks the email sent; the customer approves at Microsoft. Returns the relationship id. */
async function approvedInvitation(teams: ReturnType<typeof teamsClient>, company: string, tenantId: string): Promise<string> {
  await teams.say(marco, personal, 'invita cliente');
  const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(connector.calls.at(-1)!.body))![1]!;
  const relationship = microsoft.relationships().at(-1)!;
  const approvalLink = `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${relationship.id}`;
  const done = await teams.invoke(marco, personal, 'invitation.done', {
    invitationId,
    subject: 'Relazione di rivenditore',
    body: `Accetti qui:\n${microsoftEnv(microsoft).RESELLER_LINK}\ne approvi qui:\n${approvalLink}`,
    acquisition: 'own-marketing',
  });
  expect(done.body.statusCode).toBe(200);
  microsoft.approve(relationship.id, { tenantId, displayName: company });
  microsoft.addCustomer({ tenantId, displayName: company });
  return relationship.id;
}

const posts = (conversationId: string, text: string) =>
  connector.calls.filter((c) => c.method === 'POST' && decodeURIComponent(c.path).includes(conversationId) && cardText(c).includes(text));
const assignmentPosts = () => microsoft.requests().filter((r) => r.method === 'POST' && ASSIGNMENTS.test(r.path));

describe('access assignments after the customer approves', () => {
  it('assigns the groups, waits for them to be active, and says once, in each language, that access is ready', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
    const relationshipId = await approvedInvitation(teams, 'Fabrikam Srl', '7c0ffee0-1234-4abc-9def-000000000001');

    // First pass: accepted, and both groups assigned with the roles GDAP_ACCESS gives them by default.
    await bot.sync!.runOnce();
    const made = microsoft.accessAssignments(relationshipId);
    expect(made.map((a) => [a.groupId, a.roleDefinitionIds, a.status])).toEqual([
      [microsoft.groupId('AdminAgents'), DEFAULT_GDAP_ROLES, 'pending'],
      [microsoft.groupId('HelpdeskAgents'), [SERVICE_SUPPORT_ADMINISTRATOR], 'pending'],
    ]);
    const assigning = microsoft.requests().filter((r) => r.method === 'POST' && ASSIGNMENTS.test(r.path))[0]!;
    expect(assigning.body).toEqual({
      accessContainer: { accessContainerId: microsoft.groupId('AdminAgents'), accessContainerType: 'securityGroup' },
      accessDetails: { unifiedRoles: DEFAULT_GDAP_ROLES.map((roleDefinitionId) => ({ roleDefinitionId })) },
    });
    expect(bot.service.accessOf(relationshipId)).toMatchObject({ state: 'assigning', readyAt: null });
    await bot.idle();
    expect(posts('19:sales', 'is ready')).toHaveLength(0);

    // Microsoft makes them active: ready, announced once; more passes change nothing and assign nothing again.
    await bot.sync!.runOnce();
    await bot.sync!.runOnce();
    await bot.idle();
    expect(bot.service.accessOf(relationshipId)).toMatchObject({
      state: 'ready',
      groups: [{ group: 'AdminAgents' }, { group: 'HelpdeskAgents' }],
    });
    expect(bot.service.accessOf(relationshipId)!.readyAt).not.toBeNull();
    expect(assignmentPosts()).toHaveLength(2);
    await expect.poll(() => posts('19:sales', 'Access to Fabrikam Srl is ready').length).toBe(1);
    const english = cardText(posts('19:sales', 'Access to Fabrikam Srl is ready')[0]);
    expect(english).toContain('AdminAgents: Directory Readers, License Administrator, and Service Support Administrator');
    expect(english).toContain('HelpdeskAgents: Service Support Administrator');
    expect(english).toContain('Microsoft may take up to 15 minutes to apply it');
    await expect.poll(() => posts('a:personal-marco', "L'accesso a Fabrikam Srl è pronto").length).toBe(1);
    const italian = cardText(posts('a:personal-marco', "L'accesso a Fabrikam Srl è pronto")[0]);
    expect(italian).toContain('HelpdeskAgents: Amministratore supporto servizi');
    expect(italian).toContain('fino a 15 minuti');

    // The customer's details say so too.
    await teams.say(marco, personal, 'cliente Fabrikam');
    expect(cardText(connector.calls.at(-1))).toContain('Gruppi di sicurezza: assegnati il');
    // The onboarding record has every step done, and the board nobody left in flight.
    await teams.say(marco, personal, 'onboarding Fabrikam');
    const record = cardText(connector.calls.at(-1));
    expect(record).toMatch(/Richiesta GDAP approvata\n.+\d/);
    expect(record).toMatch(/Gruppi di sicurezza assegnati\n.+\d/);
    expect(record).toMatch(/Accesso pronto\n.+\d/);
    expect(record).toContain('onboarding completato');
    await teams.say(marco, personal, 'onboarding');
    expect(cardText(connector.calls.at(-1))).toContain('Nessun cliente in corso');
  });

  it('explains a refused assignment, waits for the back-off, and assigns again from the button', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const relationshipId = await approvedInvitation(teams, 'Tailspin Toys', '7c0ffee0-1234-4abc-9def-000000000002');
    microsoft.failNext((r) => r.method === 'POST' && ASSIGNMENTS.test(r.path), {
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });

    await bot.sync!.runOnce();
    expect(bot.service.accessOf(relationshipId)).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: { code: 'Authorization_RequestDenied', group: 'AdminAgents' },
    });
    await expect.poll(() => posts('a:personal-marco', 'Gruppi di sicurezza non assegnati per Tailspin Toys').length).toBe(1);
    const notice = posts('a:personal-marco', 'Gruppi di sicurezza non assegnati per Tailspin Toys')[0]!;
    expect(cardText(notice)).toContain('Partner Customer Delegated Administration');
    expect(cardText(notice)).toContain('Assegna di nuovo i gruppi');

    // The onboarding record says why, and offers to try again.
    await teams.say(marco, personal, 'onboarding Tailspin');
    expect(cardText(connector.calls.at(-1))).toContain('Non è stato possibile assegnare i gruppi di sicurezza');
    expect(cardText(connector.calls.at(-1))).toContain('Assegna di nuovo i gruppi');
    // Within the back-off the sync leaves it alone.
    const tried = assignmentPosts().length;
    await bot.sync!.runOnce();
    expect(assignmentPosts()).toHaveLength(tried);

    // The button (from the notice or the customer's details) tries now; the service checks the id again.
    const forged = await teams.invoke(marco, personal, 'adminAccess.retry', { relationshipId: 'not-a-relationship' });
    expect(JSON.stringify(forged.body.value)).toContain('non è stata richiesta dal bot');
    await teams.invoke(marco, personal, 'adminAccess.retry', { relationshipId });
    expect(microsoft.accessAssignments(relationshipId)).toHaveLength(2);
    expect(bot.service.accessOf(relationshipId)).toMatchObject({ state: 'assigning', lastError: null });
    await bot.sync!.runOnce();
    await bot.idle();
    expect(bot.service.accessOf(relationshipId)).toMatchObject({ state: 'ready' });
    await expect.poll(() => posts('a:personal-marco', "L'accesso a Tailspin Toys è pronto").length).toBe(1);
    // Explained once, not at every failure.
    expect(posts('a:personal-marco', 'Gruppi di sicurezza non assegnati')).toHaveLength(1);
  });

  it('takes an assignment that already exists (409 from Graph) as done', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const relationshipId = await approvedInvitation(teams, 'Wide World Importers', '7c0ffee0-1234-4abc-9def-000000000003');
    // Made meanwhile by another replica (or by hand in Partner Center), not yet in the list the bot reads first.
    microsoft.assignOutsideTheBot(relationshipId, microsoft.groupId('AdminAgents'), DEFAULT_GDAP_ROLES, { hidden: true });

    await bot.sync!.runOnce();
    const conflicts = microsoft.requests().filter((r) => r.method === 'POST' && ASSIGNMENTS.test(r.path) && r.status === 409);
    expect(conflicts).toHaveLength(1);
    expect(bot.service.accessOf(relationshipId)).toMatchObject({ state: 'assigning', lastError: null });
    expect(microsoft.accessAssignments(relationshipId)).toHaveLength(2);
    await bot.sync!.runOnce();
    expect(bot.service.accessOf(relationshipId)).toMatchObject({ state: 'ready' });
  });
});
