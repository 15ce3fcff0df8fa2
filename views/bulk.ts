/** Bulk invitations: the form for the lines, the problems by line, and the progress card updated in place. */
import { t, type MessageKey } from '../i18n/catalogue.js';
import type { BatchProgressEvent } from '../bot/service/events.js';
import type { LineProblem } from '../bot/service/bulk-invitations.js';
import { commandUsage, outcomeView, type ActionModel, type Base, type OutcomeView, type Viewer } from './common.js';

/** The form: a multi-line input for the lines, the problems under it when a try was refused. */
export interface BulkFormView extends Base {
  kind: 'bulkForm';
  intro: string;
  /** Where a longer list goes (a CSV file in the chat). */
  hint: string;
  label: string;
  placeholder: string;
  /** What was typed, kept when the lines come back with problems. */
  text: string;
  /** The problems, by line, under the input; null when there are none. */
  error: string | null;
  actions: ActionModel[];
}

/** Problems named on a card or in a message: enough to put most right, within every platform's limits. */
const PROBLEMS_SHOWN = 25;

/** Every problem as its sentence, one a line, the first few only; the count of the rest. */
export function problemsText(viewer: Viewer, problems: readonly LineProblem[]): string {
  const l = viewer.locale;
  const lines = problems.slice(0, PROBLEMS_SHOWN).map((p) => t(l, p.key, { line: p.line, ...p.params }));
  const more = problems.length - PROBLEMS_SHOWN;
  return [
    t(l, 'bulk.refused', { count: problems.length }),
    ...lines,
    ...(more > 0 ? [t(l, 'bulk.moreProblems', { count: more })] : []),
  ].join('\n');
}

export function toBulkFormView(viewer: Viewer, input: { text?: string; problems?: readonly LineProblem[] } = {}): BulkFormView {
  const l = viewer.locale;
  const title = t(l, 'ui.bulk.title');
  const error = input.problems?.length ? problemsText(viewer, input.problems) : null;
  return {
    kind: 'bulkForm',
    locale: l,
    title,
    fallbackText: error ? `${title}. ${error}` : `${title}. ${t(l, 'ui.bulk.intro')}`,
    intro: t(l, 'ui.bulk.intro'),
    hint: t(l, 'ui.bulk.fileHint'),
    label: t(l, 'ui.bulk.label'),
    placeholder: t(l, 'ui.bulk.placeholder'),
    text: input.text ?? '',
    error,
    actions: [{ verb: 'bulk.start', title: t(l, 'ui.bulk.start'), style: 'positive' }],
  };
}

/** The progress card: "12 of 40 drafted" while it runs; at the end what was made, and each line refused with why. */
export function toBatchProgressView(viewer: Viewer, p: BatchProgressEvent): OutcomeView {
  const l = viewer.locale;
  const onboarding: ActionModel = {
    verb: 'command',
    title: commandUsage(l, 'onboarding'),
    style: 'positive',
    data: { command: 'onboarding' },
  };
  const progress = t(l, 'ui.bulk.progress', { done: p.done, total: p.total });
  const failedCount = p.done - p.made;
  const facts = p.failures.map((f) => ({
    title: t(l, 'ui.bulk.failedLine', { line: f.line }),
    value: t(l, 'ui.bulk.failedValue', { email: f.email, reason: t(l, f.key as MessageKey, f.params) }),
  }));
  const hidden = failedCount - p.failures.length;
  if (hidden > 0) facts.push({ title: '…', value: t(l, 'ui.bulk.moreFailed', { count: hidden }) });
  const failed = failedCount > 0 ? `\n${t(l, 'ui.bulk.failed', { count: failedCount })}` : '';
  const view =
    p.status === 'running'
      ? outcomeView(l, t(l, 'ui.bulk.running.title', { count: p.total }), `${progress}${failed}`, { facts })
      : p.status === 'stopped'
        ? outcomeView(l, t(l, 'ui.bulk.stopped.title'), `${t(l, 'ui.bulk.stopped.text', { done: p.done, total: p.total })}${failed}`, {
            facts,
            actions: [onboarding],
          })
        : outcomeView(l, t(l, 'ui.bulk.done.title', { count: p.made }), `${progress}. ${t(l, 'ui.bulk.done.text')}${failed}`, {
            facts,
            actions: [onboarding],
          });
  return { ...view, batchId: p.batchId };
}
