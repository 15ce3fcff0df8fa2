/**
 * Bulk invitations with the Microsoft directory, through Slack (signed /slack/events with the
 * Slack Web API stand-in): the modal, its problems under the box, a CSV shared in a direct
 * message, and a GDAP request per line at the Graph stand-in, which throttles (429 with
 * Retry-After) longer than the Graph client's own retries: the batch waits and loses no line.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftEnv } from '../bot/microsoft/harness.js';
import { startBot } from '../fakes/bot-server.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { startSlackApi } from '../fakes/slack-api.js';
import { slackClient } from '../fakes/slack-client.js';

const SECRET = 'bulk-signing-secret';
const SAM_ID = '0a1b2c3d-0000-4000-8000-0000000005a3';
const WAIT = { timeout: 30_000, interval: 50 };
const DM = { channel: 'D0SAM', channelName: 'directmessage' };

let microsoft: FakeMicrosoft;
let api: Awaited<ReturnType<typeof startSlackApi>>;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeEach(async () => {
  microsoft = await startFakeMicrosoft();
  microsoft.addUser({ id: SAM_ID, mail: 'sam@northwind.example', directoryRoleTemplateIds: ['62e90394-69f5-4237-9190-012177145e10'] });
  api = await startSlackApi({ USAM: { name: 'Sam Slack', email: 'Sam@Northwind.example' } });
  bot = await startBot({
    ...microsoftEnv(microsoft),
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: api.apiUrl,
  });
});
afterEach(async () => {
  await bot?.stop();
  await api?.close();
  await microsoft?.close();
});

const invitations = () => [...bot.store.all('invitations')];
const said = (after: number) =>
  api.calls
    .slice(after)
    .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update')
    .map((c) => api.text(c))
    .join('\n');

describe('bulk invitations in Slack with the Microsoft directory', () => {
  it('opens a modal, shows problems under the box, then makes a GDAP request per line through Graph throttling', async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await slack.command('USAM', 'invite customers', DM);
    const opened = await api.waitFor('views.open');
    const modal = opened.args.view as Record<string, unknown> & { blocks: Array<Record<string, unknown>> };
    expect(modal.callback_id).toBe('bulk.lines');
    expect(JSON.stringify(modal.blocks)).toContain('"max_length":3000');
    expect(api.text(opened)).toContain('A longer list goes as a CSV file');

    const refused = await slack.submit('USAM', modal, {
      lines: { value: 'Contoso Ltd, ada@contoso.example\nContoso Ltd, ada@contoso.example' },
    });
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(refused.json)).toContain('Line 2: ada@contoso.example is already on line 1.');
    expect(invitations()).toHaveLength(0);

    // More 429s than the Graph client retries by itself: the batch waits, then the same line again.
    microsoft.failNext('POST /v1.0/tenantRelationships/delegatedAdminRelationships', { status: 429, retryAfter: 0, times: 7 });
    const before = api.calls.length;
    const lines = ['Contoso Ltd, ada@contoso.example', 'Fabrikam Srl, it@fabrikam.example, it', 'Tailspin Toys, ugo@tailspin.example'];
    const accepted = await slack.submit('USAM', modal, { lines: { value: lines.join('\n') } });
    expect(accepted.status).toBe(200);
    await expect.poll(() => said(before), WAIT).toContain('Inviting 3 customers');
    await expect.poll(() => said(before), WAIT).toContain('3 customers invited');
    expect(api.calls.slice(before).some((c) => c.method === 'chat.update')).toBe(true);

    // One GDAP request per invitation, each locked for the customer's approval; none twice.
    const made = invitations();
    expect(made).toHaveLength(3);
    const requested = made.map((i) => i.microsoft?.gdapRelationshipId);
    expect(new Set(requested).size).toBe(3);
    expect(
      microsoft
        .relationships()
        .map((r) => r.id)
        .sort(),
    ).toEqual([...requested].sort());
    expect(microsoft.relationships().every((r) => r.status === 'approvalPending')).toBe(true);
    expect(bot.logs.some((l) => String(l.msg).includes('throttling the bulk invitation'))).toBe(true);
  }, 60_000);

  it('reads a CSV shared in the direct message, with the bot token, line by line when it is wrong', async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    const share = (name: string, body: string | Buffer, text = 'invite customers', id = name) =>
      slack.event(
        {
          type: 'message',
          subtype: 'file_share',
          channel: 'D0SAM',
          channel_type: 'im',
          user: 'USAM',
          text,
          ts: '1.1',
          files: [api.shareFile(name, body)],
        },
        `Ev-${id}`,
      );

    let before = api.calls.length;
    await share('book.csv', 'Contoso Ltd, ada@contoso.example\nFabrikam Srl,\n@SUM(A1), x@y.example\n', 'invite customers', 'bad');
    await expect.poll(() => said(before), WAIT).toContain("2 lines can't be used");
    expect(said(before)).toContain('Line 2 has no email address');
    expect(said(before)).toContain('Line 3: a cell starts with "@"');

    before = api.calls.length;
    await share('big.csv', Buffer.alloc(10 * 1024 * 1024 + 1, 'a'), 'invite customers', 'big');
    await expect.poll(() => said(before), WAIT).toContain('That file is over 10 MB');

    before = api.calls.length;
    await share('clienti.csv', 'Fabrikam Srl;it@fabrikam.example;it\n', 'invita clienti', 'good');
    await expect.poll(() => said(before), WAIT).toContain('1 cliente invitato');
    expect(invitations()).toEqual([expect.objectContaining({ customerEmail: 'it@fabrikam.example', status: 'sent', locale: 'it' })]);
    expect(microsoft.relationships()).toHaveLength(1);

    // Lines typed in the direct message, with the markup Slack puts around an email and an ampersand.
    before = api.calls.length;
    await slack.event(
      {
        type: 'message',
        channel: 'D0SAM',
        channel_type: 'im',
        user: 'USAM',
        ts: '1.2',
        text: 'invite customers\nSmith &amp; Sons, <mailto:bob@smith.example|bob@smith.example>',
      },
      'Ev-typed',
    );
    await expect.poll(() => said(before), WAIT).toContain('1 customer invited');
    expect(invitations().find((i) => i.customerEmail === 'bob@smith.example')).toMatchObject({ companyName: 'Smith & Sons' });
  }, 60_000);

  it('from a direct message: the form is a button that opens the modal, and the message becomes the progress', async () => {
    const slack = slackClient(bot.url, SECRET, api.responseUrl);
    await slack.event(
      { type: 'message', channel: 'D0SAM', channel_type: 'im', user: 'USAM', ts: '1.3', text: 'invite customers' },
      'Ev-form',
    );
    const posted = await api.waitFor('chat.postMessage', (c) => api.text(c).includes('Invite customers'));
    expect(api.text(posted)).toContain('This box takes 3,000 characters');
    const blocks = (posted.args.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id?.startsWith('csp:bulk.start'))!;
    const ts = String(posted.result.ts);
    await slack.action('USAM', { type: 'button', action_id: button.action_id, value: button.value }, { channel: 'D0SAM', messageTs: ts });
    const opened = await api.waitFor('views.open');
    const before = api.calls.length;
    await slack.submit('USAM', opened.args.view as Record<string, unknown>, { lines: { value: 'Contoso Ltd, ada@contoso.example' } });
    await expect
      .poll(
        () =>
          api.calls.slice(before).some((c) => c.method === 'chat.update' && c.args.ts === ts && api.text(c).includes('1 customer invited')),
        WAIT,
      )
      .toBe(true);
  }, 60_000);
});
