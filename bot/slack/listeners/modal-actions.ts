/**
 * Buttons inside a modal: the draft's "Write it in Italian / English". The service writes the
 * email again and the modal is updated in place (`views.update`, with the view's hash so a newer
 * state is never overwritten), what the person typed in the company, email and acquisition fields
 * kept; a refusal turns the modal into its sentence.
 */
import type { BlockAction } from '@slack/bolt';
import { CALLBACK, draftRevision, INPUT, toDraftModal, toNoticeModal, type ModalMeta } from '../../../render/slack/blocks.js';
import type { SlackContext } from './context.js';

type ModalView = NonNullable<BlockAction['view']>;
type Values = Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;

/** The modal's own metadata (where it was opened from), or nothing usable. */
function metaOf(view: ModalView): ModalMeta {
  try {
    const meta = JSON.parse(view.private_metadata) as Record<string, unknown>;
    return {
      channel: typeof meta.channel === 'string' ? meta.channel : '',
      ...(typeof meta.ts === 'string' ? { ts: meta.ts } : {}),
      ...(meta.lang === 'en' || meta.lang === 'it' ? { lang: meta.lang } : {}),
    };
  } catch {
    return { channel: '' };
  }
}

/** Whether a click came from one of the bot's modals (not the App Home, which is a view too). */
export const isModalAction = (body: BlockAction): body is BlockAction & { view: ModalView } => body.view?.type === 'modal';

export function createModalActions({ app, client, people }: Pick<SlackContext, 'app' | 'client' | 'people'>) {
  /** Answers a click in a modal; the caller has acknowledged it already. */
  return async function answerInModal(body: BlockAction & { view: ModalView }, verb: string, data: Record<string, unknown>): Promise<void> {
    const { view } = body;
    if (view.callback_id !== CALLBACK.draft || verb !== 'invitation.language') return;
    const meta = metaOf(view);
    const values = (view.state?.values ?? {}) as Values;
    const typed = (input: string) => values[input]?.[INPUT.action]?.value ?? '';
    const turn = await people.turnFor(body.user.id, meta.channel || body.user.id, '', body.user.name ?? '');
    const result = await app.conversation.handleAction(turn, verb, {
      ...data,
      companyName: typed(INPUT.companyName),
      customerEmail: typed(INPUT.customerEmail),
      acquisition: values[INPUT.acquisition]?.[INPUT.action]?.selected_option?.value ?? '',
    });
    const [next] = result.views;
    if (!next) return;
    // Rewritten: new ids for the subject and body, so Slack shows the new text; refused on a field: the same ids, the typed text kept.
    const revision = draftRevision(view.blocks as Array<{ block_id?: string }>) + (next.kind === 'draft' && !next.inviteeError ? 1 : 0);
    const updated =
      next.kind === 'draft'
        ? toDraftModal(next, { ...meta, lang: next.locale }, revision)
        : toNoticeModal(next, ('title' in next && next.title) || ' ');
    await client.views.update({ view_id: view.id, hash: view.hash, view: updated });
  };
}
