import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { startSlackApi, type SlackApi, type SlackCall } from '../../fakes/slack-api.js';
import { slackClient, type SlackClient } from '../../fakes/slack-client.js';
import { contact } from '../../helpers.js';
import type { Actor } from '../../../bot/service/actor.js';
import { ACK_BUDGET_MS } from '../../../bot/slack/listeners/modals.js';

const SECRET = 'test-signing-secret';
const ADMIN = 'UADMIN';
const SALES = 'USALES';
const ITALIAN = 'UITALO';
const admin: Actor = { platform: 'slack', userId: ADMIN, displayName: 'Alice', locale: 'en' };

let bot: Awaited<ReturnType<typeof startBot>>;
let api: SlackApi;
let slack: SlackClient;

beforeEach(async () => {
  api = await startSlackApi({
    [ADMIN]: { name: 'Alice Admin' },
    [SALES]: { name: 'Bob Sales' },
    [ITALIAN]: { name: 'Italo Rossi', locale: 'it-IT', tz: 'Europe/Rome' },
  });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
  slack = slackClient(bot.url, SECRET, api.responseUrl);
});
afterEach(async () => {
  await bot.stop();
  await api.close();
});

type Block = Record<string, unknown> & { type: string; elements?: Array<Record<string, unknown>>; accessory?: Record<string, unknown> };
const blocksOf = (call: SlackCall) => (call.args.blocks ?? (call.args.view as { blocks?: unknown[] } | undefined)?.blocks ?? []) as Block[];
/** Every interactive element of a message or modal. */
const elementsOf = (call: SlackCall) =>
  blocksOf(call).flatMap((b) => [
    ...(b.elements ?? []),
    ...(b.accessory ? [b.accessory] : []),
    ...(b.element ? [b.element as Record<string, unknown>] : []),
  ]) as Array<Record<string, unknown> & { action_id: string; value?: string }>;
const button = (call: SlackCall, verb: string, n = 0) => elementsOf(call).filter((e) => String(e.action_id).startsWith(`csp:${verb}:`))[n]!;

/** Runs a command and returns the next call of `method` the bot makes for it. */
async function command(user: string, text: string, method = 'chat.postMessage', where: { channel?: string; channelName?: string } = {}) {
  const after = api.calls.length;
  const res = await slack.command(user, text, where);
  expect(res.status).toBe(200);
  return { res, call: await api.waitFor(method, () => true, { after }) };
}

async function openDraft(user = ADMIN, text = 'invite customer') {
  const { call, res } = await command(user, text, 'views.open');
  expect(call.args.trigger_id).toBe(res.triggerId);
  const view = call.args.view as Record<string, unknown> & { private_metadata: string; blocks: Block[] };
  const meta = JSON.parse(view.private_metadata) as { invitationId: string; channel: string };
  const body = (view.blocks.find((b) => b.block_id === 'body')!.element as { initial_value: string }).initial_value;
  const link = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/.exec(body)![0];
  return { view, meta, body, link };
}

const draftValues = (body: string, acquisition = 'own-marketing') => ({
  subject: { type: 'plain_text_input', value: 'Reseller relationship' },
  body: { type: 'plain_text_input', value: body },
  acquisition: { type: 'static_select', selected_option: { value: acquisition } },
});

async function acceptedCustomer(companyName = 'Contoso Ltd') {
  const draft = await openDraft();
  expect((await slack.submit(ADMIN, draft.view, draftValues(draft.body))).status).toBe(200);
  await bot.service.acceptInvitation(draft.link.split('/').pop()!, { ...contact(), companyName });
  return draft;
}

