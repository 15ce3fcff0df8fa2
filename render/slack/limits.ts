/**
 * Block Kit's limits, enforced in one place: every message, modal and App Home the bot builds
 * passes through `withinLimits` before it reaches Slack, which would refuse it otherwise
 * (`invalid_blocks`) and leave the person with nothing.
 * https://docs.slack.dev/reference/block-kit/blocks
 */
import type { Locale } from '../../store/schema.js';
import { t } from '../../i18n/catalogue.js';

export const MAX = {
  header: 150,
  plain: 2000,
  button: 75,
  section: 3000,
  field: 2000,
  fields: 10,
  actions: 25,
  contextElements: 10,
  modalTitle: 24,
  option: 75,
  value: 2000,
  blockId: 255,
  messageBlocks: 50,
  /** Modals and the App Home. */
  viewBlocks: 100,
  messageText: 3000,
  /** An image block's alt text. */
  altText: 2000,
} as const;

/** A Block Kit block: anything with a `type` (what @slack/types' own `Block` asks for). */
export type Block = { type: string } & Record<string, unknown>;
type Text = { type: string; text: string } & Record<string, unknown>;

/**
 * Cuts `text` to `max` characters with an ellipsis, never in the middle of an escaped `&amp;`,
 * `&lt;` or `&gt;` (half an entity would show as raw text).
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]{0,3}$/, '')}…`;
}

const clipText = (text: Text | undefined, max: number): Text | undefined =>
  text && typeof text.text === 'string' && text.text.length > max ? { ...text, text: clip(text.text, max) } : text;

/** One block with its texts and element counts brought within their limits. */
function fitBlock(block: Block): Block {
  switch (block.type) {
    case 'section': {
      const fields = block.fields as Text[] | undefined;
      return {
        ...block,
        ...(block.text ? { text: clipText(block.text as Text, MAX.section) } : {}),
        ...(fields ? { fields: fields.slice(0, MAX.fields).map((f) => clipText(f, MAX.field)!) } : {}),
      };
    }
    case 'header':
      return { ...block, text: clipText(block.text as Text, MAX.header) };
    case 'actions':
      return { ...block, elements: (block.elements as Block[]).slice(0, MAX.actions) };
    case 'context':
      return { ...block, elements: (block.elements as Text[]).slice(0, MAX.contextElements).map((e) => clipText(e, MAX.section)!) };
    default:
      return block;
  }
}

/**
 * The blocks of one message (`maxBlocks` 50) or view (100), within Block Kit's limits. Past the
 * block count, the first blocks are kept, then a sentence saying that part was left out, then the
 * message's own buttons (its last block when that is an actions block), so it stays usable.
 */
export function withinLimits(blocks: Block[], maxBlocks: number, locale: Locale): Block[] {
  const fitted = blocks.map(fitBlock);
  if (fitted.length <= maxBlocks) return fitted;
  const last = fitted.at(-1)!;
  const tail = last.type === 'actions' ? [last] : [];
  const note: Block = { type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, 'ui.slack.leftOut'), verbatim: true }] };
  return [...fitted.slice(0, maxBlocks - 1 - tail.length), note, ...tail];
}
