/**
 * Every card and message, with every string that comes from outside made hostile, rendered for
 * Teams, Slack and the terminal: nothing from outside becomes a link, a mention, formatting or a
 * terminal escape, and it is still shown, character for character.
 */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { referenceExpander, renderAdaptiveCard, templateInput } from '../../cards/adaptive.js';
import { sampleViews } from '../../cards/samples.js';
import { toHomeView, type View } from '../../cards/views.js';
import { toAttestationModal, toDraftModal, toHomeTab, toNoticeModal, toSlackMessage } from '../../bot/slack/blocks.js';
import { renderText } from '../../bot/cli/render-text.js';
import { HOSTILE } from './hostile-strings.js';

// Microsoft's own JavaScript renderer turns TextBlock markdown into HTML with markdown-it; linkify
// and raw HTML on make it stricter than any Teams client.
const markdown = new MarkdownIt({ html: true, linkify: true });
const MARKUP = /<(a|strong|em|s|del|img|ul|ol|li|h[1-6]|blockquote|hr|table|at|script|p>\s*<\/p)\b/;

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const squash = (text: string) =>
  text
    .replace(/[\u2060`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Every string Teams renders as markdown, in document order, and whether it is monospace copy text. */
function markdownTexts(card: unknown): Array<{ text: string; copy: boolean }> {
  const out: Array<{ text: string; copy: boolean }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if ((o.type === 'TextBlock' || o.type === 'TextRun') && typeof o.text === 'string')
      out.push({ text: o.text, copy: o.fontType === 'Monospace' });
    if (o.type === 'FactSet')
      for (const f of o.facts as Array<Record<string, string>>)
        out.push({ text: f.title ?? '', copy: false }, { text: f.value ?? '', copy: false });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

const views = (payload: string) =>
  (['en', 'it'] as const).flatMap((locale) =>
    Object.entries(sampleViews(locale, () => payload)).map(([name, view]) => [`${name} (${locale})`, view] as const),
  );

describe('hostile text in Teams cards', () => {
  for (const payload of HOSTILE) {
    it(`shows ${JSON.stringify(payload)} literally in every card, never as markup`, () => {
      for (const [name, view] of views(payload)) {
        const { source, model } = templateInput(view);
        const before = markdownTexts(referenceExpander(source)(model));
        const after = markdownTexts(renderAdaptiveCard(view));
        expect(after.length, name).toBe(before.length);
        after.forEach(({ text, copy }, i) => {
          const html = markdown.render(text);
          // Monospace blocks are the link and the email body people copy: their URLs stay whole (an
          // invisible character would break the pasted link), so a client may link a bare URL
          // there, showing exactly where it goes; a disguised link is still impossible.
          const bare = (a: string, href: string, shown: string) => (decodeURI(href) === shown ? shown : a);
          const checked = copy ? html.replace(/<a href="([^"]+)">([^<]*)<\/a>/g, bare) : html;
          expect(checked, `${name}: ${text}`).not.toMatch(MARKUP);
          // What a person reads is what came in (whitespace aside: markdown folds it).
          expect(squash(decode(html)), name).toBe(squash(before[i]!.text));
        });
      }
    });
  }
});

/** What Slack shows for escaped mrkdwn, to check that nothing was lost on the way. */
const slackVisible = (text: string) =>
  text
    .replace(/[\u2060\u00ad]/g, '')
    .replace(/\u2217/g, '*')
    .replace(/\u02cd/g, '_')
    .replace(/\u223c/g, '~')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Every text of the given type (`mrkdwn` or `plain_text`) in a Block Kit payload. */
function textsOf(payload: unknown, type = 'mrkdwn'): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === type && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach(walk);
  };
  walk(payload);
  return out;
}

function slackPayloads(view: View): unknown[] {
  const message = toSlackMessage(view);
  const payloads: unknown[] = [message, { type: 'mrkdwn', text: message.text }, toNoticeModal(view, 'Notice')];
  if (view.kind === 'draft') payloads.push(toDraftModal(view, { channel: 'C1' }));
  if (view.kind === 'attestation') payloads.push(toAttestationModal(view, { channel: 'C1' }));
  return payloads;
}

describe('hostile text in Slack messages, modals and the App Home', () => {
  for (const payload of HOSTILE) {
    it(`shows ${JSON.stringify(payload)} literally everywhere, with no link, mention or formatting`, () => {
      const home = toHomeView(
        { locale: 'en' },
        {
          role: 'global-admin',
          isAdmin: true,
          permissions: [],
          customers: 1,
          pending: 0,
          recentAcceptances: [{ companyName: payload, acceptedAt: '2026-11-23T14:02:00.000Z' }],
        },
      );
      const all: Array<[string, unknown]> = [
        ['home', toHomeTab(home)],
        ...views(payload).flatMap(([name, view]) => slackPayloads(view).map((p) => [name, p] as [string, unknown])),
      ];
      expect(textsOf(all[0]![1]).map(slackVisible).join('\n')).toContain(payload.split('\n')[0]);
      for (const [name, p] of all) {
        for (const text of textsOf(p)) {
          // The only control sequences are the bot's own mailto links (their address, subject and
          // body percent-encoded, so nothing can close them early).
          const own = text.replace(/<mailto:[^|>]*\|[^>]*>/g, '');
          expect(own, name).not.toMatch(/[<>]/);
          // Inside a code block (the email body, for copying) Slack formats and links nothing.
          const outsideCode = own.replace(/```[^]*?```/g, '');
          expect(outsideCode, name).not.toMatch(/(^|[^\p{L}\p{N}])@(here|channel|everyone)\b/iu);
          // URLs only where the bot wrote its own invitation link.
          expect(outsideCode.replace(/https:\/\/bot\.example\.com\/invitations\/\w+/g, ''), name).not.toMatch(/:\/\/|\bwww\./i);
          for (const format of ['**urgent**', '__now__', '_it_', '*b*', '~s~', '~~gone~~']) expect(outsideCode, name).not.toContain(format);
        }
      }
      // Not dropped: every view that carries outside text shows it whole somewhere.
      for (const [name, view] of views(payload)) {
        if (!JSON.stringify(view).includes(JSON.stringify(payload).slice(1, -1))) continue;
        const message = toSlackMessage(view);
        const shown = [...textsOf(message).map(slackVisible), ...textsOf(message, 'plain_text')].join('\n');
        // (Buttons and options are clipped to Slack's lengths: the start is enough.)
        expect(shown, name).toContain(payload.split('\n')[0]!.slice(0, 40));
      }
    });
  }
});

describe('hostile text in the terminal', () => {
  it('prints no control character that a name could smuggle in', () => {
    const payload = 'Evil\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eCorp\r';
    for (const [name, view] of views(payload)) {
      const { lines, choices } = renderText(view);
      for (const line of [...lines, ...choices.map((c) => c.label)])
        expect(line, name).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      if (JSON.stringify(view).includes('pwned')) expect(lines.join('\n'), name).toContain('Evil]0;pwned[2J31mCorp');
    }
  });
});
