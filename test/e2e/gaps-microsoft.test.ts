/**
 * `gaps` with DIRECTORY=microsoft, against the stand-ins of Microsoft's login, Graph and Partner
 * Center: the GDAP gaps from what the sync reads (MLT_ only, Global Administrator, ending without
 * auto-extend, ended), what only Partner Center knows counted as unknown until its API is
 * connected and read once it is (reseller relationships, a customer's indirect providers through
 * GET /v1/customers/{id}/relationships), each fix for the admins who may use it, and a
 * 2,000-customer book within Teams' 28 KB and Slack's block limits.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startFakePartnerCenter, type FakePartnerCenter } from '../fakes/partner-center.js';
import { TEAMS_LIMIT_BYTES, blockKitProblems, jsonBytes } from '../fakes/platform-limits.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { connectPartnerCenter } from './partner-center-connect.js';
import { actions, button } from './card-actions.js';

const SECRET = 'gaps-signing-secret';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const ALICE_ID = '0a1b2c3d-0000-4000-8000-00000000a11c';
const SAL_ID = '0a1b2c3d-0000-4000-8000-0000000005a1';
const alice: TeamsUser = { aadObjectId: ALICE_ID, name: 'Alice Agent' };
const sal: TeamsUser = { aadObjectId: SAL_ID, name: 'Sal Sales' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const salPersonal: TeamsConversation = { id: 'a:personal-sal', conversationType: 'personal' };
const DAY = 86_400_000;
const tenant = (n: number) => `7c0ffee0-1234-4abc-9def-${String(n).padStart(12, '0')}`;

let microsoft: FakeMicrosoft;
let partnerCenter: FakePartnerCenter;
let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: ALICE_ID, mail: 'alice@northwind.example', groups: ['AdminAgents'] });
  microsoft.addUser({ id: SAL_ID, mail: 'sal@northwind.example', groups: ['SalesAgents'] });
  partnerCenter = await startFakePartnerCenter({ tenantId: microsoft.tenantId, clientId: microsoft.clientId, deviceCodeInterval: 1 });
  connector = await startConnector();
  api = await startSlackApi({ UALICE: { name: 'Alice Slack', email: 'alice@northwind.example', locale: 'it-IT' } });
  bot = await startBot({
    ...microsoftEnv(microsoft),
    PARTNER_CENTER_URL: partnerCenter.url,
    PARTNER_CENTER_LOGIN_URL: partnerCenter.url,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMINS: '',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: api.apiUrl,
  });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
  await partnerCenter?.close();
  await microsoft?.close();
});

/** A card's text as people read it: Teams' markdown escapes (`MLT\_`) taken out. */
const shown = (card: unknown) => cardText(card as Record<string, unknown>).replace(/\\(?=[_*])/g, '');

const endsIn = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** Four customers at Microsoft, each with a different GDAP story. */
function seedFour() {
  const contoso = microsoft.addRelationship({
    displayName: 'MLT_0f3c2b1a-Contoso',
    customer: { tenantId: tenant(1), displayName: 'Contoso Ltd' },
    roleDefinitionIds: [GLOBAL_ADMIN, DIRECTORY_READERS],
    endDateTime: endsIn(200),
  });
  const fabrikam = microsoft.addRelationship({
    displayName: 'Northwind_Fabrikam_2025',
    customer: { tenantId: tenant(2), displayName: 'Fabrikam Srl' },
    roleDefinitionIds: [DIRECTORY_READERS],
    endDateTime: endsIn(10),
  });
  microsoft.addRelationship({
    displayName: 'Northwind_Litware',
    customer: { tenantId: tenant(3), displayName: 'Litware Inc' },
    roleDefinitionIds: [DIRECTORY_READERS],
    endDateTime: endsIn(400),
    autoExtendDuration: 'P180D',
  });
  microsoft.addRelationship({
    displayName: 'Northwind_Tailspin',
    customer: { tenantId: tenant(4), displayName: 'Tailspin Toys' },
    roleDefinitionIds: [DIRECTORY_READERS],
    endDateTime: endsIn(-5),
    status: 'expired',
  });
  return { contoso, fabrikam };
}

