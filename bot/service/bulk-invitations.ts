/**
 * Bulk invitations (`invite customers`): lines checked first, every problem named with its line;
 * then one invitation per line, in the background, through the same `draftInvitation` a single
 * `invite customer` uses (its GDAP request, its reminders). Each line's invitation id is written in
 * the transaction that stores the invitation, so a restart resumes the batch without making any
 * line twice. Throttling from Microsoft waits and tries the same line again: no line is lost.
 */
import type { Batch, CardLocation, Delivery, Invitation } from '../../store/schema.js';
import type { MessageParams } from '../../i18n/catalogue.js';
import type { Actor } from './actor.js';
import { toActorRef } from './actor.js';
import type { ServiceContext } from './context.js';
import { queueDelivery } from './deliveries.js';
import { ErrorCode, InvalidInput, isServiceError, NotFound } from './errors.js';
import type { BatchProgressEvent, ServiceEvent } from './events.js';
import { effectiveStatus, isPending } from './invitation-status.js';
import type { DraftedInvitation, DraftInput } from './invitations.js';
import { partnerNameOrRefuse } from './partner.js';
import { queueReminders } from './reminders.js';
import { requirePermission } from './roles.js';
import { platformData } from './text.js';
import { BATCH_FILE_MAX_BYTES, checkLines, csvText, type LineProblem } from './bulk-lines.js';
import type { StoreReader, Tx } from '../../store/store.js';

export { BATCH_FILE_MAX_BYTES, BATCH_MAX_LINES, type LineProblem } from './bulk-lines.js';

/** The lines could not all be used: every problem, by line. Nothing was made. */
export class BatchRefused extends InvalidInput {
  constructor(readonly problems: LineProblem[]) {
    super('bulk.refused', { count: problems.length });
  }
}

/** What a bulk invitation is given: pasted text, or a CSV file (`bytes` null: it was over the size cap). */
export type BatchInput = { kind: 'pasted'; text: string } | { kind: 'csv'; name: string; bytes: Uint8Array | null };

/** What the runner does after a step: the next line, wait and try the same line again, or stop. */
export type BatchStep = 'next' | 'throttled' | 'finished';

/** The card is told every so many lines, or this long after it was last told, and at the end. */
const REPORT_EVERY_LINES = 10;
const REPORT_EVERY_MS = 1_000;
/** Refusals named on the card; the rest are counted. */
const FAILURES_SHOWN = 10;

type Draft = (
  actor: Actor,
  input: DraftInput,
  within: (tx: Tx, read: StoreReader, draft: Invitation) => Invitation,
) => Promise<DraftedInvitation>;

/** How far a batch got, as its card says it. */
export function progressOf(batch: Readonly<Batch>): BatchProgressEvent {
  const failed = batch.lines.filter((l) => l.failure);
  return {
    type: 'batch.progress',
    batchId: batch.id,
    total: batch.lines.length,
    done: batch.lines.filter((l) => l.invitationId || l.failure).length,
    made: batch.lines.filter((l) => l.invitationId).length,
    status: batch.status,
    failures: failed
      .slice(0, FAILURES_SHOWN)
      .map((l) => ({ line: l.line, email: l.customerEmail, key: l.failure!.key, params: l.failure!.params })),
    deliveryIds: [],
  };
}

