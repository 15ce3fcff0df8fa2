/**
 * The email draft shows the whole email, and the text to copy (subject, then the body with the
 * personalised link) before Done, through the real surfaces: Teams (/api/messages and the
 * connector stand-in), Slack (signed /slack/events and the Slack API stand-in) and the terminal
 * chat, in English and Italian.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { startSlackApi, type SlackApi } from '../fakes/slack-api.js';
import { slackClient, type SlackClient } from '../fakes/slack-client.js';
import { createConversation } from '../../bot/conversation/handler.js';
import { createChatSession } from '../../bot/cli/session.js';
import { testService } from '../helpers.js';

const SECRET = 'test-signing-secret';
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const words = {
  en: {
    invite: 'invite customer',
    copy: 'Text to copy',
    edit: 'Edit the email',
    back: 'Back to the text to copy',
    open: 'Open in your email app',
  },
  it: {
    invite: 'invita cliente',
    copy: 'Testo da copiare',
    edit: "Modifica l'email",
    back: 'Torna al testo da copiare',
    open: 'Apri nel programma di posta',
  },
};
const LINK = /https?:\/\/[^\s/]+\/invitations\/[A-Za-z0-9_-]+/;

type Element = Record<string, unknown>;
/** Every element of a card (body, containers, columns, action sets), depth first. */
function elements(node: unknown): Element[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!node || typeof node !== 'object') return [];
  const o = node as Element;
  return [...(o.type ? [o] : []), ...Object.values(o).flatMap(elements)];
}
const byId = (card: unknown, id: string) => elements(card).find((e) => e.id === id)!;
/** What a person reads in a container: its TextBlocks, the invisible joiners Teams text carries taken out. */
const readText = (node: unknown) =>
  elements(node)
    .filter((e) => e.type === 'TextBlock')
    .map((e) => String(e.text).replaceAll('\u2060', ''))
    .join('\n\n');

let bot: Awaited<ReturnType<typeof startBot>>;
let connector: Awaited<ReturnType<typeof startConnector>>;
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
  slack = slackClient(bot.url, SECRET, api.responseUrl);
});
afterEach(async () => {
  await bot.stop();
  await connector.close();
  await api.close();
});

