/**
 * `gaps` (Italian `lacune`) with the embedded directory: the kinds this deployment can have with
 * their counts, one kind paged, each row with its fix for those who may use it. Through Teams
 * (/api/messages), Slack (/slack/events) and the terminal, in English and Italian, on a
 * 2,000-customer book with real-sized names, within Teams' 28 KB and Slack's block limits.
 */
import { describe, expect, it } from 'vitest';
import { cardText } from '../fakes/connector.js';
import { slackClient } from '../fakes/slack-client.js';
import { SLACK_SECRET, useStack } from './stack.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { TEAMS_LIMIT_BYTES, blockKitProblems, jsonBytes } from '../fakes/platform-limits.js';
import { createChatSession } from '../../bot/cli/session.js';
import { customerRecord, invitationRecord, relationshipRecord } from '../records.js';
import { button } from './card-actions.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const HOSTILE = '*Evil* _Co_ <!channel> [Verify](https://evil.example)';

const s = useStack({ slackUsers: { UADMIN: { name: 'Sam Slack', locale: 'it-IT' } } });

/** The text of every TextBlock on a card (what Teams renders as markdown). */
function textBlocks(card: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') found.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/**
 * A book of `count` customers, each with a long name, a reseller relationship and the accepted
 * invitation that named Contoso Distribution as its provider; all but the first lack that
 * provider relationship (records as an import or an older data file could leave them).
 */
async function seedBook(count: number) {
  await s.bot.store.transact((tx) => {
    tx.put('providers', { id: 'prov-contoso', name: 'Contoso Distribution', tenantId: null, createdAt: '2026-01-01T00:00:00.000Z' });
    for (let i = 0; i < count; i++) {
      const n = String(i).padStart(4, '0');
      const name = i === 1 ? HOSTILE : `Customer ${n} ${'Holding Internazionale S.p.A. '.repeat(3).trim()}`;
      tx.put(
        'customers',
        customerRecord(`cust-${n}`, name, `customer-${n}.example`, {
          contact: { name: 'IT', email: `it-admin-${i}@customer-${n}.example` },
        }),
      );
      tx.put('relationships', relationshipRecord(`rel-${n}`, `cust-${n}`, { invitationId: `inv-${n}` }));
      if (i === 0) tx.put('relationships', relationshipRecord(`prel-${n}`, `cust-${n}`, { kind: 'provider', providerId: 'prov-contoso' }));
      tx.put(
        'invitations',
        invitationRecord(`inv-${n}`, {
          status: 'accepted',
          acquisition: 'indirect-provider',
          providerId: 'prov-contoso',
          companyName: name,
          customerEmail: `it-admin-${i}@customer-${n}.example`,
          sentAt: '2026-11-01T00:00:00.000Z',
          acceptedAt: '2026-11-02T00:00:00.000Z',
          customerId: `cust-${n}`,
        }),
      );
    }
  });
}

describe('gaps with the embedded directory', () => {
  it('Teams: 2,000 customers, the provider gap counted and paged within 28 KB, each row with the draft that resends the provider link', async () => {
    await seedBook(2_000);
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'gaps');
    const overview = s.connector.calls.at(-1)!.body;
    expect(jsonBytes(overview)).toBeLessThan(TEAMS_LIMIT_BYTES);
    expect(cardText(overview)).toContain('Gaps in the book');
    expect(cardText(overview)).toContain('only the indirect provider relationships are checked');
    expect(cardText(overview)).toContain('Invited with a provider, but without the provider relationship: 1999 customers');
    // No GDAP with the embedded directory: its gaps are not shown.
    expect(cardText(overview)).not.toContain('Global Administrator');

    const open = button(overview, 'Show', { kind: 'providerWithoutRelationship' })!;
    expect(open).toMatchObject({ verb: 'gaps.page', data: { kind: 'providerWithoutRelationship', page: 1 } });
    const first = await teams.invoke(alice, personal, open.verb, open.data);
    expect(jsonBytes(first.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
    const page = cardText(first.body.value);
    expect(page).toContain('1999 customers in all.');
    expect(page).toContain('Page 1 of 200');
    // Sorted by name; the customer that has its provider relationship is not a gap.
    expect(page).not.toContain('Customer 0000 ');
    expect(page).toContain('Customer 0002 Holding');
    expect(page).toContain(': invited with Contoso Distribution');

    const fix = button(first.body.value, 'Resend provider link', { args: 'Customer 0002 ' })!;
    expect(fix.verb).toBe('command');
    expect(fix.data).toMatchObject({ command: 'invite' });
    expect(fix.data.args).toContain('it-admin-2@customer-0002.example with provider Contoso Distribution');

    const next = button(first.body.value, 'Next')!;
    const second = await teams.invoke(alice, personal, next.verb, next.data);
    expect(jsonBytes(second.body)).toBeLessThan(TEAMS_LIMIT_BYTES);
    expect(cardText(second.body.value)).toContain('Page 2 of 200');
    // A page past the end is the last page (the card's number is re-checked, never trusted).
    const last = await teams.invoke(alice, personal, 'gaps.page', { kind: 'providerWithoutRelationship', page: 9_999 });
    expect(cardText(last.body.value)).toContain('Page 200 of 200');
    expect(cardText(last.body.value)).toContain('Customer 1999 ');

    // The fix is the invitation draft with the customer and the provider filled in.
    const before = [...s.bot.store.all('invitations')].length;
    await teams.invoke(alice, personal, fix.verb, fix.data);
    const drafts = [...s.bot.store.all('invitations')].filter((i) => i.status === 'draft');
    expect([...s.bot.store.all('invitations')]).toHaveLength(before + 1);
    expect(drafts[0]).toMatchObject({ providerId: 'prov-contoso', customerEmail: 'it-admin-2@customer-0002.example' });
    expect(drafts[0]!.companyName).toContain('Customer 0002 Holding');
  });

  it('a name from outside shows as text, never as markup, in Teams and Slack', async () => {
    await seedBook(3);
    const teams = teamsClient(s.bot.url, s.connector.url);
    const res = await teams.invoke(alice, personal, 'gaps.page', { kind: 'providerWithoutRelationship', page: 1 });
    // Teams: the link and emphasis are escaped in the card's text, so no client makes them live.
    const row = textBlocks(res.body.value).find((t) => t.includes('Evil'))!;
    expect(row).toContain('\\*Evil\\* \\_Co\\_');
    expect(row).not.toContain('[Verify](https://evil.example)');
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    const before = s.api.calls.length;
    await slack.command('UADMIN', 'lacune');
    const overview = await s.api.waitFor('chat.postMessage', () => true, { after: before });
    const blocks = (overview.args.blocks ?? []) as Array<{ accessory?: { action_id?: string; value?: string } }>;
    const show = blocks.map((b) => b.accessory).find((a) => a?.action_id?.startsWith('csp:gaps.page'))!;
    const clicked = s.api.calls.length;
    await slack.action('UADMIN', { type: 'button', action_id: show.action_id, value: show.value });
    const page = await s.api.waitFor('chat.update', (c) => JSON.stringify(c.args).includes('Contoso'), { after: clicked });
    // Slack: the row's mrkdwn has the mention and the emphasis made inert (button labels are plain text already).
    const sections = ((page.args.blocks ?? []) as Array<{ text?: { type: string; text: string } }>).map((b) => b.text);
    const slackRow = sections.find((t) => t?.text.includes('Evil'))!;
    expect(slackRow.type).toBe('mrkdwn');
    expect(slackRow.text).toContain('&lt;!channel&gt;');
    expect(slackRow.text).not.toContain('*Evil*');
    expect(slackRow.text).not.toContain('https://evil.example');
  });

  it('Slack, in Italian: `lacune` and a page within Block Kit’s limits at 2,000 customers', async () => {
    await seedBook(2_000);
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    const before = s.api.calls.length;
    await slack.command('UADMIN', 'lacune');
    const overview = await s.api.waitFor('chat.postMessage', () => true, { after: before });
    expect(blockKitProblems(overview.args, false)).toEqual([]);
    expect(s.api.text(overview)).toContain('Lacune del portafoglio clienti');
    expect(s.api.text(overview)).toContain('Invitati con un provider, ma senza la relazione con il provider: 1999 clienti');
    const blocks = (overview.args.blocks ?? []) as Array<{ accessory?: { action_id?: string; value?: string } }>;
    const show = blocks.map((b) => b.accessory).find((a) => a?.action_id?.startsWith('csp:gaps.page'))!;
    const clicked = s.api.calls.length;
    await slack.action('UADMIN', { type: 'button', action_id: show.action_id, value: show.value });
    const page = await s.api.waitFor('chat.update', (c) => JSON.stringify(c.args).includes('Pagina 1 di 200'), { after: clicked });
    expect(blockKitProblems(page.args, false)).toEqual([]);
    expect(s.api.text(page)).toContain('Invia di nuovo link provider');
  });

  it('the terminal: a sales agent sees the gaps and their counts, and no fix button', async () => {
    await seedBook(12);
    const lines: string[] = [];
    const chat = createChatSession({
      conversation: s.bot.conversation,
      turn: {
        actor: { platform: 'cli', userId: 'seller', displayName: 'Seller', locale: 'en' },
        conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
      },
      out: (line) => lines.push(line),
    });
    await s.bot.service.grantRole(
      { platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale: 'en' },
      { role: 'sales-agent', principal: 'cli:seller' },
    );
    await chat.input('gaps');
    const shown = lines.join('\n');
    expect(shown).toContain('Invited with a provider, but without the provider relationship: 11 customers');
    const pick = /Invited with a provider, but without the provider relationship: 11 customers\s+\[(\d+)\] Show/.exec(shown)![1]!;
    await chat.input(pick);
    const page = lines.join('\n');
    expect(page).toContain('Customer 0002 Holding');
    expect(page).toContain('Page 1 of 2');
    expect(page).not.toContain('Resend provider link');
  });
});
