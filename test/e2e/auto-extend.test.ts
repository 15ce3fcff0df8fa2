/**
 * "Turn on auto-extend" from the GDAP expiry notice, with Microsoft's login and Graph played by the
 * local stand-in, Teams through /api/messages and Slack through signed /slack/events: the notice
 * offers it only where Microsoft allows it (active, no Global Administrator), the click reads the
 * relationship for its etag and PATCHes with If-Match, a 412 is read again and tried once more,
 * and the notice becomes the outcome, recorded and audited. Every refusal is a sentence: a second
 * 412, Global Administrator (before any call to Microsoft), someone without an admin role, an id
 * that is not one of a known customer's, and a deployment without Microsoft.
 */
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { cardText } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft, type FakeRelationship } from '../fakes/microsoft.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { DEFAULT_GDAP_ROLES, GLOBAL_ADMINISTRATOR } from '../../bot/microsoft/roles.js';
import { SLACK_SECRET, useStack, type Stack } from './stack.js';

const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const SAL_ID = '0a1b2c3d-0000-4000-8000-0000000005a1';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const sal: TeamsUser = { aadObjectId: SAL_ID, name: 'Sal Sales' };
const salesChannel: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
const RELATIONSHIP = /\/delegatedAdminRelationships\/[^/]+$/;
const WAIT = { timeout: 10_000 };
const SLACK_WAIT = { timeoutMs: 10_000 };