describe.each(['en', 'it'] as const)('the email draft (%s)', (locale) => {
  const w = words[locale];

  it('Teams: the whole email to copy shows before Done, the inputs one click away, and Done sends what they hold', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const user: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin', ...(locale === 'it' ? { locale: 'it-IT' } : {}) };
    await teams.say(user, personal, w.invite);
    const card = connector.calls.at(-1)!.body.attachments![0]!.content as Element;
    const subject = byId(card, 'subject').value as string;
    const body = byId(card, 'body').value as string;
    const link = LINK.exec(body)![0];

    // The text to copy: shown, whole, subject first, every paragraph of the body, the link unbroken.
    const copy = byId(card, 'draft-copy');
    expect(copy.isVisible).toBe(true);
    const copied = readText(copy);
    expect(copied).toContain(w.copy);
    expect(copied).toContain(subject);
    for (const paragraph of body.split(/\n\s*\n/)) expect(copied).toContain(paragraph.trim());
    expect(copied).toContain(link);
    expect(copied.indexOf(subject)).toBeLessThan(copied.indexOf(link));

    // The inputs wait behind "Edit the email", which swaps them with the text to copy, and back.
    expect(byId(card, 'draft-edit').isVisible).toBe(false);
    expect(byId(card, 'body')).toMatchObject({ type: 'Input.Text', isMultiline: true });
    const toggles = elements(card).filter((e) => e.type === 'Action.ToggleVisibility');
    expect(toggles.map((t) => t.title)).toEqual([w.edit, w.back]);
    for (const toggle of toggles) expect(toggle.targetElements).toEqual(['draft-copy', 'draft-edit', 'draft-to-edit', 'draft-to-copy']);
    expect(byId(card, 'draft-to-edit').isVisible).toBe(true);
    expect(byId(card, 'draft-to-copy').isVisible).toBe(false);

    // "Open in your email app" carries the same email, link included.
    const open = (card.actions as Element[]).find((a) => a.type === 'Action.OpenUrl')!;
    expect(open.title).toBe(w.open);
    expect(decodeURIComponent(String(open.url))).toContain(link);

    // Done, with the hidden inputs as the card sends them: the invitation is sent with that email.
    const done = elements(card.actions).find((e) => e.type === 'Action.Execute' && e.verb === 'invitation.done')!;
    const sent = await teams.invoke(user, personal, 'invitation.done', {
      ...(done.data as Element),
      subject,
      body,
      acquisition: 'own-marketing',
    });
    expect(sent.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(sent.body.value)).toContain(link);
    expect(
      bot.service.getInvitation(
        { platform: 'teams', userId: 'aad-admin', displayName: 'Alice', locale },
        String((done.data as Element).invitationId),
      ).status,
    ).toBe('sent');
  });

  it('Teams: a refused Done shows the inputs with the error under them, and the way back to the text to copy', async () => {
    const teams = teamsClient(bot.url, connector.url);
    const user: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin', ...(locale === 'it' ? { locale: 'it-IT' } : {}) };
    await teams.say(user, personal, w.invite);
    const card = connector.calls.at(-1)!.body.attachments![0]!.content as Element;
    const done = elements(card.actions).find((e) => e.type === 'Action.Execute' && e.verb === 'invitation.done')!;
    const refused = await teams.invoke(user, personal, 'invitation.done', {
      ...(done.data as Element),
      subject: 'Hi',
      body: 'No link here.',
      acquisition: 'own-marketing',
    });
    const again = refused.body.value as Element;
    expect(byId(again, 'draft-edit').isVisible).toBe(true);
    expect(byId(again, 'draft-copy').isVisible).toBe(false);
    expect(byId(again, 'draft-to-copy').isVisible).toBe(true);
    expect(byId(again, 'body').value).toBe('No link here.');
  });

  it('Slack: the draft modal opens on the whole email to copy, in one code block, above the inputs', async () => {
    const who = locale === 'it' ? 'UITALO' : 'UADMIN';
    const after = api.calls.length;
    await slack.command(who, w.invite);
    const opened = await api.waitFor('views.open', () => true, { after });
    const blocks = (opened.args.view as { blocks: Element[] }).blocks;
    const inputAt = blocks.findIndex((b) => b.block_id === 'body');
    const body = ((blocks[inputAt]!.element as Element).initial_value as string).replace(/\r/g, '');
    const subject = (blocks.find((b) => b.block_id === 'subject')!.element as Element).initial_value as string;
    const link = LINK.exec(body)![0];
    const copyAt = blocks.findIndex((b) => String((b.text as Element | undefined)?.text ?? '').startsWith(`*${w.copy}*`));
    expect(copyAt).toBeGreaterThan(-1);
    expect(copyAt).toBeLessThan(inputAt);
    const copied = String((blocks[copyAt]!.text as Element).text);
    expect(copied).toBe(`*${w.copy}*\n\`\`\`${subject}\n\n${body}\`\`\``);
    expect(copied).toContain(link);
    // The mailto link is there too, as before.
    expect(api.text(opened)).toContain(`|${w.open}>`);
  });

  it('terminal: the draft prints the whole email to copy, subject then body with the link, before Done', async () => {
    const { service } = await testService();
    const conversation = createConversation(service, { error: () => {}, warn: () => {} });
    const lines: string[] = [];
    const session = createChatSession({
      conversation,
      turn: {
        actor: { platform: 'cli', userId: 'admin', displayName: 'admin', locale },
        conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
      },
      out: (l) => lines.push(l),
    });
    await session.input(w.invite);
    const out = lines.join('\n');
    const copyAt = out.indexOf(`${w.copy}:`);
    expect(copyAt).toBeGreaterThan(-1);
    const copied = out.slice(copyAt, out.indexOf('[1]'));
    expect(copied).toMatch(LINK);
    // Every line of the stored draft is there, under the subject: the link's line is the personalised link.
    const [draft] = service.listInvitations({ platform: 'cli', userId: 'admin', displayName: 'admin', locale }, { kind: 'drafts' });
    expect(copied.indexOf(draft!.subject)).toBeGreaterThan(0);
    for (const line of draft!.body.split('\n').filter((l) => l.trim() && !LINK.test(l) && !l.includes('{'))) expect(copied).toContain(line);
    expect(copied.indexOf(draft!.subject)).toBeLessThan(copied.search(LINK));
  });
});
