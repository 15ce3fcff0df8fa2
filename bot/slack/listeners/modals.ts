/** Modal submissions (the email draft, the attestation), and anything interactive we do not handle. */
import type { AckFn, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';
import type { View } from '../../../views/index.js';
import type { Place } from '../replies.js';
import { CALLBACK, INPUT, submittedBlockId, toNoticeModal, type ModalMeta } from '../../../render/slack/blocks.js';

/** Slack wants an answer within 3 s; a submission whose work takes longer is acknowledged first. */
export const ACK_BUDGET_MS = 2_000;
/** What a modal's field error shows at most; the rest of a long list of problems is cut. */
const FIELD_ERROR_MAX = 1_900;
import type { SlackContext } from './context.js';

export function registerModals({ bolt, app, people, replies }: SlackContext): void {
  const { conversation } = app;
  const { turnFor } = people;
  const { afterAck, post, update } = replies;

  type Values = Record<
    string,
    Record<string, { value?: string | null; selected_option?: { value?: string } | null; selected_options?: Array<{ value?: string }> }>
  >;
  const readMeta = (raw: string): ModalMeta & Record<string, unknown> => {
    try {
      const meta = JSON.parse(raw) as Record<string, unknown>;
      return {
        ...meta,
        channel: typeof meta.channel === 'string' ? meta.channel : '',
        ts: typeof meta.ts === 'string' ? meta.ts : undefined,
      };
    } catch {
      return { channel: '' };
    }
  };

  /**
   * Runs a submission. Field errors go back in the acknowledgement; a refusal replaces the modal
   * with the sentence; success closes it and updates (or posts) the message it came from.
   */
  async function submit(
    body: { user: { id: string; name?: string } },
    rawMeta: string,
    ack: AckFn<ViewResponseAction>,
    verb: string,
    data: (meta: Record<string, unknown>) => Record<string, unknown>,
    fieldErrors: (view: View) => Record<string, string> | null,
  ): Promise<void> {
    const meta = readMeta(rawMeta);
    const place: Place = { channel: meta.channel || body.user.id, userId: body.user.id, ts: meta.ts };
    // The budget covers everything before the answer, a slow users.info included.
    const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ACK_BUDGET_MS).unref());
    const turnReady = turnFor(body.user.id, place.channel, '', body.user.name ?? '');
    const work = turnReady.then((turn) => conversation.handleAction(turn, verb, data(meta)));
    const early = await Promise.race([work, timer]);
    if (early === 'late') await ack();
    const turn = await turnReady;
    const result = early === 'late' ? await work : early;
    const [view] = result.views;
    if (!view) return early === 'late' ? undefined : ack();
    const errors = fieldErrors(view);
    if (early !== 'late') {
      if (errors) return ack({ response_action: 'errors', errors });
      if (view.kind === 'message' && view.tone === 'error')
        return ack({ response_action: 'update', view: toNoticeModal(view, view.title || ' ') });
      await ack();
    }
    await afterAck(place, async () => {
      if (place.ts && result.mode === 'replace') await update(turn, { ...place, ts: place.ts }, view);
      else await post(turn, place, view);
    });
  }

  bolt.view<ViewSubmitAction>(CALLBACK.draft, async ({ ack, body, view }) => {
    const values = view.state.values as Values;
    // The subject and body carry a revision in their ids once the bot wrote the email again in the modal.
    const subject = submittedBlockId(values, INPUT.subject);
    const bodyBlock = submittedBlockId(values, INPUT.body);
    await submit(
      body,
      view.private_metadata,
      ack,
      'invitation.done',
      (meta) => ({
        invitationId: meta.invitationId,
        token: meta.token,
        subject: values[subject]?.[INPUT.action]?.value ?? '',
        body: values[bodyBlock]?.[INPUT.action]?.value ?? '',
        acquisition: values[INPUT.acquisition]?.[INPUT.action]?.selected_option?.value ?? '',
        companyName: values[INPUT.companyName]?.[INPUT.action]?.value ?? '',
        customerEmail: values[INPUT.customerEmail]?.[INPUT.action]?.value ?? '',
        lang: meta.lang,
      }),
      (v) =>
        v.kind === 'draft' && (v.bodyError || v.inviteeError)
          ? {
              ...(v.bodyError ? { [bodyBlock]: v.bodyError } : {}),
              ...(v.inviteeError ? { [INPUT[v.inviteeErrorOn ?? 'customerEmail']]: v.inviteeError } : {}),
            }
          : null,
    );
  });

  bolt.view<ViewSubmitAction>(CALLBACK.attestation, async ({ ack, body, view }) => {
    const values = view.state.values as Values;
    const ticked = (values[INPUT.attest]?.[INPUT.action]?.selected_options ?? []).some((o) => o.value === 'attest');
    await submit(
      body,
      view.private_metadata,
      ack,
      'removal.confirm',
      (meta) => ({ removalId: meta.removalId, attest: ticked, lang: meta.lang }),
      (v) => (v.kind === 'attestation' && v.error ? { [INPUT.attest]: v.error } : null),
    );
  });

  // Bulk invitations: the lines; their problems go under the box (Slack caps a field error's length).
  bolt.view<ViewSubmitAction>(CALLBACK.bulk, async ({ ack, body, view }) => {
    const values = view.state.values as Values;
    await submit(
      body,
      view.private_metadata,
      ack,
      'bulk.start',
      (meta) => ({ lines: values[INPUT.lines]?.[INPUT.action]?.value ?? '', lang: meta.lang }),
      (v) => (v.kind === 'bulkForm' && v.error ? { [INPUT.lines]: v.error.slice(0, FIELD_ERROR_MAX) } : null),
    );
  });

  // Anything else interactive (an old message's button, a stray view) is acknowledged and ignored,
  // rather than left to time out (Slack would show the user an error).
  const handledViews = new Set<string>([CALLBACK.draft, CALLBACK.attestation, CALLBACK.bulk]);
  bolt.action(/^(?!csp:)/, async ({ ack }) => ack());
  bolt.view(/.*/, async ({ ack, body }) => {
    if (!handledViews.has(body.view.callback_id)) await ack();
  });
}