export function createBulkInvitationOperations(ctx: ServiceContext, draftInvitation: Draft) {
  /** The emails already waiting in an invitation: a batch does not invite them again. */
  const pendingEmails = () => {
    const emails = new Set<string>();
    for (const id of ctx.indexes.invitationsNewestFirst(true)) {
      const invitation = ctx.store.get('invitations', id);
      if (invitation?.customerEmail && isPending(effectiveStatus(invitation, ctx.now())))
        emails.add(invitation.customerEmail.toLowerCase());
    }
    return emails;
  };

  /** The text to read: pasted as it is, a file only if it is a CSV file within the cap. */
  const textOf = (input: BatchInput): string => {
    if (input.kind === 'pasted') return typeof input.text === 'string' ? input.text : '';
    if (input.bytes === null) throw new InvalidInput('bulk.fileTooLarge', { max: BATCH_FILE_MAX_BYTES / 1024 / 1024 });
    const named = /\.(csv|txt)$/i.test(input.name);
    const text = named ? csvText(input.bytes) : null;
    if (text === null) throw new InvalidInput('bulk.fileNotCsv', { name: input.name.slice(0, 80) });
    return text;
  };

  /**
   * The card's update, when it is due (every few lines or a second, and at the end), added to
   * `news` for the dispatcher; keyed by the count, so queued twice it is sent once.
   */
  const report = (tx: Tx, batch: Batch, news: ServiceEvent[]): Batch => {
    const progress = progressOf(batch);
    const now = ctx.now();
    const due =
      progress.status !== 'running' ||
      progress.done - batch.reportedDone >= REPORT_EVERY_LINES ||
      !batch.reportedAt ||
      now.getTime() - Date.parse(batch.reportedAt) >= REPORT_EVERY_MS;
    if (!due || !batch.card) return batch;
    queueDelivery(
      ctx,
      tx,
      { kind: 'card', card: batch.card },
      progress,
      undefined,
      `batch:${batch.id}:${progress.status}:${progress.done}`,
    );
    news.push(progress);
    return { ...batch, reportedDone: progress.done, reportedAt: now.toISOString() };
  };

  /** The batch with one more line done (finished when it was the last), stored. */
  const withLine = (tx: Tx, batch: Readonly<Batch>, index: number, change: Partial<Batch['lines'][number]>, news: ServiceEvent[]): void => {
    const lines = batch.lines.map((l, i) => (i === index ? { ...l, ...change } : l));
    const finished = lines.every((l) => l.invitationId || l.failure);
    const next: Batch = { ...batch, lines, ...(finished ? { status: 'done' as const, finishedAt: ctx.now().toISOString() } : {}) };
    tx.put('batches', report(tx, next, news));
  };

  const publish = (news: ServiceEvent[]) => news.forEach((e) => ctx.notifier.publish(e));

  const actorOf = (batch: Readonly<Batch>): Actor => ({ ...batch.createdBy, locale: batch.locale });

  return {
    /**
     * Checks every line and, when all are good, records the batch for the runner to make; every
     * problem otherwise (`BatchRefused`), nothing made. `conversation`: where its invitations'
     * reminders go (null in the terminal).
     */
    async startBulkInvitations(actor: Actor, input: BatchInput, conversation: Batch['conversation']): Promise<BatchProgressEvent> {
      requirePermission(ctx, actor, 'invite');
      partnerNameOrRefuse(ctx, actor);
      const { lines, problems } = checkLines(textOf(input), { providers: ctx.store.all('providers'), pendingEmails: pendingEmails() });
      if (problems.length > 0) throw new BatchRefused(problems);
      const batch: Batch = {
        id: ctx.newId(),
        createdBy: toActorRef(actor),
        createdAt: ctx.now().toISOString(),
        status: 'running',
        locale: actor.locale,
        lines: lines.map((l) => ({ ...l, invitationId: null, failure: null })),
        conversation: conversation ? platformData(conversation) : null,
        card: null,
        reportedDone: 0,
        reportedAt: null,
        finishedAt: null,
      };
      await ctx.store.transact((tx) => {
        tx.put('batches', batch);
        ctx.audit(tx, actor, 'batch.started', batch.id, { lines: batch.lines.length, source: input.kind });
      });
      return progressOf(batch);
    },

    /** Refuses, before the form is shown, someone who may not invite (or a partner with no name yet). */
    mayInviteInBulk(actor: Actor): void {
      requirePermission(ctx, actor, 'invite');
      partnerNameOrRefuse(ctx, actor);
    },

    /** Where the surface posted the progress card; it is brought up to date at once. */
    async recordBatchCard(actor: Actor, batchId: string, card: CardLocation): Promise<void> {
      requirePermission(ctx, actor, 'invite');
      if (!ctx.store.get('batches', batchId)) throw new NotFound('bulk.notFound');
      const news: ServiceEvent[] = [];
      await ctx.store.transact((tx, read) => {
        const batch = read.get('batches', batchId)!;
        tx.put('batches', report(tx, { ...batch, card: platformData(card), reportedAt: null }, news));
      });
      publish(news);
    },

    /** The batches not yet finished (after a restart, the runner resumes them), oldest first. */
    unfinishedBatches(): string[] {
      return [...ctx.store.all('batches')]
        .filter((b) => b.status === 'running')
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .map((b) => b.id);
    },

    /**
     * Makes the batch's next line: its invitation, marked sent, its reminders queued, and the
     * line's invitation id, all in one transaction. Throttled or unreachable Microsoft: the line
     * stays to be tried again. A refusal is recorded on the line; a maker who may no longer invite
     * stops the batch.
     */
    async inviteNextLine(batchId: string): Promise<BatchStep> {
      const batch = ctx.store.get('batches', batchId);
      if (!batch || batch.status !== 'running') return 'finished';
      const index = batch.lines.findIndex((l) => !l.invitationId && !l.failure);
      const line = batch.lines[index];
      const actor = actorOf(batch);
      const news: ServiceEvent[] = [];
      if (!line) {
        await ctx.store.transact((tx, read) => {
          const current = read.get('batches', batchId)!;
          const done: Batch = { ...current, status: 'done', finishedAt: current.finishedAt ?? ctx.now().toISOString() };
          tx.put('batches', done);
        });
        return 'finished';
      }
      await ctx.directory.identify(actor).catch(() => {});
      try {
        await draftInvitation(
          actor,
          {
            acquisition: line.providerId ? 'indirect-provider' : 'own-marketing',
            providerId: line.providerId,
            companyName: line.companyName,
            customerEmail: line.customerEmail,
            locale: line.language ?? batch.locale,
          },
          (tx, read, draft) => {
            const current = read.get('batches', batchId)!;
            // Made meanwhile (never with one runner per batch): refusing here withdraws the new request.
            if (current.lines[index]?.invitationId) throw new InvalidInput('bulk.lineMade');
            const sent: Invitation = { ...draft, status: 'sent', sentAt: ctx.now().toISOString(), sentBy: draft.createdBy, batchId };
            withLine(tx, current, index, { invitationId: draft.id }, news);
            queueReminders(ctx, tx, sent);
            ctx.audit(tx, actor, 'invitation.sent', draft.id, { batchId, line: line.line });
            return sent;
          },
        );
        publish(news);
        return 'next';
      } catch (error) {
        if (!isServiceError(error)) throw error;
        if (error.code === ErrorCode.Unavailable && (error.key === 'microsoft.throttled' || error.key === 'microsoft.unreachable'))
          return 'throttled';
        const stop = error.code === ErrorCode.NotAllowed;
        await ctx.store.transact((tx, read) => {
          const current = read.get('batches', batchId)!;
          if (current.lines[index]?.invitationId) return;
          if (stop) tx.put('batches', report(tx, { ...current, status: 'stopped', finishedAt: ctx.now().toISOString() }, news));
          else withLine(tx, current, index, { failure: { key: error.key, params: error.params as MessageParams } }, news);
        });
        ctx.logger.warn(
          { err: error, batchId, line: line.line },
          stop ? 'bulk invitation stopped: its maker may no longer invite' : 'a bulk invitation line was refused',
        );
        publish(news);
        return stop ? 'finished' : 'next';
      }
    },

    /** A progress update about to be sent: the batch as it is now (never an older count); null once the batch is gone. */
    async prepareBatchDelivery(delivery: Readonly<Delivery>): Promise<ServiceEvent | null | undefined> {
      const event = delivery.event as unknown as ServiceEvent;
      if (event.type !== 'batch.progress') return undefined;
      const batch = ctx.store.get('batches', event.batchId);
      if (batch) return progressOf(batch);
      await ctx.store.transact((tx, read) => {
        if (read.get('deliveries', delivery.id)) tx.delete('deliveries', delivery.id);
      });
      return null;
    },
  };
}
