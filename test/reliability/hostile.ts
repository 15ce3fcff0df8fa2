/**
 * What a customer, a partner user or a directory could put in a name to turn it into markup, and
 * the checks that it stayed text: shared by the rendering test and the end-to-end one.
 */
import MarkdownIt from 'markdown-it';
import { cardText, type ConnectorCall } from '../fakes/connector.js';
import type { teamsClient, TeamsConversation, TeamsUser } from '../fakes/teams-client.js';

export const HOSTILE = [
  '[Verify your account](https://evil.example/login)',
  'https://evil.example/login',
  'www.evil.example',
  '**urgent** __now__ _it_ *b* ~s~ ~~gone~~',
  '<!channel> <!here> @here @channel @everyone <@U123> <#C123> <!subteam^S1>',
  '<https://evil.example|click> <https://evil.example> <mailto:x@evil.example>',
  '&lt;b&gt; &amp; &#91;x&#93;(https://evil.example)',
  '<a href="https://evil.example">x</a> <img src=x onerror=alert(1)> <at>Alice</at> </p>',
  '${title} ${$root.fallbackText} {{DATE(2017-02-14T06:08:00Z, SHORT)}}',
  '\\[x\\](https://evil.example) \\\\[y](https://evil.example) \\*z\\*',
  '- item\n1. one\n# head\n> quote\n---\n[r]\n\n[r]: https://evil.example',
  '![img](https://evil.example/x.png) [ref][r] [r]',
];

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

/** Text compared as a person reads it: markdown folds whitespace; word joiners are invisible. */
export const squash = (text: string) =>
  text
    .replace(/[\u2060`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Every string Teams renders as markdown, in document order, and whether it is monospace copy text. */
export function markdownTexts(card: unknown): Array<{ text: string; copy: boolean }> {
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

/**
 * The card's own @mentions (`<at>…</at>`, each declared in its `msteams.entities`) are markup the
 * bot means: each is read as the name inside it, which must itself be inert. Any other `<at>` stays.
 */
export function ownMentionsAsText(card: unknown): (text: { text: string; copy: boolean }) => { text: string; copy: boolean } {
  const entities = (card as { msteams?: { entities?: Array<{ type?: string; text?: string }> } } | undefined)?.msteams?.entities ?? [];
  const tags = entities.filter((e) => e.type === 'mention' && typeof e.text === 'string').map((e) => e.text!);
  return ({ text, copy }) => ({
    copy,
    text: tags.reduce((out, tag) => out.replaceAll(tag, tag.slice('<at>'.length, -'</at>'.length)), text),
  });
}

/**
 * A Teams text as markdown would show it, and the markup it would produce. Monospace blocks are
 * the link and the email body people copy: their URLs stay whole (an invisible character would
 * break the pasted link), so a client may link a bare URL there, showing exactly where it goes;
 * a disguised link is still impossible.
 */
export function teamsRendering({ text, copy }: { text: string; copy: boolean }): { visible: string; markup: string | null } {
  const html = markdown.render(text);
  const bare = (a: string, href: string, shown: string) => (decodeURI(href) === shown ? shown : a);
  const checked = copy ? html.replace(/<a href="([^"]+)">([^<]*)<\/a>/g, bare) : html;
  // Date functions are expanded by the JavaScript and iOS renderers before markdown.
  const dateFunction = /\{\{(DATE|TIME)\(/.exec(text)?.[0] ?? null;
  return { visible: squash(decode(html)), markup: MARKUP.exec(checked)?.[0] ?? dateFunction };
}

/** What Slack shows for escaped mrkdwn, to check that nothing was lost on the way. */
export const slackVisible = (text: string) =>
  text
    .replace(/[\u2060\u00ad]/g, '')
    .replace(/\u2217/g, '*')
    .replace(/\u02cd/g, '_')
    .replace(/\u223c/g, '~')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Every text of the given type (`mrkdwn` or `plain_text`) in a Block Kit payload. */
export function textsOf(payload: unknown, type = 'mrkdwn'): string[] {
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

/** What in a Slack mrkdwn text would be live: a control sequence, a mention, a URL, formatting. */
export function slackProblems(text: string): string[] {
  const found: string[] = [];
  // The only control sequences are the bot's own links: mailto (address, subject and body
  // percent-encoded, so nothing can close them early) and the invitation link.
  const own = text.replace(/<mailto:[^|>]*\|[^>]*>/g, '').replace(/<https?:\/\/[\w.:]+\/invitations\/[\w-]+\|[^<>|]*>/g, '');
  if (/[<>]/.test(own)) found.push('control sequence');
  // Inside a code block (the email body, for copying) Slack formats and links nothing.
  const outsideCode = own.replace(/```[^]*?```/g, '');
  if (/(^|[^\p{L}\p{N}])@(here|channel|everyone)\b/iu.test(outsideCode)) found.push('mention');
  // URLs only where the bot wrote its own invitation link.
  if (/:\/\/|\bwww\./i.test(outsideCode.replace(/https?:\/\/[\w.:]+\/invitations\/[\w-]+/g, ''))) found.push('URL');
  for (const format of ['**urgent**', '__now__', '_it_', '*b*', '~s~', '~~gone~~']) if (outsideCode.includes(format)) found.push(format);
  return found;
}

/** A signed-to-be `/csp` slash command from UADMIN in #sales, as Slack posts it (form-encoded). */
export function slashCommandBody(text: string, responseUrl: string, triggerId: string): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0001',
    team_domain: 'northwind',
    channel_id: 'C0SALES',
    channel_name: 'sales',
    user_id: 'UADMIN',
    user_name: 'alice',
    command: '/csp',
    text,
    api_app_id: 'A0CSP',
    response_url: responseUrl,
    trigger_id: triggerId,
  }).toString();
}

/**
 * `invite customer` in Teams, then Done with the link in the body: the link and token read from
 * the draft card (the store keeps only the token's hash), and the answer to Done (the sent card).
 */
export async function sendTeamsInvitation(
  teams: ReturnType<typeof teamsClient>,
  connector: { calls: ConnectorCall[] },
  user: TeamsUser,
  conversation: TeamsConversation,
) {
  await teams.say(user, conversation, 'invite customer');
  const card = connector.calls.at(-1)!.body;
  const link = /http:\/\/localhost:3978\/invitations\/[A-Za-z0-9_-]+/.exec(cardText(card))![0];
  const token = link.split('/').pop()!;
  const invitationId = /"invitationId":"([^"]+)"/.exec(JSON.stringify(card))![1]!;
  const done = await teams.invoke(user, conversation, 'invitation.done', {
    invitationId,
    token,
    subject: 'Hi',
    body: `Please accept: ${link}`,
  });
  return { link, token, invitationId, done };
}
