import { describe, expect, it } from 'vitest';
import { sampleViews } from '../../../views/samples.js';
import { toHomeView, toMessageView, type AttestationView, type DraftView } from '../../../views/index.js';
import { blockKitProblems } from '../../fakes/platform-limits.js';
import { decodeAction, escapeMrkdwn, toAttestationModal, toDraftModal, toHomeTab, toSlackMessage } from '../../../render/slack/blocks.js';

type Json = Record<string, unknown>;
const limitProblems = blockKitProblems;

describe('Block Kit views', () => {
  for (const locale of ['en', 'it'] as const) {
    for (const [name, view] of Object.entries(sampleViews(locale))) {
      it(`renders the ${name} view (${locale}) within Block Kit's limits, with a notification text`, () => {
        const message = toSlackMessage(view);
        expect(message.text).toBe(escapeMrkdwn(view.fallbackText));
        expect(limitProblems(message as unknown as Json, false)).toEqual([]);
        if (view.kind === 'draft') expect(limitProblems(toDraftModal(view, { channel: 'C1' }) as unknown as Json, true)).toEqual([]);
        if (view.kind === 'attestation')
          expect(limitProblems(toAttestationModal(view, { channel: 'C1' }) as unknown as Json, true)).toEqual([]);
      });
    }
  }

  it('renders a message view exactly', () => {
    expect(toSlackMessage(toMessageView({ locale: 'en' }, 'error', 'provider.notFound'))).toEqual({
      text: "I can't find that indirect provider. Type `providers` to see the list.",
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ":warning: *That didn't work*\nI can't find that indirect provider. Type `providers` to see the list.",
            verbatim: true,
          },
        },
      ],
    });
  });

  it('builds the draft modal exactly: subject, body with the link, how the customer came, Done', () => {
    const draft = sampleViews('en')['email-draft'] as DraftView;
    const modal = toDraftModal(draft, { channel: 'C0SALES', ts: '1.2' });
    expect(modal).toMatchObject({
      type: 'modal',
      callback_id: 'invitation.draft',
      title: { type: 'plain_text', text: 'Invitation email' },
      submit: { type: 'plain_text', text: 'Done' },
      close: { type: 'plain_text', text: 'Close' },
    });
    expect(JSON.parse(modal.private_metadata as string)).toEqual({
      channel: 'C0SALES',
      ts: '1.2',
      invitationId: draft.invitationId,
      token: draft.token,
    });
    const inputs = (modal.blocks as unknown as Json[]).filter((b) => b.type === 'input');
    expect(inputs.map((b) => b.block_id)).toEqual(['companyName', 'customerEmail', 'subject', 'body', 'acquisition']);
    // Who it is for: optional, prefilled with what the draft has (an empty initial value is not sent: Slack refuses it).
    expect(inputs[0]).toMatchObject({ optional: true, element: { type: 'plain_text_input', action_id: 'value', max_length: 120 } });
    expect(inputs[1]).toMatchObject({ optional: true, element: { type: 'email_text_input', action_id: 'value' } });
    for (const [i, value] of [[0, draft.companyName], [1, draft.customerEmail]] as const)
      expect(inputs[i]!.element).toEqual(expect.objectContaining(value ? { initial_value: value } : {}));
    inputs.splice(0, 2);
    expect(inputs[0]).toEqual({
      type: 'input',
      block_id: 'subject',
      label: { type: 'plain_text', text: 'Subject', emoji: true },
      element: { type: 'plain_text_input', action_id: 'value', initial_value: draft.subject, max_length: 300 },
    });
    expect(inputs[1]!.element).toMatchObject({ multiline: true, initial_value: draft.body });
    expect(draft.body).toContain(draft.link);
    expect(inputs[2]!.element).toMatchObject({ type: 'static_select', initial_option: { value: draft.acquisition } });
  });

  it('builds the attestation modal with a required checkbox and the notices', () => {
    const view = sampleViews('en').attestation as AttestationView;
    const modal = toAttestationModal(view, { channel: 'C1' });
    const checkbox = (modal.blocks as unknown as Json[]).find((b) => b.block_id === 'attest')!;
    expect(checkbox).toEqual({
      type: 'input',
      block_id: 'attest',
      label: { type: 'plain_text', text: 'Review and confirm', emoji: true },
      element: {
        type: 'checkboxes',
        action_id: 'value',
        options: [{ text: { type: 'plain_text', text: 'I confirm the statement above', emoji: true }, value: 'attest' }],
      },
    });
    const text = JSON.stringify(modal);
    for (const part of [view.statement, view.dapNotice, view.legalNotice])
      expect(text).toContain(JSON.stringify(escapeMrkdwn(part)).slice(1, -1));
    // Microsoft's statement appears once, whole; nothing restates it in other words.
    expect(text.split('good faith')).toHaveLength(2);
  });

  it('carries button data as JSON and reads it back, distrusting anything malformed', () => {
    const list = toSlackMessage(sampleViews('en')['customer-list']!);
    const details = list.blocks.find((b) => (b.accessory as Json | undefined)?.action_id)!.accessory as Json;
    expect(details).toMatchObject({ type: 'button', action_id: 'csp:customer.show:0', text: { text: 'Details: Adatum Corporation' } });
    expect(decodeAction(details)).toEqual({ verb: 'customer.show', data: JSON.parse(details.value as string) });
    expect(decodeAction({ action_id: 'csp:customers.search:0', value: 'north' })).toEqual({
      verb: 'customers.search',
      data: { query: 'north' },
    });
    expect(decodeAction({ action_id: 'csp:invitation.draftWithProvider:0', selected_option: { value: 'p1' } })).toEqual({
      verb: 'invitation.draftWithProvider',
      data: { providerId: 'p1' },
    });
    expect(decodeAction({ action_id: 'csp:customer.show:0', value: '{not json' })).toEqual({ verb: 'customer.show', data: {} });
    expect(decodeAction({ action_id: 'csp:customer.show:0', value: '[1,2]' })).toEqual({ verb: 'customer.show', data: {} });
    expect(decodeAction({ action_id: 'other', value: '{}' })).toBeNull();
  });

  it('escapes user text for mrkdwn so names cannot mention, link or format', () => {
    const wj = '\u2060';
    expect(escapeMrkdwn('<!channel> <https://evil|x> & *b*')).toBe(`&lt;!channel&gt; &lt;https:${wj}//evil|x&gt; &amp; \u2217b\u2217`);
    expect(escapeMrkdwn('@here @channel hi@everyone _it_ ~s~ www.evil.example')).toBe(
      `@${wj}here @${wj}channel hi@everyone \u02cdit\u02cd \u223cs\u223c www${wj}.evil.example`,
    );
    // Between letters Slack never formats: emails and snake_case stay as typed.
    expect(escapeMrkdwn('anna_verdi@contoso.com a*b')).toBe('anna_verdi@contoso.com a*b');
    expect(escapeMrkdwn('> quoted\n> again')).toBe('\u00ad&gt; quoted\n\u00ad&gt; again');
  });

  it('builds the App Home for someone without a role: how to get one, no buttons', () => {
    const home = toHomeTab(
      toHomeView({ locale: 'en' }, { role: null, permissions: [], customers: 0, pending: 0, recentAcceptances: [] }),
    );
    expect(home.type).toBe('home');
    expect(JSON.stringify(home)).toContain('You have no role yet');
    expect((home.blocks as unknown as Json[]).some((b) => b.type === 'actions')).toBe(false);
  });
});

