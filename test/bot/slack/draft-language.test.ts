/**
 * The Slack draft modal's "Write it in Italian / English": signed /slack/events in, the modal
 * updated in place through views.update at the Slack API stand-in, the company, email and
 * acquisition the person typed kept, and Done from the updated modal sends the rewritten email.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { startSlackApi, type SlackApi, type SlackCall } from '../../fakes/slack-api.js';
import { slackClient } from '../../fakes/slack-client.js';

const SECRET = 'draft-language-signing-secret';
type Block = Record<string, unknown> & { block_id?: string; element?: Record<string, unknown>; elements?: Array<Record<string, unknown>> };
type ModalView = Record<string, unknown> & { blocks: Block[]; private_metadata: string };

let api: SlackApi;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  api = await startSlackApi({ UADMIN: { name: 'Alice Admin', locale: 'en-US' }, USALES: { name: 'Sal Sales' } });
  bot = await startBot({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: api.apiUrl });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
});

const viewOf = (call: SlackCall) => call.args.view as ModalView;
const block = (view: ModalView, id: RegExp) => view.blocks.find((b) => typeof b.block_id === 'string' && id.test(b.block_id));
const initial = (view: ModalView, id: RegExp) => block(view, id)?.element?.initial_value as string | undefined;
const buttons = (view: ModalView) => view.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
const typed = {
  companyName: { type: 'plain_text_input', value: 'Fabrikam Srl' },
  customerEmail: { type: 'email_text_input', value: 'ada@fabrikam.example' },
  subject: { type: 'plain_text_input', value: 'Typed subject' },
  body: { type: 'plain_text_input', value: 'Typed body' },
  acquisition: { type: 'static_select', selected_option: { value: 'microsoft-referral' } },
};

/** `/csp invite customer`, then the modal it opened. */
async function openDraft(): Promise<ModalView> {
  const slack = slackClient(bot.url, SECRET, api.responseUrl);
  const after = api.calls.length;
  await slack.command('UADMIN', 'invite customer');
  return viewOf(await api.waitFor('views.open', () => true, { after, timeoutMs: 10_000 }));
}

