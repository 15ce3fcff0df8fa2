/**
 * Text from outside (company, contact and provider names, people's names, search text) shown
 * literally in Slack's mrkdwn: in blocks, modals, the App Home and the `text` of chat.postMessage
 * and chat.update (which Slack shows in notifications and parses the same way).
 *
 * - `&`, `<`, `>` become entities: Slack's only control characters, so no `<url|text>` link,
 *   `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` or `<!subteam^…>` can be written
 *   (docs.slack.dev/messaging/formatting-message-text#escaping).
 * - `@here`, `@channel`, `@everyone` and other `@names` typed as words get an invisible WORD
 *   JOINER after the `@`, so Slack's automatic parsing (`link_names`, text objects without
 *   `verbatim`) cannot turn them into mentions.
 * - mrkdwn has no escape for `*`, `_`, `~`: where one could open or close bold, italic or strike
 *   (next to a space or punctuation), it becomes a look-alike (∗ ˍ ∼), as jsx-slack's `<Escape>`
 *   does; between two letters Slack never formats them, so emails and snake_case stay as typed.
 *   Backticks are left: a code span carries no link or mention, and the catalogue uses them to show
 *   commands.
 * - `>` at the start of a line (`&gt;`) would still quote: a soft hyphen goes in front (jsx-slack).
 * - `scheme://` and `www.` get a WORD JOINER, as Slack links bare URLs in `text` on the server
 *   (and in blocks unless `verbatim`).
 */

import { multiLine } from '../../bot/service/text.js';
import type { Naming } from '../../views/index.js';

const WJ = '\u2060';
const LOOK_ALIKE: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u223c' };

// Built once: a regular expression literal in a function is a new object per call.
const SPECIAL = /[&<>*_~@]|:\/\/|www\./i;
const FORMAT = /(?<![\p{L}\p{N}])[*_~]|[*_~](?![\p{L}\p{N}])/gu;
const MENTION = /(?<![\p{L}\p{N}._%+-])@(?=[\p{L}\p{N}])/gu;
const QUOTE = /^&gt;/gm;
const SCHEME = /\b([A-Za-z][A-Za-z0-9+.-]*):\/\//g;
const WWW = /\b(www)\./gi;

/** Slack's three control characters as entities: enough for code blocks and the bot's own links. */
export const escapeControl = (text: string) => multiLine(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** What Slack's mrkdwn will show as exactly `text`, with no link, mention or formatting. */
export function escapeMrkdwn(shown: string): string {
  // Controls and direction overrides go (see bot/service/text.ts), for text that did not pass the service.
  const text = multiLine(shown);
  if (!SPECIAL.test(text)) return text;
  return escapeControl(text)
    .replace(FORMAT, (c) => LOOK_ALIKE[c]!)
    .replace(MENTION, `@${WJ}`)
    .replace(QUOTE, '\u00ad&gt;')
    .replace(SCHEME, `$1:${WJ}//`)
    .replace(WWW, `$1${WJ}.`);
}

/** A Slack user id as Slack writes it (U…, or W… in an Enterprise Grid): nothing else goes in `<@…>`. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * A sentence naming a person: a Slack user is mentioned (`<@U…>`, which Slack shows with their
 * current name and notifies them of), anyone else named in words; the rest escaped as text.
 */
export function namingMrkdwn(naming: Naming): string {
  const { person } = naming;
  if (person.platform !== 'slack' || !SLACK_USER_ID.test(person.userId))
    return escapeMrkdwn(`${naming.before}${person.name}${naming.after}`);
  return `${escapeMrkdwn(naming.before)}<@${person.userId}>${escapeMrkdwn(naming.after)}`;
}

/** Where a link may point: the web and email. */
const LINKABLE = /^(https?:\/\/[^/\s]|mailto:)/i;
/** What would end `<url|text>` early or break it: percent-encoded in the address. */
const LINK_BREAKERS = /[<>|\s]/g;

/**
 * The bot's own link in Slack's explicit markup, `<url|text>`: Slack links nothing by itself in
 * the bot's texts (they are `verbatim`, and bare URLs get a WORD JOINER), so a link the bot means
 * is always written out. The address keeps its meaning (only `<`, `>`, `|` and spaces are
 * percent-encoded, `&` is written as Slack's entity); the text is escaped like any other text.
 * Anything but an http(s) or mailto address is shown as text, never linked.
 */
export function mrkdwnLink(url: string, text: string = url): string {
  const address = multiLine(url).trim();
  if (!LINKABLE.test(address)) return escapeMrkdwn(text);
  const href = address.replace(LINK_BREAKERS, (c) => encodeURIComponent(c)).replaceAll('&', '&amp;');
  return `<${href}|${escapeMrkdwn(text) || escapeMrkdwn(address)}>`;
}