describe('Partner Center links', () => {
  it('are link buttons on every surface, whole, never a URL inside text (where escaping makes it inert)', async () => {
    const { renderAdaptiveCard } = await import('../../../render/teams/adaptive.js');
    const { renderText } = await import('../../../render/text/render-text.js');
    for (const locale of ['en', 'it'] as const) {
      for (const name of ['customer-details-microsoft', 'removal-done-partner-center']) {
        const view = sampleViews(locale)[name]!;
        const url = (view as { link?: { url: string } }).link?.url ?? '';
        expect(url, name).toMatch(/^https:\/\/partner\.microsoft\.com\/dashboard\/v2\/customers\//);
        const title = locale === 'en' ? 'Open in Partner Center' : 'Apri in Partner Center';
        const card = renderAdaptiveCard(view) as unknown as { actions: Array<Record<string, unknown>> };
        expect(card.actions, name).toContainEqual({ type: 'Action.OpenUrl', title, url });
        const slack = toSlackMessage(view);
        const buttons = slack.blocks.flatMap((b) => (b as { elements?: Array<Record<string, unknown>> }).elements ?? []);
        expect(buttons, name).toContainEqual(expect.objectContaining({ type: 'button', action_id: 'open-link', url }));
        expect(JSON.stringify(slack.blocks).split(url).length - 1, name).toBe(1);
        expect(renderText(view).lines, name).toContain(`${title}: ${url}`);
      }
    }
  });
});