describe('Slack surface', () => {
  it('acknowledges /csp help at once and posts the help in the channel', async () => {
    const { res, call } = await command(ADMIN, 'help');
    expect(res.text).toBe('');
    expect(call.args.channel).toBe('C0SALES');
    expect(call.args.text).toBe('What I can do');
    expect(blocksOf(call)[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'What I can do', emoji: true } });
    expect(api.text(call)).toContain('`/csp invite customer [company] [email] [with provider &lt;name&gt;]`');
    expect(await api.waitFor('users.info')).toMatchObject({ args: { user: ADMIN, include_locale: 'true' } });
  });

  it('answers an @mention in a channel and a direct message', async () => {
    await slack.event({ type: 'app_mention', user: ADMIN, text: '<@UBOT> list customers', channel: 'C0SALES', ts: '1.1' }, 'Ev1');
    expect(api.text(await api.waitFor('chat.postMessage'))).toContain('Customers');
    const after = api.calls.length;
    await slack.event({ type: 'message', channel_type: 'im', user: ADMIN, text: 'whoami', channel: 'D0ALICE', ts: '1.2' }, 'Ev2');
    const reply = await api.waitFor('chat.postMessage', () => true, { after });
    expect(reply.args.channel).toBe('D0ALICE');
    expect(reply.args.text).toContain('Global admin');
  });

  it('opens the email draft modal, refuses a body without the link as a field error, then marks it sent', async () => {
    const draft = await openDraft();
    expect(draft.view).toMatchObject({ type: 'modal', callback_id: 'invitation.draft', submit: { text: 'Done' } });
    expect(draft.meta.channel).toBe('C0SALES');

    const refused = await slack.submit(ADMIN, draft.view, draftValues('Please accept our invitation.'));
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { body: expect.stringContaining('Keep the invitation link in the email') },
    });
    expect(bot.service.getInvitation(admin, draft.meta.invitationId).status).toBe('draft');

    const after = api.calls.length;
    const done = await slack.submit(ADMIN, draft.view, draftValues(`Please accept: ${draft.link}`, 'microsoft-referral'));
    expect(done.status).toBe(200);
    expect(done.text).toBe('');
    const invitation = bot.service.getInvitation(admin, draft.meta.invitationId);
    // Stored without the link (only the token's hash is kept); shown with it, from the modal's token.
    expect(invitation).toMatchObject({ status: 'sent', acquisition: 'microsoft-referral', body: 'Please accept: {invitation-link}' });
    expect(bot.service.getInvitation(admin, draft.meta.invitationId, JSON.parse(draft.view.private_metadata).token).body).toBe(`Please accept: ${draft.link}`);
    const sent = await api.waitFor('chat.postMessage', () => true, { after });
    expect(sent.args.channel).toBe('C0SALES');
    expect(api.text(sent)).toContain('Invitation sent');
    expect(api.text(sent)).toContain(`Please accept: ${draft.link}`);
    // An explicit link, its `&` written as Slack's entity (as Slack itself writes links).
    expect(api.text(sent)).toMatch(/<mailto:\?subject=Reseller%20relationship&amp;body=Please%20accept[^|>]*\|Open in your email app>/);
    // Submitting the same modal again is harmless: still one "sent" in the audit.
    expect((await slack.submit(ADMIN, draft.view, draftValues(`Please accept: ${draft.link}`))).status).toBe(200);
    expect(bot.service.listAudit(admin).filter((e) => e.action === 'invitation.sent')).toHaveLength(1);
  });

  it('invites with a provider chosen from a select, then opens the draft naming both', async () => {
    await command(ADMIN, 'add provider Contoso Distribution');
    await command(ADMIN, 'add provider Fabrikam Distribution');
    const { call: picker } = await command(ADMIN, 'invite customer with provider');
    expect(api.text(picker)).toContain('Invite a customer with an indirect provider');
    const select = button(picker, 'invitation.draftWithProvider') as unknown as {
      options: Array<{ text: { text: string }; value: string }>;
      action_id: string;
    };
    const fabrikam = select.options.find((o) => o.text.text === 'Fabrikam Distribution')!;

    const after = api.calls.length;
    const res = await slack.action(
      ADMIN,
      { type: 'static_select', action_id: select.action_id, selected_option: fabrikam },
      { messageTs: picker.result.ts as string },
    );
    expect(res.status).toBe(200);
    const modal = await api.waitFor('views.open', () => true, { after });
    expect(modal.args.trigger_id).toBe(res.triggerId);
    expect(api.text(modal)).toContain('Invite a customer with Fabrikam Distribution');
    const updated = await api.waitFor('chat.update', () => true, { after });
    expect(api.text(updated)).toContain('Fabrikam Distribution');
    const { invitationId } = JSON.parse((modal.args.view as { private_metadata: string }).private_metadata) as { invitationId: string };
    expect(bot.service.getInvitation(admin, invitationId)).toMatchObject({ acquisition: 'indirect-provider', providerName: 'Fabrikam Distribution' });
  });

  it("posts the acceptance in every subscribed channel and turns the inviter's message into it", async () => {
    await command(ADMIN, 'notify here', 'chat.postMessage', { channel: 'C0NEWS', channelName: 'customer-news' });
    const draft = await openDraft();
    await slack.submit(ADMIN, draft.view, draftValues(draft.body));
    const sent = await api.waitFor('chat.postMessage', (c) => api.text(c).includes('Invitation sent'));

    const after = api.calls.length;
    await bot.service.acceptInvitation(draft.link.split('/').pop()!, { ...contact(), companyName: '<script>alert(1)</script> & Co' });
    const notice = await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after });
    // The notification text is mrkdwn too: escaped like the blocks.
    expect(notice.args.text).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co accepted the invitation');
    // plain_text (the header) is shown literally; mrkdwn is escaped so nothing becomes markup.
    expect(blocksOf(notice)[0]).toMatchObject({
      type: 'header',
      text: { type: 'plain_text', text: '<script>alert(1)</script> & Co accepted the invitation' },
    });
    const markup = api.mrkdwn(notice).join('\n');
    expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(markup).not.toMatch(/<script|& Co/);
    expect(button(notice, 'customer.show')).toBeDefined();
    const updated = await api.waitFor('chat.update', () => true, { after });
    expect(updated.args).toMatchObject({ channel: 'C0SALES', ts: sent.result.ts });
    expect(updated.args.text).toContain('accepted the invitation');
  });

  it('retries a failed channel post later and does not lose it', async () => {
    await command(ADMIN, 'notify here', 'chat.postMessage', { channel: 'C0NEWS' });
    // Slack's own trouble: worth another try (channel_not_found would drop the subscription).
    api.fail('chat.postMessage', 'internal_error', 1, (args) => args.channel === 'C0NEWS');
    const after = api.calls.length;
    await acceptedCustomer();
    // The refused post was tried and its failure recorded (no sleep: wait for the record itself).
    await expect.poll(() => [...bot.store.all('deliveries')].map((d) => d.attempts)).toEqual([1]);
    expect(api.failed.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0NEWS')).toHaveLength(1);
    expect(api.calls.slice(after).some((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0NEWS')).toBe(false);
    // Retried once due (10 ms in this bot), by polling rather than after a fixed sleep.
    await expect.poll(async () => (await bot.dispatcher.runDue(), bot.store.count('deliveries'))).toBe(0);
    expect(api.text(await api.waitFor('chat.postMessage', (c) => c.args.channel === 'C0NEWS', { after }))).toContain(
      'Contoso Ltd accepted the invitation',
    );
    expect(bot.store.count('deliveries')).toBe(0);
  });

  it('lists customers with search and details: account, subscriptions, users, licenses', async () => {
    await acceptedCustomer('Contoso Ltd');
    const { call: list } = await command(ADMIN, 'list customers');
    expect(api.text(list)).toContain('Contoso Ltd');
    const search = blocksOf(list).find((b) => b.block_id === 'search')!;
    expect(search).toMatchObject({ type: 'input', dispatch_action: true });

    let after = api.calls.length;
    await slack.action(
      ADMIN,
      { type: 'plain_text_input', action_id: (search.element as { action_id: string }).action_id, value: 'nomatch' },
      { messageTs: list.result.ts as string },
    );
    const searched = await api.waitFor('chat.update', () => true, { after });
    expect(searched.args.ts).toBe(list.result.ts);
    expect(api.text(searched)).toContain('No customer matches "nomatch"');

    after = api.calls.length;
    const details = button(list, 'customer.show');
    await slack.action(
      ADMIN,
      { type: 'button', action_id: details.action_id, value: details.value },
      { messageTs: list.result.ts as string },
    );
    const shown = api.text(await api.waitFor('chat.postMessage', () => true, { after }));
    for (const heading of ['Contoso Ltd', 'contoso.com', '0 users, 0 subscriptions', 'Subscriptions', 'Users', 'Licenses'])
      expect(shown).toContain(heading);
  });

  it('refuses a user without an admin role, with no modal and nothing stored', async () => {
    await command(ADMIN, 'grant sales-agent slack:USALES');
    const before = bot.store.count('invitations');
    const { call } = await command(SALES, 'invite customer');
    expect(call.args.text).toContain('Only a Global admin or an Admin agent can do that');
    expect(api.calls.some((c) => c.method === 'views.open')).toBe(false);
    expect(bot.store.count('invitations')).toBe(before);
  });

  it('removes a relationship only with the attestation ticked; a repeated submission is harmless', async () => {
    await acceptedCustomer('Contoso Ltd');
    const { call } = await command(ADMIN, 'remove relationship Contoso', 'views.open');
    const view = call.args.view as Record<string, unknown> & { private_metadata: string };
    expect(view).toMatchObject({ callback_id: 'removal.attest', submit: { text: 'Remove relationship' } });
    const checkbox = (view.blocks as Block[]).find((b) => b.block_id === 'attest')!;
    expect(checkbox).toMatchObject({ type: 'input', element: { type: 'checkboxes' } });
    expect(checkbox.optional).toBeUndefined();
    expect(api.text(call)).toContain('Delegated admin privileges (DAP) stay as they are');

    const refused = await slack.submit(ADMIN, view, { attest: { type: 'checkboxes', selected_options: [] } });
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { attest: 'Tick the attestation to confirm the removal, or choose Cancel.' },
    });
    expect(bot.service.listCustomers(admin, {}).total).toBe(1);

    const after = api.calls.length;
    const ticked = { attest: { type: 'checkboxes', selected_options: [{ value: 'attest' }] } };
    expect((await slack.submit(ADMIN, view, ticked)).text).toBe('');
    expect(bot.service.listCustomers(admin, {}).total).toBe(0);
    expect(api.text(await api.waitFor('chat.postMessage', () => true, { after }))).toContain('Relationship with Contoso Ltd removed');
    expect((await slack.submit(ADMIN, view, ticked)).status).toBe(200);
    expect(bot.service.listAudit(admin).filter((e) => e.action === 'removal.confirmed')).toHaveLength(1);
  });

  it('updates the details message the removal started from, so nobody acts on it twice', async () => {
    await acceptedCustomer('Contoso Ltd');
    const { call: details } = await command(ADMIN, 'customer Contoso');
    const remove = button(details, 'removal.request');
    let after = api.calls.length;
    await slack.action(
      ADMIN,
      { type: 'button', action_id: remove.action_id, value: remove.value },
      { messageTs: details.result.ts as string },
    );
    const modal = await api.waitFor('views.open', () => true, { after });
    after = api.calls.length;
    await slack.submit(ADMIN, modal.args.view!, { attest: { type: 'checkboxes', selected_options: [{ value: 'attest' }] } });
    const updated = await api.waitFor('chat.update', () => true, { after });
    expect(updated.args.ts).toBe(details.result.ts);
    expect(api.text(updated)).toContain('Relationship with Contoso Ltd removed');
  });

  it('speaks Italian to a user whose Slack locale is it-IT', async () => {
    await command(ADMIN, 'grant admin-agent slack:UITALO');
    const { call: help } = await command(ITALIAN, 'aiuto');
    expect(help.args.text).toBe('Cosa posso fare');
    const draft = await openDraft(ITALIAN, 'invita cliente');
    expect(api.text({ method: 'views.open', args: { view: draft.view }, result: {} })).toContain('Richiedi una relazione come rivenditore');
    const refused = await slack.submit(ITALIAN, draft.view, draftValues('Senza link'));
    expect((refused.json as { errors: { body: string } }).errors.body).toContain("Lascia il link dell'invito");
  });

  it('publishes an App Home with the role, the figures and the main commands', async () => {
    await acceptedCustomer('Contoso Ltd');
    await slack.event({ type: 'app_home_opened', user: ADMIN, channel: 'D0ALICE', tab: 'home' }, 'EvHome');
    const home = await api.waitFor('views.publish');
    expect(home.args.user_id).toBe(ADMIN);
    expect(home.args.view).toMatchObject({ type: 'home' });
    const text = api.text(home);
    for (const expected of ['Your role: Global admin', 'Customers', 'Pending invitations', 'Contoso Ltd', 'Invite a customer'])
      expect(text).toContain(expected);

    const after = api.calls.length;
    const list = button(home, 'command', 1);
    await slack.action(ADMIN, { type: 'button', action_id: list.action_id, value: list.value }, { home: true });
    const reply = await api.waitFor('chat.postMessage', () => true, { after });
    expect(reply.args.channel).toBe(ADMIN);
    expect(api.text(reply)).toContain('Contoso Ltd');
  });

  it('acts once on an event Slack delivers twice (retry)', async () => {
    const event = { type: 'app_mention', user: ADMIN, text: '<@UBOT> whoami', channel: 'C0SALES', ts: '1.1' };
    // The retry is signed anew, at another time (as Slack does): only the event id tells it apart.
    const now = Math.floor(Date.now() / 1000);
    expect((await slack.event(event, 'EvDup', { timestamp: now - 1 })).status).toBe(200);
    await api.waitFor('chat.postMessage');
    const retry = { timestamp: now, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } };
    expect((await slack.event(event, 'EvDup', retry)).status).toBe(200);
    // Everything acknowledged so far has been handled to its end: a second reply would be posted by now.
    await bot.idle();
    expect(api.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('answers privately through response_url when the bot is not in the channel', async () => {
    api.fail('chat.postMessage', 'not_in_channel', 1);
    await slack.command(ADMIN, 'help', { channel: 'C0PRIVATE' });
    const reply = await api.waitFor('respond');
    expect(reply.args).toMatchObject({ response_type: 'ephemeral', text: 'What I can do' });
    expect(api.text(reply)).toContain('invite me with `/invite @CSP Connect`');
  });

  it('rejects unsigned, stale and tampered requests with 401, changing nothing', async () => {
    const seen = () => api.calls.filter((c) => c.method !== 'auth.test').length;
    const before = { calls: seen(), invitations: bot.store.count('invitations') };
    const unsigned = await slack.command(ADMIN, 'invite customer', {}, { signature: null });
    const stale = await slack.command(ADMIN, 'invite customer', {}, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const tampered = await slack.command(ADMIN, 'help', {}, { tamper: (body) => body.replace('text=help', 'text=invite+customer') });
    const forged = await slack.command(ADMIN, 'invite customer', {}, { signature: `v0=${'0'.repeat(64)}` });
    expect([unsigned.status, stale.status, tampered.status, forged.status]).toEqual([401, 401, 401, 401]);
    // No work is under way (work acknowledged by mistake would be awaited here), and none happened.
    await bot.idle();
    expect(seen()).toBe(before.calls);
    expect(bot.store.count('invitations')).toBe(before.invitations);
  });

  it('answers "busy" at once, instead of queueing, when too much work is in flight', async () => {
    const busyBot = await startBot(
      { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl },
      { slackMaxInFlight: 2 },
    );
    try {
      const client = slackClient(busyBot.url, SECRET, api.responseUrl);
      // Held until released below: keeps the first two requests busy after their acknowledgement.
      api.slow('users.info', 60_000);
      const [first, second] = await Promise.all([client.command('UNEW1', 'help'), client.command('UNEW2', 'help')]);
      expect([first.text, second.text]).toEqual(['', '']);
      // Both are still at work (each waits on its users.info) when the third arrives.
      await expect.poll(() => api.waiting('users.info'), { timeout: 10_000 }).toBe(2);
      const third = await client.command('UNEW3', 'help');
      expect(third.status).toBe(200);
      expect(third.json).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('Try again in a few seconds') });
      api.slow('users.info', 0);
      await api.waitFor('chat.postMessage', (c) => c.args.text === 'What I can do');
      await expect.poll(async () => (await client.command('UNEW4', 'help')).text).toBe('');
    } finally {
      await busyBot.stop();
    }
  });

  it('acknowledges a modal submission without waiting for a slow Slack, then posts the result', async () => {
    const draft = await openDraft();
    // Held until released below: Slack never answers users.info while the submission is acknowledged.
    api.slow('users.info', 60_000);
    // A user the bot has not met yet, so users.info must be called (and is slow).
    const startedAt = performance.now();
    const res = await slack.submit('UNEWCOMER', draft.view, draftValues(`Please accept: ${draft.link}`));
    const elapsedMs = performance.now() - startedAt;
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    // The acknowledgement came while users.info was still unanswered (it did not wait for Slack).
    expect(api.waiting('users.info')).toBe(1);
    // It first waited for the work (so field errors could go back in the acknowledgement) for its
    // budget (the timer may fire up to a millisecond early). That it then answered without Slack is
    // the users.info still waiting above; a wall-clock ceiling would only measure the machine.
    expect(elapsedMs).toBeGreaterThanOrEqual(ACK_BUDGET_MS - 5);
    expect(api.calls.some((c) => c.method === 'users.info' && c.args.user === 'UNEWCOMER')).toBe(false);
    api.slow('users.info', 0);
    // UNEWCOMER has no role: the refusal arrives as a message once the work is done.
    const refused = await api.waitFor('chat.postMessage', (c) => String(c.args.text).includes("You don't have a role"), {
      timeoutMs: 6_000,
    });
    expect(refused.args.channel).toBe('C0SALES');
  });
});