describe('gaps with DIRECTORY=microsoft, against the stand-ins', () => {
  it("without Partner Center's API: the GDAP gaps from Graph, the unknown said, and each fix for the admins who may use it", async () => {
    const { contoso, fabrikam } = seedFour();
    await bot.sync!.runOnce();
    const teams = teamsClient(bot.url, connector.url);

    await teams.say(alice, personal, 'gaps');
    const overview = connector.calls.at(-1)!.body;
    expect(jsonBytes(overview)).toBeLessThan(TEAMS_LIMIT_BYTES);
    const text = shown(overview);
    expect(text).toContain(
      "GDAP without a reseller relationship: 0 customers. 3 more with GDAP cannot be checked yet: only Partner Center's API says it.",
    );
    expect(text).toContain(
      "Reseller relationship without GDAP, or GDAP ended: 1 customer. For 1 of them the reseller relationship cannot be confirmed yet: only Partner Center's API says it.",
    );
    expect(text).toContain('Only MLT GDAP relationships (from the DAP transition): 1 customer');
    expect(text).toContain('GDAP ending within 30 days without auto-extend: 1 relationship');
    expect(text).toContain('GDAP with Global Administrator: 1 relationship');
    expect(button(overview, 'Connect Partner Center')).toMatchObject({ verb: 'command', data: { command: 'connectPartnerCenter' } });

    // Ending without auto-extend: the button names the relationship, and it turns auto-extend on.
    const ending = await teams.invoke(alice, personal, 'gaps.page', { kind: 'endingWithoutAutoExtend', page: 1 });
    expect(jsonBytes(ending.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
    expect(shown(ending.body.value)).toContain('Fabrikam Srl: Northwind_Fabrikam_2025, ends ');
    const extend = button(ending.body.value, 'Turn on auto-extend')!;
    expect(extend).toMatchObject({ verb: 'gdap.autoExtend', data: { relationshipId: fabrikam.id } });
    const answered = await teams.invoke(alice, personal, extend.verb, extend.data);
    expect(JSON.stringify(answered.body)).toContain('Auto-extend is on for Fabrikam Srl');

    // Ended GDAP: request it again, the draft filled in with the customer.
    const ended = await teams.invoke(alice, personal, 'gaps.page', { kind: 'resellerWithoutGdap', page: 1 });
    expect(shown(ended.body.value)).toContain('For 1 of them the reseller relationship cannot be confirmed');
    const request = button(ended.body.value, 'Request GDAP', { args: 'Tailspin Toys' })!;
    expect(request).toMatchObject({ verb: 'command', data: { command: 'invite', args: 'Tailspin Toys' } });

    // Global Administrator: the replacement is a new GDAP request with the configured roles, never Global Administrator.
    const ga = await teams.invoke(alice, personal, 'gaps.page', { kind: 'globalAdmin', page: 1 });
    expect(shown(ga.body.value)).toContain(`Contoso Ltd: ${contoso.displayName}`);
    const replace = button(ga.body.value, 'Request replacement', { args: 'Contoso Ltd' })!;
    const before = microsoft.relationships().length;
    await teams.invoke(alice, personal, replace.verb, replace.data);
    const requested = microsoft.relationships();
    expect(requested).toHaveLength(before + 1);
    expect(requested.at(-1)!.roleDefinitionIds).not.toContain(GLOBAL_ADMIN);
    expect(shown(connector.calls.at(-1))).toContain('Contoso Ltd');

    // A sales agent sees the same gaps and no fix: inviting and ending access are the admins'.
    await teams.say(sal, salPersonal, 'gaps');
    expect(shown(connector.calls.at(-1))).toContain('GDAP with Global Administrator: 1 relationship');
    expect(button(connector.calls.at(-1)!.body, 'Connect Partner Center')).toBeUndefined();
    // Auto-extend turned on above closed Fabrikam's gap.
    const salEnding = await teams.invoke(sal, salPersonal, 'gaps.page', { kind: 'endingWithoutAutoExtend', page: 1 });
    expect(shown(salEnding.body.value)).not.toContain('Fabrikam Srl');
    expect(shown(salEnding.body.value)).toContain('Nothing here: no customer has this gap.');
    const salGlobalAdmin = await teams.invoke(sal, salPersonal, 'gaps.page', { kind: 'globalAdmin', page: 1 });
    expect(shown(salGlobalAdmin.body.value)).not.toContain('Nothing here');
    expect([...new Set(actions(salGlobalAdmin.body.value).map((a) => a.title))]).toEqual(['All gaps']);
  });

  it("with Partner Center's API: reseller relationships and a customer's provider read from Partner Center, not guessed", async () => {
    seedFour();
    for (const n of [1, 2, 4]) partnerCenter.addCustomer({ id: tenant(n), companyName: `Customer ${n}` });
    const provider = partnerCenter.addIndirectProvider({ id: 'b0b0b0b0-0000-4000-8000-00000000d157', name: 'Contoso Distribution' });
    const teams = teamsClient(bot.url, connector.url);
    await connectPartnerCenter({
      teams,
      connector,
      partnerCenter,
      dispatcher: bot.dispatcher,
      who: { user: alice, conversation: personal, upn: 'alice@northwind.example' },
    });
    await bot.sync!.runOnce();

    // A customer invited with the provider approves the GDAP request; at Partner Center it has no provider relationship.
    await teams.say(alice, personal, 'invite customer Wingtip Toys ada@wingtip.example with provider Contoso Distribution');
    const wingtip = microsoft.relationships().find((r) => r.status === 'approvalPending')!;
    microsoft.approve(wingtip.id, { tenantId: tenant(5), displayName: 'Wingtip Toys' });
    partnerCenter.addCustomer({ id: tenant(5), companyName: 'Wingtip Toys' });
    await bot.sync!.runOnce();
    expect(partnerCenter.requests({ pathStartsWith: `/v1/customers/${tenant(5)}/relationships` })).toHaveLength(1);

    await teams.say(alice, personal, 'gaps');
    const text = shown(connector.calls.at(-1));
    // Litware has GDAP and Partner Center does not list it as a reseller customer.
    expect(text).toContain('GDAP without a reseller relationship: 1 customer');
    expect(text).not.toContain('cannot be checked');
    expect(text).not.toContain('Connect Partner Center');
    expect(text).toContain('Reseller relationship without GDAP, or GDAP ended: 1 customer');
    expect(text).toContain('Invited with a provider, but without the provider relationship: 1 customer');

    const noReseller = await teams.invoke(alice, personal, 'gaps.page', { kind: 'gdapWithoutReseller', page: 1 });
    expect(button(noReseller.body.value, 'Send reseller link', { args: 'Litware Inc' })).toMatchObject({
      data: { command: 'invite', args: 'Litware Inc' },
    });
    const providers = await teams.invoke(alice, personal, 'gaps.page', { kind: 'providerWithoutRelationship', page: 1 });
    expect(shown(providers.body.value)).toContain('Wingtip Toys: invited with Contoso Distribution');
    const resend = button(providers.body.value, 'Resend provider link', { args: 'Wingtip Toys' })!;
    expect(resend.data).toMatchObject({ command: 'invite', args: 'Wingtip Toys ada@wingtip.example with provider Contoso Distribution' });

    // The customer accepts the provider's relationship: the next pass reads it, and the gap is gone.
    partnerCenter.linkProvider(tenant(5), provider.id);
    await bot.sync!.runOnce();
    await teams.say(alice, personal, 'gaps');
    expect(shown(connector.calls.at(-1))).toContain('Invited with a provider, but without the provider relationship: 0 customers');
  });

  it('2,000 customers at Microsoft: every gap counted, every page within Teams’ 28 KB and Slack’s block limits', async () => {
    const long = 'Holding Internazionale S.p.A.';
    for (let i = 0; i < 2_000; i++) {
      microsoft.addRelationship({
        displayName:
          i % 9 === 0 ? `MLT_${tenant(i).slice(0, 8)}-${i}` : `Northwind_GDAP_Customer_${i}_${long.replace(/\W/g, '')}`.slice(0, 50),
        customer: { tenantId: tenant(i), displayName: `Customer ${String(i).padStart(4, '0')} ${long} ${long}` },
        roleDefinitionIds: i % 7 === 0 ? [GLOBAL_ADMIN, DIRECTORY_READERS] : [DIRECTORY_READERS],
        endDateTime: endsIn(i % 4 === 0 ? 1 + (i % 29) : 300),
        status: i % 13 === 0 ? 'expired' : 'active',
      });
    }
    await bot.sync!.runOnce();
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, personal, 'gaps');
    const overview = connector.calls.at(-1)!.body;
    expect(jsonBytes(overview)).toBeLessThan(TEAMS_LIMIT_BYTES);
    const kinds = [
      ...new Set(
        actions(overview)
          .filter((a) => a.verb === 'gaps.page')
          .map((a) => a.data.kind as string),
      ),
    ];
    expect(kinds).toEqual(['resellerWithoutGdap', 'onlyMlt', 'endingWithoutAutoExtend', 'globalAdmin']);
    for (const kind of kinds) {
      const first = await teams.invoke(alice, personal, 'gaps.page', { kind, page: 1 });
      expect(jsonBytes(first.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
      const last = await teams.invoke(alice, personal, 'gaps.page', { kind, page: 9_999 });
      expect(jsonBytes(last.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
    }
    const ending = await teams.invoke(alice, personal, 'gaps.page', { kind: 'endingWithoutAutoExtend', page: 1 });
    expect(shown(ending.body.value)).toMatch(/Page 1 of \d\d/);

    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const before = api.calls.length;
    await slack.command('UALICE', 'lacune');
    const posted = await api.waitFor('chat.postMessage', () => true, { after: before });
    expect(blockKitProblems(posted.args, false)).toEqual([]);
    expect(api.text(posted)).toContain('GDAP con Amministratore globale');
    const blocks = (posted.args.blocks ?? []) as Array<{ accessory?: { action_id?: string; value?: string } }>;
    const show = blocks
      .map((b) => b.accessory)
      .filter((a) => a?.action_id?.startsWith('csp:gaps.page'))
      .at(-1)!;
    const clicked = api.calls.length;
    await slack.action('UALICE', { type: 'button', action_id: show.action_id, value: show.value });
    const page = await api.waitFor('chat.update', (c) => JSON.stringify(c.args).includes('Pagina 1 di'), { after: clicked });
    expect(blockKitProblems(page.args, false)).toEqual([]);
  }, 60_000);
});
