/**
 * Text from outside (company, contact and provider names, people's names, search text, emails)
 * shown literally in Teams. Teams renders TextBlock `text` and Fact `title`/`value` as markdown
 * (learn.microsoft.com, "Format cards in Microsoft Teams"): bold, italic, lists and `[text](url)`
 * links. So every such string is escaped here, once, after the template is expanded.
 *
 * Why escaping and not `TextRun`s: a TextRun is literal in the JavaScript renderer (innerText),
 * but the iOS renderer sends TextRuns through the same MarkDownParser as TextBlocks
 * (microsoft/Teams-AdaptiveCards-Mobile, ACRRichTextBlockRenderer.mm ->
 * buildIntermediateResultForText), so a link would come back on phones.
 *
 * Which escapes: the desktop and web renderers follow CommonMark (any ASCII punctuation can be
 * backslash-escaped), but the mobile shared parser only honours `\*`, `\_`, `\[`, `\]`, `\)`
 * (MarkDownBlockParser.cpp, EmphasisParser::MatchText); other backslashes stay visible there
 * (microsoft/AdaptiveCards#5590, MicrosoftDocs/msteams-docs#5793). So `*`, `_`, `[`, `]` get a
 * backslash, and `~` too (strikethrough on desktop; a rare stray backslash on phones). Everything
 * else that could start markup gets an invisible WORD JOINER (U+2060) that no parser treats as
 * syntax: after a backslash, after `<` (autolinks, `<at>` mentions), after `&` before an entity
 * name, between `{{` (date functions), in `scheme://` and `www.` (autolinking; iOS turns on link
 * detection for rendered markdown), and before a list, heading or quote marker at the start of a
 * line. Input labels, choice titles and button titles are not markdown in Teams (msteams-docs#5793,
 * #6173), so they are left as they are.
 */

import { multiLine } from '../../bot/service/text.js';

const WJ = '\u2060';

// Regular expressions built once: a literal in the function would be a new object per call.
const SPECIAL = /[\\*[\]~_<&{]|:\/\/|www\.|^[ \t]*(?:[-+#>=]|\d+[.)])/im;
/** A URL in copy text: up to a space or a character that would end it in markdown. */
const COPIED_URL_ALL = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s<>()[\]*`\uE000\uE001]+/g;
const PLACEHOLDER = /\uE000(\d+)\uE001/g;
const HAS_BACKSLASHED = /[\\*[\]~]/;
const BACKSLASHED = /[\\*[\]~]/g;
// `_` between two letters or digits can neither open nor close emphasis (CommonMark, and the
// mobile parser's intra-word rule): left alone, so tokens, emails and snake_case stay as typed.
const UNDERSCORE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
const ENTITY = /&(?=[#A-Za-z])/g;
const HAS_LINE_START = /^[ \t]*(?:[-+#>=]|\d+[.)])/m;
const LINE_START = /^([ \t]*)([-+#>=]|\d+[.)])/gm;
const SCHEME = /\b([A-Za-z][A-Za-z0-9+.-]*):\/\//g;
const HAS_WWW = /www\./i;
const WWW = /\b(www)\./gi;
const backslashed = (c: string) => (c === '\\' ? `\\${WJ}` : `\\${c}`);

/**
 * What a markdown parser in Teams will show as exactly `text`. Each step runs only when its
 * character is there: cards hold hundreds of texts and most need nothing.
 */
export function teamsText(shown: string, keepUrls = false): string {
  // Controls and direction overrides go, as the service already removed them from what it was given
  // (bot/service/text.ts): here for any text that did not pass through it.
  const text = multiLine(shown);
  if (!SPECIAL.test(text)) return text;
  // Copy text: a URL is left exactly as it is (a client links it whole, and a backslash before an
  // `_` in an invitation token would break the pasted link); only the text around it is escaped.
  if (keepUrls && text.includes('://') && !/[\uE000\uE001]/.test(text)) {
    // Each URL stands aside as a placeholder (private-use characters, which no rule touches) while
    // the text around it is escaped, then comes back unchanged.
    const urls: string[] = [];
    const escaped = escapeMarkdown(
      text.replace(COPIED_URL_ALL, (url) => `\uE000${urls.push(url) - 1}\uE001`),
      true,
    );
    return escaped.replace(PLACEHOLDER, (_, i: string) => urls[Number(i)]!);
  }
  return escapeMarkdown(text, keepUrls);
}

function escapeMarkdown(text: string, keepUrls: boolean): string {
  let out = text;
  if (HAS_BACKSLASHED.test(out)) out = out.replace(BACKSLASHED, backslashed);
  if (out.includes('_')) out = out.replace(UNDERSCORE, '\\_');
  if (out.includes('<')) out = out.replaceAll('<', `<${WJ}`);
  if (out.includes('&')) out = out.replace(ENTITY, `&${WJ}`);
  if (out.includes('{{')) out = out.replaceAll('{{', `{${WJ}{`);
  if (HAS_LINE_START.test(out)) out = out.replace(LINE_START, `$1${WJ}$2`);
  if (!keepUrls && out.includes('://')) out = out.replace(SCHEME, `$1:${WJ}//`);
  if (!keepUrls && HAS_WWW.test(out)) out = out.replace(WWW, `$1${WJ}.`);
  return out;
}

/**
 * Escapes, in place, every string Teams renders as markdown in an expanded card (a fresh object
 * from the template expander). Monospace TextBlocks are the texts people copy into an email (the
 * invitation link, the email body): their URLs are kept whole, since an invisible character in a
 * pasted link would break it, while their markdown is still escaped. The card's own `fallbackText`
 * (shown by clients that cannot render the card, and which "may contain markdown" in the Adaptive
 * Card schema) is escaped like any other text.
 */
export function escapeCardText(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) escapeCardText(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const element = node as Record<string, unknown>;
  if (element.type === 'AdaptiveCard' && typeof element.fallbackText === 'string') element.fallbackText = teamsText(element.fallbackText);
  if (element.type === 'TextBlock' && typeof element.text === 'string') {
    element.text = teamsText(element.text, element.fontType === 'Monospace');
  } else if (element.type === 'FactSet' && Array.isArray(element.facts)) {
    for (const fact of element.facts as Array<Record<string, unknown>>) {
      if (typeof fact.title === 'string') fact.title = teamsText(fact.title);
      if (typeof fact.value === 'string') fact.value = teamsText(fact.value);
    }
  }
  for (const key in element) {
    const value = element[key];
    if (value !== null && typeof value === 'object') escapeCardText(value);
  }
}