/** The data of the card action titled `title` (Teams' Action.Execute), if the card has one. */
function actionData(card: unknown, title: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute' && o.title === title) found = o.data as Record<string, unknown>;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The Slack buttons of a message, by verb. */
function slackButtons(blocks: unknown): Array<{ verb: string; action_id: string; value: string }> {
  return ((blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.action_id?.startsWith('csp:'))
    .map((e) => ({ verb: e.action_id!.split(':')[1]!, action_id: e.action_id!, value: e.value ?? '' }));
}

describe('auto-extend with the Microsoft directory', () => {
  let microsoft: FakeMicrosoft;
  let fabrikam: FakeRelationship;
  let contoso: FakeRelationship;
  beforeEach(async () => {
    microsoft = await startFakeMicrosoft();
    microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
    microsoft.addUser({ id: SAL_ID, mail: 'sal@northwind.example', groups: ['SalesAgents'] });
  });
  afterEach(async () => {
    await microsoft?.close();
  });
  const s: Stack = useStack({
    slackUsers: {
      UALICE: { name: 'Alice Agent', email: 'alice@northwind.example', locale: 'it-IT' },
      USAL: { name: 'Sal Sales', email: 'sal@northwind.example', locale: 'it-IT' },
    },
    env: () => microsoftEnv(microsoft),
  });

  const graphCalls = (id: string, after = 0) =>
    microsoft
      .requests()
      .slice(after)
      .filter((r) => RELATIONSHIP.test(r.path) && decodeURIComponent(r.path).endsWith(`/${id}`));
  const teamsPosts = (text: string) => s.connector.calls.filter((c) => c.method === 'POST' && cardText(c).includes(text));
  const audited = () => [...s.bot.store.all('audit')].filter((e) => e.action === 'adminAccess.autoExtended');

  /**
   * Once a conversation is subscribed: two relationships made in Partner Center, ending in 20 days
   * without auto-extend (Contoso's has Global Administrator), synced, and the daily expiry check
   * run (the bot's first pass, at start, had nothing to announce and nobody to tell).
   */
  async function endingRelationships() {
    fabrikam = microsoft.addActiveRelationship({
      displayName: 'Fabrikam helpdesk',
      customer: { tenantId: '7c0ffee0-1234-4abc-9def-0000000000f1', displayName: 'Fabrikam Srl' },
      roleDefinitionIds: DEFAULT_GDAP_ROLES,
      duration: 'P20D',
    });
    contoso = microsoft.addActiveRelationship({
      displayName: 'Contoso full admin',
      customer: { tenantId: '7c0ffee0-1234-4abc-9def-0000000000c1', displayName: 'Contoso Ltd' },
      roleDefinitionIds: [GLOBAL_ADMINISTRATOR, DEFAULT_GDAP_ROLES[0]!],
      duration: 'P20D',
    });
    // A pass may be under way since start: the second one surely reads them. Whichever pass
    // announces them, each is announced once (the store marks it).
    await s.bot.sync!.runOnce();
    await s.bot.sync!.runOnce();
    await s.bot.service.announceEndingAdminAccess();
    expect([...s.bot.store.all('gdap')].filter((r) => r.expiryNoticeAt)).toHaveLength(2);
    // Delivered by the dispatcher (its poll is a minute away here).
    await s.bot.dispatcher.runDue();
  }

  /** The Teams channel is subscribed, the sync records both relationships and posts their notices; the Fabrikam one. */
  async function teamsNotices() {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> notify here');
    await endingRelationships();
    await expect.poll(() => teamsPosts('Admin access for Fabrikam Srl ends soon').length, WAIT).toBe(1);
    await expect.poll(() => teamsPosts('Admin access for Contoso Ltd ends soon').length, WAIT).toBe(1);
    return { teams, notice: teamsPosts('Admin access for Fabrikam Srl ends soon')[0]!.body };
  }

  it('Teams: offered where Microsoft allows it; a 412 is read again and retried once; the notice becomes the outcome, recorded and audited', async () => {
    const { teams, notice } = await teamsNotices();
    expect(cardText(notice)).toContain('Turn on auto-extend to have it extend by 180 days at its end date');
    const data = actionData(notice, 'Turn on auto-extend');
    expect(data).toEqual({ verb: 'gdap.autoExtend', relationshipId: fabrikam.id });
    // Microsoft refuses auto-extend with Global Administrator: that notice only offers a new relationship.
    const gaNotice = teamsPosts('Admin access for Contoso Ltd ends soon')[0]!.body;
    expect(actionData(gaNotice, 'Turn on auto-extend')).toBeUndefined();
    expect(actionData(gaNotice, 'Request new access')).toBeDefined();

    // Someone changes the relationship between the bot's read and its PATCH: 412, read again, PATCH again.
    microsoft.changeBeforeNextPatch(fabrikam.id, 1);
    const before = microsoft.requests().length;
    const res = await teams.invoke(alice, salesChannel, 'gdap.autoExtend', data!);
    expect(res.body.statusCode).toBe(200);
    const outcome = JSON.stringify(res.body.value);
    expect(outcome).toContain('Auto-extend is on for Fabrikam Srl');
    expect(outcome).toContain('The GDAP relationship Fabrikam helpdesk now extends by 180 days at its end date');
    expect(outcome).not.toContain('Turn on auto-extend');
    const calls = graphCalls(fabrikam.id, before);
    expect(calls.map((c) => [c.method, c.status])).toEqual([
      ['GET', 200],
      ['PATCH', 412],
      ['GET', 200],
      ['PATCH', 200],
    ]);
    expect(calls[1]!.body).toEqual({ autoExtendDuration: 'P180D' });
    expect(calls[1]!.ifMatch).toBeTruthy();
    expect(calls[3]!.ifMatch).toBeTruthy();
    expect(calls[3]!.ifMatch).not.toBe(calls[1]!.ifMatch);
    expect(microsoft.relationships().find((r) => r.id === fabrikam.id)!.autoExtendDuration).toBe('P180D');
    expect(s.bot.store.get('gdap', fabrikam.id)!.autoExtendDuration).toBe('P180D');
    const customerId = [...s.bot.store.all('customers')].find((c) => c.companyName === 'Fabrikam Srl')!.id;
    expect(audited()).toEqual([
      expect.objectContaining({
        target: customerId,
        actor: expect.objectContaining({ platform: 'teams', userId: ALICE_ID }),
        details: expect.objectContaining({ relationshipId: fabrikam.id, autoExtendDuration: 'P180D' }),
      }),
    ]);
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> audit');
    expect(cardText(s.connector.calls.at(-1))).toContain('Alice Agent turned on auto-extend for admin access to Fabrikam Srl');
    // The customer's details say so too.
    await teams.say(alice, salesChannel, '<at>CSP Connect</at> customer Fabrikam');
    expect(cardText(s.connector.calls.at(-1))).toContain('auto-extend on');

    // The same button again (another copy of the notice): already on, nothing sent to Microsoft, nothing audited.
    const again = microsoft.requests().length;
    const twice = await teams.invoke(alice, salesChannel, 'gdap.autoExtend', data!);
    expect(JSON.stringify(twice.body.value)).toContain('Auto-extend was already on for Fabrikam Srl');
    expect(graphCalls(fabrikam.id, again)).toEqual([]);
    expect(audited()).toHaveLength(1);
  });

  it('Teams: changed twice meanwhile (412, then 412 again), it says so and leaves the relationship and the record as they were', async () => {
    const { teams, notice } = await teamsNotices();
    microsoft.changeBeforeNextPatch(fabrikam.id, 2);
    const before = microsoft.requests().length;
    const res = await teams.invoke(alice, salesChannel, 'gdap.autoExtend', actionData(notice, 'Turn on auto-extend')!);
    expect(JSON.stringify(res.body.value)).toContain('changed at Microsoft twice while I was turning auto-extend on');
    expect(graphCalls(fabrikam.id, before).map((c) => [c.method, c.status])).toEqual([
      ['GET', 200],
      ['PATCH', 412],
      ['GET', 200],
      ['PATCH', 412],
    ]);
    expect(microsoft.relationships().find((r) => r.id === fabrikam.id)!.autoExtendDuration).toBe('PT0S');
    expect(s.bot.store.get('gdap', fabrikam.id)!.autoExtendDuration).toBe('PT0S');
    expect(audited()).toEqual([]);
  });

  it('Teams: Global Administrator, a Sales agent, a forged id and a customer the bot does not know are refused before any call to Microsoft', async () => {
    const { teams } = await teamsNotices();
    const stranger = microsoft.addActiveRelationship({
      displayName: 'Unlisted tenant',
      customer: { tenantId: '7c0ffee0-1234-4abc-9def-0000000000d1', displayName: 'Not listed' },
      roleDefinitionIds: DEFAULT_GDAP_ROLES,
      duration: 'P20D',
      listed: false,
    });
    await s.bot.sync!.runOnce();
    expect(s.bot.store.get('gdap', stranger.id)).toBeDefined();
    const before = microsoft.requests().length;
    const refusal = async (user: TeamsUser, relationshipId: unknown) =>
      JSON.stringify((await teams.invoke(user, salesChannel, 'gdap.autoExtend', { relationshipId })).body.value);

    // The Global Administrator relationship, with Microsoft's reason and what to do instead.
    const ga = await refusal(alice, contoso.id);
    expect(ga).toContain('Microsoft does not let a GDAP relationship that includes Global Administrator extend itself');
    expect(ga).toContain('Contoso full admin for Contoso Ltd cannot auto-extend');
    expect(ga).toContain('request a new relationship without Global Administrator');
    // Someone without an admin role.
    expect(await refusal(sal, fabrikam.id)).toContain('Only a Global admin or an Admin agent can do that');
    // A tampered payload: an id that is not a relationship, one that is not a string, one of a tenant the bot does not list.
    for (const forged of ['not-a-relationship', `${fabrikam.id}x`, { id: fabrikam.id }, stranger.id]) {
      expect(await refusal(alice, forged)).toContain('That GDAP relationship is not one of a customer the bot knows');
    }
    const relationshipCalls = microsoft
      .requests()
      .slice(before)
      .filter((r) => RELATIONSHIP.test(r.path));
    expect(relationshipCalls).toEqual([]);
    expect(microsoft.relationships().every((r) => r.autoExtendDuration === 'PT0S')).toBe(true);
    expect(audited()).toEqual([]);
    // Each refusal of a card action leaves a trail in the log.
    expect(s.bot.logs.filter((l) => l.audit === 'action.refused' && l.verb === 'gdap.autoExtend')).toHaveLength(6);
  });

  it('Slack, in Italian: the notice in the channel offers it; throttled once, it waits and goes on; the message becomes the outcome', async () => {
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    await slack.command('UALICE', 'notifica qui');
    await expect.poll(() => s.bot.store.all('notificationSubscriptions').next().done, WAIT).toBe(false);
    await endingRelationships();
    const notice = await s.api.waitFor('chat.postMessage', (c) => s.api.text(c).includes('Fabrikam Srl sta per scadere'), SLACK_WAIT);
    expect(s.api.text(notice)).toContain("Attiva l'estensione automatica perché si estenda di 180 giorni alla scadenza");
    const buttons = slackButtons(notice.args.blocks);
    expect(buttons.map((b) => b.verb)).toEqual(['gdap.autoExtend', 'command', 'customer.show']);
    expect(JSON.parse(buttons[0]!.value)).toEqual({ relationshipId: fabrikam.id });
    const gaNotice = await s.api.waitFor('chat.postMessage', (c) => s.api.text(c).includes('Contoso Ltd sta per scadere'), SLACK_WAIT);
    expect(slackButtons(gaNotice.args.blocks).map((b) => b.verb)).toEqual(['command', 'customer.show']);

    // A Sales agent's click is refused in words; nothing reaches Microsoft.
    let before = s.api.calls.length;
    const graphBefore = microsoft.requests().length;
    await slack.action('USAL', { type: 'button', action_id: buttons[0]!.action_id, value: buttons[0]!.value });
    const refused = await s.api.waitFor('chat.postMessage', (c) => s.api.text(c).includes('agente amministratore'), {
      after: before,
      ...SLACK_WAIT,
    });
    expect(s.api.text(refused)).toContain('Solo un amministratore globale o un agente amministratore può farlo');
    expect(graphCalls(fabrikam.id, graphBefore)).toEqual([]);

    // Graph asks the bot to slow down once (429, Retry-After): the client waits and the PATCH goes through.
    microsoft.failNext((r) => r.method === 'PATCH' && RELATIONSHIP.test(r.path), { status: 429, retryAfter: 0 });
    before = s.api.calls.length;
    const graphAt = microsoft.requests().length;
    await slack.action(
      'UALICE',
      { type: 'button', action_id: buttons[0]!.action_id, value: buttons[0]!.value },
      { messageTs: String(notice.result.ts) },
    );
    const updated = await s.api.waitFor('chat.update', (c) => s.api.text(c).includes('Estensione automatica attiva per Fabrikam Srl'), {
      after: before,
      ...SLACK_WAIT,
    });
    expect(s.api.text(updated)).toContain('La relazione GDAP Fabrikam helpdesk ora si estende di 180 giorni alla scadenza');
    expect(slackButtons(updated.args.blocks).map((b) => b.verb)).toEqual(['customer.show']);
    expect(graphCalls(fabrikam.id, graphAt).map((c) => [c.method, c.status])).toEqual([
      ['GET', 200],
      ['PATCH', 429],
      ['PATCH', 200],
    ]);
    expect(microsoft.relationships().find((r) => r.id === fabrikam.id)!.autoExtendDuration).toBe('P180D');
    await expect.poll(() => audited().length, WAIT).toBe(1);
    expect(audited()[0]!.actor).toMatchObject({ platform: 'slack', userId: 'UALICE' });
  });
});

describe('auto-extend with the embedded directory', () => {
  const s: Stack = useStack();

  it('Teams and Slack: there is nothing at Microsoft to extend, and the bot says so', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    const res = await teams.invoke({ aadObjectId: 'aad-admin', name: 'Alice Admin' }, salesChannel, 'gdap.autoExtend', {
      relationshipId: 'any',
    });
    expect(JSON.stringify(res.body.value)).toContain('Auto-extend is for GDAP relationships at Microsoft');

    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    const before = s.api.calls.length;
    await slack.action('UADMIN', { type: 'button', action_id: 'csp:gdap.autoExtend:0', value: JSON.stringify({ relationshipId: 'any' }) });
    const answer = await s.api.waitFor('chat.postMessage', (c) => s.api.text(c).includes('GDAP'), { after: before, ...SLACK_WAIT });
    expect(s.api.text(answer)).toContain('Auto-extend is for GDAP relationships at Microsoft');
  });
});
