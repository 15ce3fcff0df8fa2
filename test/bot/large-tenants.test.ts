/**
 * Real-sized tenants (26 customers of 300 users, 15 subscriptions and 24 license types) through
 * the real HTTP surfaces, in English and Italian: every Teams activity stays under 28 KB and every
 * Slack message within Block Kit's limits, the list carries rows only, and details open on the
 * summary with the long sections folded, unfold on request and page through users, subscriptions
 * and licenses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { startSlackApi, type SlackApi, type SlackCall } from '../fakes/slack-api.js';
import { slackClient, type SlackClient } from '../fakes/slack-client.js';
import { blockKitProblems, jsonBytes, TEAMS_LIMIT_BYTES } from '../fakes/platform-limits.js';
import { putLargeCustomers } from '../helpers.js';

const SECRET = 'test-signing-secret';
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const users: Record<'en' | 'it', { teams: TeamsUser; slack: string }> = {
  en: { teams: { aadObjectId: 'aad-admin', name: 'Alice Admin' }, slack: 'UADMIN' },
  it: { teams: { aadObjectId: 'aad-admin', name: 'Alice Admin', locale: 'it-IT' }, slack: 'UITALO' },
};
const words = {
  en: {
    list: 'list customers',
    showing: '26 customers, showing 1-10',
    counts: '300 users, 15 subscriptions',
    summary: '300 users, 15 subscriptions, 24 license types, 1 relationship',
    users: 'Users (1-10 of 300)',
    nextUsers: 'Next users',
    users2: 'Users (11-20 of 300)',
    subs2: 'Subscriptions (11-15 of 15)',
    licenses: 'Licenses (1-10 of 24)',
    nextLicenses: 'Next licenses',
    licenses2: 'Licenses (11-20 of 24)',
    show: 'Show ▼',
    blocked: 'plan 3 (22) and 12 more.',
  },
  it: {
    list: 'elenca clienti',
    showing: '26 clienti, visualizzati 1-10',
    counts: '300 utenti, 15 sottoscrizioni',
    summary: '300 utenti, 15 sottoscrizioni, 24 tipi di licenza, 1 relazione',
    users: 'Utenti (1-10 di 300)',
    nextUsers: 'Utenti successivi',
    users2: 'Utenti (11-20 di 300)',
    subs2: 'Sottoscrizioni (11-15 di 15)',
    licenses: 'Licenze (1-10 di 24)',
    nextLicenses: 'Licenze successive',
    licenses2: 'Licenze (11-20 di 24)',
    show: 'Mostra ▼',
    blocked: 'plan 3 (22) e altre 12.',
  },
};

let bot: Awaited<ReturnType<typeof startBot>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
let teams: ReturnType<typeof teamsClient>;
let api: SlackApi;
let slack: SlackClient;

beforeEach(async () => {
  connector = await startConnector();
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin' }, UITALO: { name: 'Italo Rossi', locale: 'it-IT' } });
  bot = await startBot({
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: api.apiUrl,
    BOOTSTRAP_ADMINS: 'teams:aad-admin,slack:UADMIN,slack:UITALO',
  });
  teams = teamsClient(bot.url, connector.url);
  slack = slackClient(bot.url, SECRET, api.responseUrl);
  await putLargeCustomers(bot.store, 26, { licenses: 24 });
});
afterEach(async () => {
  await bot.stop();
  await connector.close();
  await api.close();
});

type Action = { type: string; verb: string; title: string; data: Record<string, string | number> };
const executeActions = (card: unknown): Action[] => {
  const found: Action[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute') found.push(o as Action);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
};
const lastCard = () => connector.calls.at(-1)!.body.attachments![0]!.content;
/** The element of a card with this id (a folding section's lines, its chevrons). */
const byId = (card: unknown, id: string): Record<string, unknown> | undefined => {
  if (Array.isArray(card)) return card.map((c) => byId(c, id)).find(Boolean);
  if (!card || typeof card !== 'object') return undefined;
  const o = card as Record<string, unknown>;
  return o.id === id
    ? o
    : Object.values(o)
        .map((v) => byId(v, id))
        .find(Boolean);
};
/** Whether a section's lines show: folded ones are in the card, hidden until their title is clicked. */
const shows = (card: unknown, key: string) => byId(card, `section-${key}`)!.isVisible === true;
/** The client-side toggle of a section (its title row), with the elements it shows and hides. */
const toggleOf = (card: unknown, key: string) => {
  const found: Array<Record<string, unknown>> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.ToggleVisibility') found.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found.find((a) => (a.targetElements as string[]).includes(`section-${key}`));
};
/** Every activity Teams received so far, and every invoke answer, is under the limit. */
const invokeAnswers: unknown[] = [];
function expectTeamsWithinLimit() {
  for (const call of connector.calls) expect(jsonBytes(call.body), `${call.method} ${call.path}`).toBeLessThan(TEAMS_LIMIT_BYTES);
  for (const answer of invokeAnswers) expect(jsonBytes(answer)).toBeLessThan(TEAMS_LIMIT_BYTES);
}
const withBlocks = (c: SlackCall) => c.args.blocks !== undefined || c.args.view !== undefined;
function expectSlackWithinLimits() {
  const checked = api.calls.filter(withBlocks);
  expect(checked.length).toBeGreaterThan(0);
  for (const call of checked) {
    const payload = (call.args.view ?? call.args) as Record<string, unknown>;
    expect(blockKitProblems(payload, call.args.view !== undefined), call.method).toEqual([]);
  }
}

