/**
 * What Microsoft's and Slack's servers would refuse, written from their documentation (not from
 * our code): Teams' ~28 KB per activity, and Block Kit's limits.
 * https://docs.slack.dev/reference/block-kit/blocks
 */
export const TEAMS_LIMIT_BYTES = 28 * 1024;

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
      if (o.type === 'header' && typeof text === 'string' && text.length > 150) found.push(`header over 150: ${text.slice(0, 40)}`);
      if (o.type === 'button' && typeof text === 'string' && text.length > 75) found.push(`button over 75: ${text}`);
      if (o.type === 'section' && typeof text === 'string' && text.length > 3000) found.push(`section text of ${text.length}`);
      if (o.type === 'section' && Array.isArray(o.fields)) {
        if (o.fields.length > 10) found.push(`${o.fields.length} fields`);
        for (const f of o.fields as Json[]) if (String(f.text).length > 2000) found.push(`field of ${String(f.text).length}`);
      }
      if (o.type === 'context' && (o.elements as unknown[]).length > 10) found.push('over 10 context elements');
      if (typeof o.action_id === 'string' && o.action_id.length > 255) found.push(`action_id: ${o.action_id}`);
      if (typeof o.value === 'string' && o.value.length > 2000) found.push('value over 2000');
      if (o.type === 'actions' && (o.elements as unknown[]).length > 25) found.push('over 25 actions');
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  if (modal && payload.title) {
    const title = (payload.title as Json).text as string;
    if (title.length > 24) found.push(`modal title: ${title}`);
    if (String(payload.private_metadata ?? '').length > 3000) found.push('private_metadata over 3000');
  }
  if (!modal && typeof payload.text === 'string' && payload.text.length > 40_000) found.push('text over 40,000');
  return found;
}
