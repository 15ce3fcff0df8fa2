/**
 * What Microsoft's and Slack's servers would refuse, written from their documentation (not from
 * our code): Teams' ~28 KB per activity, and Block Kit's limits.
 * https://docs.slack.dev/reference/block-kit/blocks
 */
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, ModalView, SectionBlock } from '@slack/types';

export const TEAMS_LIMIT_BYTES = 28 * 1024;

/** The block and element names and fields checked below, tied to @slack/types so a rename upstream fails tsc. */
const HEADER: HeaderBlock['type'] = 'header';
const SECTION: SectionBlock['type'] = 'section';
const CONTEXT: ContextBlock['type'] = 'context';
const ACTIONS: ActionsBlock['type'] = 'actions';
const BUTTON: Button['type'] = 'button';
const FIELDS: keyof SectionBlock = 'fields';
const ELEMENTS: keyof ContextBlock & keyof ActionsBlock = 'elements';
const ACTION_ID: keyof Button = 'action_id';
const VALUE: keyof Button = 'value';
const TITLE: keyof ModalView = 'title';
const PRIVATE_METADATA: keyof ModalView = 'private_metadata';

/** Bytes of a JSON payload as it travels. */
export const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

type Json = Record<string, unknown>;

/** Every Block Kit limit a message (`modal` false) or a modal or home tab (`modal` true) breaks. */
export function blockKitProblems(payload: Json, modal: boolean): string[] {
  const found: string[] = [];
  const blocks = (payload.blocks ?? []) as Json[];
  if (blocks.length > (modal ? 100 : 50)) found.push(`${blocks.length} blocks`);
  const textOf = (o: Json) => (o.text as Json | undefined)?.text;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      const text = textOf(o);
      const fields = o[FIELDS];
      const actionId = o[ACTION_ID];
      const value = o[VALUE];
      if (o.type === HEADER && typeof text === 'string' && text.length > 150) found.push(`header over 150: ${text.slice(0, 40)}`);
      if (o.type === BUTTON && typeof text === 'string' && text.length > 75) found.push(`button over 75: ${text}`);
      if (o.type === SECTION && typeof text === 'string' && text.length > 3000) found.push(`section text of ${text.length}`);
      if (o.type === SECTION && Array.isArray(fields)) {
        if (fields.length > 10) found.push(`${fields.length} fields`);
        for (const f of fields as Json[]) if (String(f.text).length > 2000) found.push(`field of ${String(f.text).length}`);
      }
      if (o.type === CONTEXT && (o[ELEMENTS] as unknown[]).length > 10) found.push('over 10 context elements');
      if (typeof actionId === 'string' && actionId.length > 255) found.push(`action_id: ${actionId}`);
      if (typeof value === 'string' && value.length > 2000) found.push('value over 2000');
      if (o.type === ACTIONS && (o[ELEMENTS] as unknown[]).length > 25) found.push('over 25 actions');
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  if (modal && payload[TITLE]) {
    const title = (payload[TITLE] as Json).text as string;
    if (title.length > 24) found.push(`modal title: ${title}`);
    if (String(payload[PRIVATE_METADATA] ?? '').length > 3000) found.push('private_metadata over 3000');
  }
  if (!modal && typeof payload.text === 'string' && payload.text.length > 40_000) found.push('text over 40,000');
  return found;
}
