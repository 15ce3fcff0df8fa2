/**
 * Every card and message, with every string that comes from outside made hostile, rendered for
 * Teams, Slack and the terminal: nothing from outside becomes a link, a mention, formatting or a
 * terminal escape, and it is still shown, character for character.
 */
import { describe, expect, it } from 'vitest';
import { expanderOf, renderAdaptiveCard, templateInput, toInvokeMessageText } from '../../render/teams/adaptive.js';
import { sampleViews } from '../../views/samples.js';
import { toHomeView, type View } from '../../views/index.js';
import { toAttestationModal, toDraftModal, toHomeTab, toNoticeModal, toSlackMessage } from '../../render/slack/blocks.js';
import { renderText } from '../../render/text/render-text.js';
import { HOSTILE, markdownTexts, ownMentionsAsText, slackProblems, slackVisible, squash, teamsRendering, textsOf } from './hostile.js';

const views = (payload: string) =>
  (['en', 'it'] as const).flatMap((locale) =>
    Object.entries(sampleViews(locale, () => payload)).map(([name, view]) => [`${name} (${locale})`, view] as const),
  );

describe('the sample views', () => {
  it('include the Microsoft and Partner Center views, with what Graph and Partner Center send as text from outside', () => {
    const marked = sampleViews('en', (text) => `OUTSIDE(${text})`);
    const fromMicrosoft = {
      status: ['Insufficient privileges', 'Graph answered 503', 'admin@northwindcloud', '600013'],
      'end-admin-access': ['Adatum Corporation', 'Northwind_Adatum_Helpdesk', 'Northwind Adatum setup', 'active'],
      'admin-access-ended': ['Adatum Corporation'],
      'admin-access-ending': ['Adatum Corporation', 'Northwind Adatum setup'],
      'partner-center-sign-in': ['FJ8QXK2LM', 'https://microsoft.com/devicelogin'],
      'partner-center-connected': ['admin@northwindcloud', '600013'],
      'partner-center-failed': ['AADSTS50076'],
      'customer-details-microsoft': ['Northwind_Adatum_Helpdesk', 'Northwind Adatum setup'],
    };
    for (const [name, texts] of Object.entries(fromMicrosoft)) {
      const view = JSON.stringify(marked[name]);
      for (const text of texts) expect(view, `${name}: ${text}`).toContain(`OUTSIDE(${text}`);
    }
    expect(Object.keys(marked)).toEqual(expect.arrayContaining(['status-permissions-missing', 'partner-center-reconnect']));
  });
});

describe('hostile text in Teams cards', () => {
  for (const payload of HOSTILE) {
    it(`shows ${JSON.stringify(payload)} literally in every card, never as markup`, () => {
      for (const [name, view] of views(payload)) {
        const { source, model } = templateInput(view);
        const before = markdownTexts(expanderOf(source)(model));
        const card = renderAdaptiveCard(view);
        const after = markdownTexts(card).map(ownMentionsAsText(card));
        // The acceptance mentions its Teams inviter: the name inside the mention is checked too.
        if (name.startsWith('acceptance-notification')) expect((card.msteams as { entities: unknown[] }).entities, name).toHaveLength(1);
        expect(after.length, name).toBe(before.length);
        after.forEach((text, i) => {
          const { visible, markup } = teamsRendering(text);
          expect(markup, `${name}: ${text.text}`).toBeNull();
          // What a person reads is what came in (whitespace aside: markdown folds it).
          expect(visible, name).toBe(squash(before[i]!.text));
        });
      }
    });

    it(`shows ${JSON.stringify(payload)} literally in each card's fallbackText and in an invoke's message reply`, () => {
      for (const [name, view] of views(payload)) {
        const fallbackText = renderAdaptiveCard(view).fallbackText as string;
        for (const [where, text] of [
          ['fallbackText', fallbackText],
          ['invoke message', toInvokeMessageText([view])],
        ]) {
          const { visible, markup } = teamsRendering({ text: text!, copy: false });
          expect(markup, `${name} ${where}: ${text}`).toBeNull();
          expect(visible, `${name} ${where}`).toBe(squash(view.fallbackText));
        }
      }
    });
  }
});

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
        for (const text of textsOf(p)) expect(slackProblems(text), `${name}: ${text}`).toEqual([]);
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
