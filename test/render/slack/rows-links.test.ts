/** Slack: row buttons that name their row, links written as explicit `<url|text>`, help in parts, the App Home in words. */
import { describe, expect, it } from 'vitest';
import { sampleViews } from '../../../views/samples.js';
import { toHomeView, type CustomerListView, type DraftView, type SentView } from '../../../views/index.js';
import { toDraftModal, toHomeTab, toSlackMessage } from '../../../render/slack/blocks.js';
import { mrkdwnLink } from '../../../render/slack/mrkdwn.js';
import { MAX } from '../../../render/slack/limits.js';
import { permissionsOf } from '../../../bot/service/permissions.js';

type Json = Record<string, unknown>;
const rowButtons = (view: CustomerListView) =>
  toSlackMessage(view)
    .blocks.map((b) => b.accessory as Json | undefined)
    .filter((a): a is Json => a?.type === 'button')
    .map((a) => (a.text as { text: string }).text);

describe('customer rows in Slack', () => {
  it('name the row on the button, in English and Italian', () => {
    expect(rowButtons(sampleViews('en')['customer-list'] as CustomerListView)[0]).toBe('Details: Adatum Corporation');
    expect(rowButtons(sampleViews('it')['customer-list'] as CustomerListView)[0]).toBe('Dettagli: Adatum Corporation');
  });

  it("cut the name, not the word, to keep within Slack's 75 characters, and show it as typed (one line, no markup)", () => {
    const list = sampleViews('en')['customer-list'] as CustomerListView;
    const long = `${'Contoso <b>*Very*</b> & Long '.repeat(5)}\nSecond line`;
    const [title] = rowButtons({ ...list, rows: [{ ...list.rows[0]!, name: long }] });
    expect(title!.length).toBe(MAX.button);
    expect(title).toMatch(/^Details: Contoso <b>\*Very\*<\/b> & Long Contoso/);
    expect(title!.endsWith('…')).toBe(true);
    expect(title).not.toContain('\n');
  });
});

describe('links in Slack text', () => {
  it('are explicit <url|text>, the address percent-encoded where it could end the markup, `&` as the entity', () => {
    expect(mrkdwnLink('https://bot.example.com/invitations/a_b-c')).toBe(
      '<https://bot.example.com/invitations/a_b-c|https:\u2060//bot.example.com/invitations/a_b-c>',
    );
    expect(mrkdwnLink('mailto:?subject=Hi&body=a|b <c>', 'Open *mail*')).toBe(
      '<mailto:?subject=Hi&amp;body=a%7Cb%20%3Cc%3E|Open \u2217mail\u2217>',
    );
    // Only the web and email become links: anything else is text.
    expect(mrkdwnLink('javascript:alert(1)', 'x')).toBe('x');
    expect(mrkdwnLink('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('carry the invitation link of the draft (message and modal) and the mailto of the sent card', () => {
    for (const locale of ['en', 'it'] as const) {
      const draft = sampleViews(locale)['email-draft'] as DraftView;
      const link = `<${draft.link}|`;
      expect(JSON.stringify(toSlackMessage(draft).blocks)).toContain(link);
      expect(JSON.stringify(toDraftModal(draft, { channel: 'C1' }).blocks)).toContain(link);
      const sent = sampleViews(locale)['invitation-sent'] as SentView;
      expect(JSON.stringify(toSlackMessage(sent).blocks)).toContain(`<${sent.mailto.replaceAll('&', '&amp;')}|${sent.openLabel}>`);
    }
  });
});

describe('help and the App Home in Slack', () => {
  it('shows help in parts, each with its title', () => {
    const texts = toSlackMessage(sampleViews('it').help!).blocks.map(
      (b) => ((b.text as Json | undefined)?.text as string | undefined) ?? '',
    );
    for (const title of ['Clienti', 'Inviti', 'Amministrazione', 'Generale'])
      expect(
        texts.some((t) => t.startsWith(`*${title}*\n`)),
        title,
      ).toBe(true);
    expect(texts.join('\n')).toContain('`/csp assegna &lt;ruolo&gt; &lt;piattaforma:utente&gt;`');
  });

  it('puts buttons in words on the App Home, the main one first', () => {
    for (const [locale, words] of [
      ['en', ['Invite a customer', 'List customers', 'See invitations', 'Help']],
      ['it', ['Invita un cliente', 'Elenca i clienti', 'Vedi gli inviti', 'Aiuto']],
    ] as const) {
      const home = toHomeTab(
        toHomeView(
          { locale },
          { role: 'admin-agent', permissions: permissionsOf('admin-agent'), customers: 3, pending: 1, recentAcceptances: [] },
        ),
      );
      const buttons = (home.blocks as unknown as Json[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Json[]);
      expect(buttons.map((b) => (b.text as { text: string }).text)).toEqual(words);
      expect(buttons[0]).toMatchObject({ style: 'primary' });
    }
  });
});
