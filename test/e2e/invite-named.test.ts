/**
 * `invite customer [company] [email] [with provider <name>]` (`invita cliente [azienda] [email]
 * [con provider <nome>]`): the invitation names its customer, the mail link its recipient. Through
 * Teams (/api/messages) and Slack (/slack/events).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';

const SECRET = 'invite-named-secret';
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const GA = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };

let connector: Awaited<ReturnType<typeof startConnector>>;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Sam Slack', locale: 'en-US' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await connector?.close();
});

const lastCard = () => cardText(connector.calls.at(-1));
const invitations = () => [...bot.store.all('invitations')];

describe('invitations that name their customer', () => {
  it('Teams: the company and the email wherever the email stands; the mail link has the recipient', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, personal, 'invite customer Fabrikam Srl ada@fabrikam.example');
    expect(invitations()).toEqual([expect.objectContaining({ companyName: 'Fabrikam Srl', customerEmail: 'ada@fabrikam.example', acquisition: 'own-marketing' })]);
    expect(lastCard()).toContain('mailto:ada%40fabrikam.example?subject=');

    await teams.say(alice, personal, 'invita cliente ugo@tailspin.example Tailspin Toys');
    expect(invitations().at(-1)).toMatchObject({ companyName: 'Tailspin Toys', customerEmail: 'ugo@tailspin.example', locale: 'it' });

    // The plain command still drafts an invitation that names nobody.
    await teams.say(alice, personal, 'invite customer');
    expect(invitations().at(-1)).toMatchObject({ companyName: null, customerEmail: null });
  });

  it('Teams: with a provider by name, or a picker that keeps the company and email; an unknown provider is said', async () => {
    const contoso = await bot.service.addProvider(GA, { name: 'Contoso Distribution' });
    await bot.service.addProvider(GA, { name: 'Adatum Distribution' });
    const teams = teamsClient(bot.url, connector.url);

    await teams.say(alice, personal, 'invite customer Fabrikam ada@fabrikam.example with provider contoso');
    expect(invitations().at(-1)).toMatchObject({ companyName: 'Fabrikam', customerEmail: 'ada@fabrikam.example', providerId: contoso.id, acquisition: 'indirect-provider' });

    const before = bot.store.count('invitations');
    await teams.say(alice, personal, 'invita cliente Northwind Traders nw@northwind.example con provider Globex');
    const answer = connector.calls.slice(-2).map(cardText).join('\n');
    expect(answer).toContain('Nessuno dei tuoi provider indiretti si chiama "Globex"');
    expect(bot.store.count('invitations')).toBe(before);
    // The picker's Next carries what was typed; the service checks it again.
    const res = await teams.invoke(alice, personal, 'invitation.draftWithProvider', { providerId: contoso.id, companyName: 'Northwind Traders', customerEmail: 'nw@northwind.example', lang: 'it' });
    expect(res.status).toBe(200);
    expect(invitations().at(-1)).toMatchObject({ companyName: 'Northwind Traders', customerEmail: 'nw@northwind.example', providerId: contoso.id });
    await teams.invoke(alice, personal, 'invitation.draftWithProvider', { providerId: contoso.id, customerEmail: 'not an email' });
    expect(lastCard()).toContain('"not an email" is not an email address');
    expect(bot.store.count('invitations')).toBe(before + 1);
  });

  it('Teams: an email that is not one, and a company name too long, get a sentence; nothing is drafted', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teams.say(alice, personal, 'invite customer Fabrikam ada@fabrikam');
    expect(lastCard()).toContain('"ada@fabrikam" is not an email address. Write it like ada@fabrikam.example');
    await teams.say(alice, personal, 'invita cliente Fabrikam @@');
    expect(lastCard()).toContain('"@@" non è un indirizzo email');
    await teams.say(alice, personal, `invite customer ${'Fabrikam '.repeat(20)}`);
    expect(lastCard()).toContain('That company name is longer than 120 characters');
    expect(invitations()).toHaveLength(0);
  });

  it('Slack: an email Slack turned into a mailto link, and a provider picker that carries the company and email', async () => {
    await bot.service.addProvider(GA, { name: 'Contoso Distribution' });
    const adatum = await bot.service.addProvider(GA, { name: 'Adatum Distribution' });
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await slack.command('UADMIN', 'invite customer Fabrikam Srl <mailto:ada@fabrikam.example|ada@fabrikam.example>');
    await expect.poll(() => invitations().length, { timeout: 10_000 }).toBe(1);
    expect(invitations()[0]).toMatchObject({ companyName: 'Fabrikam Srl', customerEmail: 'ada@fabrikam.example' });

    const before = api.calls.length;
    await slack.command('UADMIN', 'invite customer Tailspin ugo@tailspin.example with provider');
    const picker = await api.waitFor('chat.postMessage', (c) => JSON.stringify(c.args).includes('static_select'), { after: before });
    const blocks = (picker.args.blocks ?? []) as Array<{ type: string; block_id?: string; elements?: Array<{ type: string; action_id: string }> }>;
    const select = blocks.find((b) => b.elements?.some((e) => e.type === 'static_select'));
    expect(select?.block_id).toMatch(/^csp-data:/);
    await slack.action('UADMIN', { type: 'static_select', block_id: select!.block_id, action_id: select!.elements![0]!.action_id, selected_option: { value: adatum.id } });
    await expect.poll(() => invitations().length, { timeout: 10_000 }).toBe(2);
    expect(invitations()[1]).toMatchObject({ companyName: 'Tailspin', customerEmail: 'ugo@tailspin.example', providerId: adatum.id });
  });
});