describe.each(['en', 'it'] as const)('tenants of 300 users, 15 subscriptions and 24 license types (%s)', (locale) => {
  const w = words[locale];
  const user = users[locale].teams;

  it('Teams: the list carries rows and counts only; details open on request on the summary, fold long sections and page through users, subscriptions and licenses', async () => {
    invokeAnswers.length = 0;
    await teams.say(user, personal, w.list);
    const list = lastCard();
    const text = cardText(list);
    expect(text).toContain(w.showing);
    expect(text).toContain(w.counts);
    expect(text).not.toContain('bartolomeo.cristoforetti'); // no user of any customer rides along
    const opens = executeActions(list).filter((a) => a.verb === 'customer.show');
    expect(opens).toHaveLength(10);

    for (const page of [2, 3]) {
      const res = await teams.invoke(user, personal, 'customers.page', { page, query: '' });
      invokeAnswers.push(res.body);
      expect(cardText(res.body.value)).toContain(page === 3 ? '21-26' : '11-20');
    }

    // Details: a new card, the summary first, with the first ten users and subscriptions folded.
    const opened = await teams.invoke(user, personal, 'customer.show', opens[0]!.data);
    invokeAnswers.push(opened.body);
    const details = lastCard();
    const shown = cardText(details);
    expect((details.body as Array<{ text?: string }>)[1]!.text).toBe(w.summary);
    expect(shown).toContain(w.users);
    expect(shown).toMatch(/User 010 Bartolomeo/);
    expect(shown).not.toMatch(/User 011 Bartolomeo/);
    for (const key of ['subscriptions', 'users', 'licenses']) {
      expect(shows(details, key), key).toBe(false);
      // The title row unfolds it in the client, and swaps the down chevron for the up one.
      expect(toggleOf(details, key)!.targetElements).toEqual([`section-${key}`, `section-${key}-down`, `section-${key}-up`]);
      expect(byId(details, `section-${key}-down`)).toMatchObject({ text: '▼', isVisible: true });
    }
    expect(shows(details, 'relationships')).toBe(true);
    // What blocks a removal names the first active subscriptions and counts the rest, under the summary.
    expect(shown).toContain(w.blocked);
    expect(shown).not.toContain('plan 4 (23)');

    // Next users, in place: users 11-20, subscriptions where they were.
    const next = executeActions(details).find((a) => a.title === w.nextUsers)!;
    const page2 = await teams.invoke(user, personal, next.verb, next.data);
    invokeAnswers.push(page2.body);
    expect(page2.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const page2Text = cardText(page2.body.value);
    expect(page2Text).toContain(w.users2);
    expect(page2Text).toMatch(/User 011 Bartolomeo/);
    expect(page2Text).toMatch(/plan 1:/);
    // The list paged stays unfolded on the new card.
    expect(shows(page2.body.value, 'users')).toBe(true);
    expect(shows(page2.body.value, 'subscriptions')).toBe(false);

    // Next licenses: licenses 11-20, users still on their second page.
    const nextLicenses = executeActions(page2.body.value).find((a) => a.title === w.nextLicenses)!;
    expect(nextLicenses.data).toMatchObject({ customerId: opens[0]!.data.customerId, licenses: 2, users: 2, open: 'licenses' });
    const licenses2 = await teams.invoke(user, personal, nextLicenses.verb, nextLicenses.data);
    invokeAnswers.push(licenses2.body);
    const licenses2Text = cardText(licenses2.body.value);
    expect(licenses2Text).toContain(w.licenses2);
    expect(licenses2Text).toContain('Add-on 11 Microsoft Defender');
    expect(licenses2Text).not.toContain('Add-on 10 Microsoft Defender');
    expect(licenses2Text).toContain(w.users2);
    expect(shows(licenses2.body.value, 'licenses')).toBe(true);

    // The rest of the subscriptions, from a client without Universal Actions (the card is updated).
    const moreSubs = executeActions(page2.body.value).find((a) => String(a.data.subscriptions) === '2')!;
    await teams.submit(user, personal, { ...moreSubs.data }, 'activity-7');
    const updated = connector.calls.at(-1)!;
    expect(updated.method).toBe('PUT');
    expect(cardText(updated)).toContain(w.subs2);
    expect(cardText(updated)).toContain(w.users2);

    await teams.say(user, personal, `${locale === 'it' ? 'cliente' : 'customer'} large-tenant-25.example.com`);
    expect(cardText(connector.calls.at(-1))).toContain(w.counts);
    expectTeamsWithinLimit();
    expect(connector.calls.map((c) => cardText(c)).join('\n')).not.toMatch(/left out|omesso/);
  });

  it('Slack: list, details, unfolded users and the next pages of users and licenses stay within Block Kit limits', async () => {
    const who = users[locale].slack;
    const after = api.calls.length;
    await slack.command(who, w.list);
    const list = await api.waitFor('chat.postMessage', () => true, { after });
    expect(api.text(list)).toContain(w.showing);
    expect(api.text(list)).toContain(w.counts);
    expect(api.text(list)).not.toContain('bartolomeo.cristoforetti');

    const button = (call: SlackCall, verb: string, title?: string) =>
      (call.args.blocks as Array<Record<string, unknown>>)
        .flatMap((b) => [
          ...((b.elements as Array<Record<string, unknown>>) ?? []),
          ...(b.accessory ? [b.accessory as Record<string, unknown>] : []),
        ])
        .find((e) => String(e.action_id).startsWith(`csp:${verb}:`) && (!title || (e.text as { text: string }).text === title))!;
    const open = button(list, 'customer.show');
    const mark = api.calls.length;
    await slack.action(who, { type: 'button', action_id: open.action_id, value: open.value }, { messageTs: list.result.ts as string });
    const details = await api.waitFor('chat.postMessage', () => true, { after: mark });
    // The summary first; the long sections show their titles, each with a button that unfolds it.
    expect(api.text(details)).toContain(w.summary);
    expect(api.text(details)).toContain(w.users);
    expect(api.text(details)).not.toContain('User 001 Bartolomeo');
    const ts = details.result.ts as string;
    /** The button beside a section's title. */
    const unfold = (call: SlackCall, title: string) => {
      const row = (call.args.blocks as Array<Record<string, unknown>>).find((b) => JSON.stringify(b.text ?? '').includes(title))!;
      const toggle = row.accessory as Record<string, unknown>;
      expect((toggle.text as { text: string }).text).toBe(w.show);
      return toggle;
    };
    const press = async (element: Record<string, unknown>) => {
      const at = api.calls.length;
      await slack.action(who, { type: 'button', action_id: element.action_id, value: element.value }, { messageTs: ts });
      const updated = await api.waitFor('chat.update', () => true, { after: at });
      expect(updated.args.ts).toBe(ts);
      return updated;
    };

    const unfolded = await press(unfold(details, w.users));
    expect(api.text(unfolded)).toMatch(/User 010 Bartolomeo/);
    const page2 = await press(button(unfolded, 'customer.page', w.nextUsers));
    expect(api.text(page2)).toContain(w.users2);
    expect(api.text(page2)).toMatch(/User 020 Bartolomeo/);

    // Licenses: unfolded, then their second page, the users still on theirs.
    const licenses = await press(unfold(page2, w.licenses));
    expect(api.text(licenses)).toContain('Add-on 10 Microsoft Defender');
    expect(api.text(licenses)).not.toMatch(/User 020 Bartolomeo/);
    const licenses2 = await press(button(licenses, 'customer.page', w.nextLicenses));
    expect(api.text(licenses2)).toContain(w.licenses2);
    expect(api.text(licenses2)).toContain('Add-on 11 Microsoft Defender');
    expect(api.text(licenses2)).toContain(w.users2);
    expectSlackWithinLimits();
  });
});

describe('details on request', () => {
  it('go back through the service: refused without a role, for a customer that is not listed, and clamped to what exists', async () => {
    const stranger = { aadObjectId: 'aad-stranger', name: 'Stranger' };
    const refused = await teams.invoke(stranger, personal, 'customer.page', { customerId: 'big-Large-000', users: 2, subscriptions: 1 });
    expect(refused.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(cardText(connector.calls.at(-1))).toContain('grant sales-agent teams:aad-stranger');
    expect(cardText(connector.calls.at(-1))).not.toContain('Bartolomeo');
    await teams.invoke(users.en.teams, personal, 'customer.show', { customerId: 'made-up' });
    expect(cardText(connector.calls.at(-1))).toContain('No customer in your list matches "made-up"');
    // A page past the end is the last page; a section the details do not have unfolds nothing.
    const clamped = await teams.invoke(users.en.teams, personal, 'customer.page', {
      customerId: 'big-Large-000',
      licenses: 999,
      open: 'secrets',
    });
    expect(cardText(clamped.body.value)).toContain('Licenses (21-24 of 24)');
    for (const key of ['subscriptions', 'users', 'licenses']) expect(shows(clamped.body.value, key), key).toBe(false);
  });
});

describe('a tenant of 800 users, 60 subscriptions and 40 license types', () => {
  it('opens within 28 KB in Teams and within Block Kit limits in Slack, on the summary, whatever is unfolded or paged', async () => {
    await putLargeCustomers(bot.store, 1, { users: 800, subscriptions: 60, licenses: 40, prefix: 'Huge' });
    const alice = users.en.teams;
    invokeAnswers.length = 0;
    await teams.say(alice, personal, 'customer huge-tenant-0.example.com');
    expect(cardText(lastCard())).toContain('800 users, 60 subscriptions, 40 license types, 1 relationship');
    for (const data of [
      { users: 80, subscriptions: 6, licenses: 4, open: 'users' },
      { users: 2, subscriptions: 3, licenses: 2, open: 'subscriptions' },
    ]) {
      const answer = await teams.invoke(alice, personal, 'customer.page', { customerId: 'big-Huge-000', ...data });
      invokeAnswers.push(answer.body);
      expect(answer.body.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(shows(answer.body.value, data.open)).toBe(true);
    }
    expectTeamsWithinLimit();
    expect(connector.calls.map((c) => cardText(c)).join('\n')).not.toMatch(/left out/);

    const after = api.calls.length;
    await slack.command('UADMIN', 'customer huge-tenant-0.example.com');
    const posted = await api.waitFor('chat.postMessage', () => true, { after });
    const open = (posted.args.blocks as Array<Record<string, unknown>>)
      .flatMap((b) => (b.accessory ? [b.accessory as Record<string, string>] : []))
      .at(-1)!;
    await slack.action(
      'UADMIN',
      { type: 'button', action_id: open.action_id, value: open.value },
      { messageTs: posted.result.ts as string },
    );
    const unfolded = await api.waitFor('chat.update', () => true, { after });
    expect(api.text(unfolded)).toContain('Licenses (1-10 of 40)');
    expect(api.text(unfolded)).toContain('Add-on 10 Microsoft Defender');
    expectSlackWithinLimits();
  });
});

describe('an activity too large for Teams', () => {
  it('is replaced by a shorter card that says what was left out, in a reply and in an invoke answer', async () => {
    // A directory can hand over anything: one subscription whose name alone is 40,000 characters.
    const template = bot.store.get('customers', 'big-Large-000')!;
    const relationship = bot.store.get('relationships', 'rel-big-Large-000')!;
    await bot.store.transact((tx) => {
      const huge = { ...template, id: 'huge', domain: 'huge.example.com', companyName: 'Huge Tenant' };
      tx.put('customers', {
        ...huge,
        subscriptions: [{ id: 'huge-sub', offer: 'X'.repeat(40_000), quantity: 1, status: 'active' as const, renewsOn: null }],
      });
      tx.put('relationships', { ...relationship, id: 'rel-huge', customerId: 'huge' });
    });
    const alice = users.en.teams;
    await teams.say(alice, personal, 'customer huge.example.com');
    const reply = connector.calls.at(-1)!;
    expect(jsonBytes(reply.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
    expect(cardText(reply)).toContain('Huge Tenant');
    expect(cardText(reply)).toMatch(/I left out the content of this card: at \d+ KB it is larger than Teams accepts \(28 KB\)/);
    expect(cardText(reply)).not.toContain('XXXXXXXXXX');

    const answer = await teams.invoke(alice, personal, 'customer.page', { customerId: 'huge', users: 2, subscriptions: 1 });
    expect(answer.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(jsonBytes(answer.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
    expect(cardText(answer.body.value)).toContain('I left out the content of this card');
    expect(bot.logs.some((l) => l.msg === 'Teams activity too large; sent a shorter card instead')).toBe(true);

    // Slack clips the same details to its limits instead.
    const after = api.calls.length;
    await slack.command('UADMIN', 'customer huge.example.com');
    const posted = await api.waitFor('chat.postMessage', () => true, { after });
    expect(blockKitProblems(posted.args as Record<string, unknown>, false)).toEqual([]);
    expect(api.text(posted)).toContain('Huge Tenant');
  });
});