describe('the Slack draft modal, in the other language', () => {
  it('has the switch as a button, and updates the modal in place with the email in Italian, keeping the typed company, email and acquisition', async () => {
    const modal = await openDraft();
    const { invitationId } = JSON.parse(modal.private_metadata) as { invitationId: string };
    const [toItalian] = buttons(modal).filter((b) => String(b.action_id).startsWith('csp:invitation.language:'));
    expect((toItalian!.text as { text: string }).text).toBe('Write it in Italian');
    expect(initial(modal, /^body$/)).toMatch(/^Hello/);

    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const after = api.calls.length;
    const click = await slack.modalAction('UADMIN', { ...modal, id: 'VDRAFT', hash: '1700000001.abc' }, typed, {
      type: 'button',
      action_id: toItalian!.action_id,
      value: toItalian!.value,
    });
    expect(click.status).toBe(200);
    const update = await api.waitFor('views.update', () => true, { after, timeoutMs: 10_000 });
    expect(update.args.view_id).toBe('VDRAFT');
    expect(update.args.hash).toBe('1700000001.abc');
    const updated = viewOf(update);
    expect(updated.callback_id).toBe('invitation.draft');
    // The modal itself stays in Alice's language; the email is written in Italian.
    expect(updated.title).toEqual(modal.title);
    expect(initial(updated, /^subject:1$/)).toMatch(/relazione come rivenditore/);
    expect(initial(updated, /^body:1$/)).toMatch(/^Buongiorno/);
    // What Alice typed stays (the same block ids, so Slack keeps it; and given as initial values).
    expect(initial(updated, /^companyName$/)).toBe('Fabrikam Srl');
    expect(initial(updated, /^customerEmail$/)).toBe('ada@fabrikam.example');
    expect((block(updated, /^acquisition$/)?.element?.initial_option as { value: string }).value).toBe('microsoft-referral');
    expect(buttons(updated).map((b) => (b.text as { text: string }).text)).toContain('Write it in English');
    expect(JSON.parse(updated.private_metadata)).toMatchObject({ channel: 'C0SALES', invitationId });
    expect(bot.store.get('invitations', invitationId)).toMatchObject({
      locale: 'it',
      companyName: 'Fabrikam Srl',
      customerEmail: 'ada@fabrikam.example',
    });

    // Done from the updated modal: its body is read from the rewritten input, and sent.
    const body = initial(updated, /^body:1$/)!;
    const { companyName, customerEmail, acquisition } = typed;
    const done = await slack.submit('UADMIN', updated, {
      companyName,
      customerEmail,
      acquisition,
      'subject:1': { type: 'plain_text_input', value: initial(updated, /^subject:1$/) },
      'body:1': { type: 'plain_text_input', value: body },
    });
    expect(done.status).toBe(200);
    await bot.idle();
    expect(bot.store.get('invitations', invitationId)).toMatchObject({ status: 'sent', acquisition: 'microsoft-referral' });
    expect(bot.store.get('invitations', invitationId)!.body).toMatch(/^Buongiorno/);
  });

  it('switching back gives the English email under new ids again', async () => {
    const modal = await openDraft();
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    let view = modal;
    for (const [revision, expected] of [
      [1, /^Buongiorno/],
      [2, /^Hello/],
    ] as const) {
      const [button] = buttons(view).filter((b) => String(b.action_id).startsWith('csp:invitation.language:'));
      const after = api.calls.length;
      await slack.modalAction('UADMIN', view, {}, { type: 'button', action_id: button!.action_id, value: button!.value });
      view = viewOf(await api.waitFor('views.update', () => true, { after, timeoutMs: 10_000 }));
      expect(initial(view, new RegExp(`^body:${revision}$`))).toMatch(expected);
    }
  });

  it('a refused switch (no admin role) turns the modal into the sentence and changes nothing', async () => {
    const modal = await openDraft();
    const { invitationId } = JSON.parse(modal.private_metadata) as { invitationId: string };
    const before = JSON.stringify(bot.store.get('invitations', invitationId));
    const [button] = buttons(modal).filter((b) => String(b.action_id).startsWith('csp:invitation.language:'));
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const after = api.calls.length;
    await slack.modalAction('USALES', modal, typed, { type: 'button', action_id: button!.action_id, value: button!.value });
    const updated = viewOf(await api.waitFor('views.update', () => true, { after, timeoutMs: 10_000 }));
    expect(updated.callback_id).toBe('notice');
    expect(JSON.stringify(updated.blocks)).toMatch(/Global admin|Admin agent/);
    expect(JSON.stringify(bot.store.get('invitations', invitationId))).toBe(before);
  });

  it('an email that is not one keeps the modal as typed, with the sentence under the field', async () => {
    const modal = await openDraft();
    const { invitationId } = JSON.parse(modal.private_metadata) as { invitationId: string };
    const [button] = buttons(modal).filter((b) => String(b.action_id).startsWith('csp:invitation.language:'));
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const after = api.calls.length;
    await slack.modalAction(
      'UADMIN',
      modal,
      { ...typed, customerEmail: { type: 'email_text_input', value: 'not an email' } },
      {
        type: 'button',
        action_id: button!.action_id,
        value: button!.value,
      },
    );
    const updated = viewOf(await api.waitFor('views.update', () => true, { after, timeoutMs: 10_000 }));
    // Not rewritten: the same ids (what was typed stays), the English email, the sentence beside the email.
    expect(initial(updated, /^body$/)).toMatch(/^Hello/);
    expect(JSON.stringify(updated.blocks)).toContain('not an email');
    expect(bot.store.get('invitations', invitationId)?.locale).toBe('en');
  });
});
