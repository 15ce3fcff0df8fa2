/**
 * Bulk invitations in a conversation: the form, lines typed after the command, a CSV file sent in
 * the chat. A good batch answers with its progress card; a refused one with every problem by line
 * (on the form, under the input, when it came from the form).
 */
import { BatchRefused, type BatchInput } from '../service/bulk-invitations.js';
import type { Service } from '../service/index.js';
import { problemsText, toBatchProgressView, toBulkFormView, type MessageView, type View, type Viewer } from '../../views/index.js';
import { t } from '../../i18n/catalogue.js';
import type { ActionResult, Turn } from './turn.js';

export interface BulkDeps {
  service: Service;
  viewerOf: (turn: Turn) => Viewer;
  errorView: (turn: Turn, error: unknown) => View;
}

/** The problems as one error message (a file, or lines typed after the command). */
function problemsView(viewer: Viewer, error: BatchRefused): MessageView {
  const text = problemsText(viewer, error.problems);
  return { kind: 'message', locale: viewer.locale, tone: 'error', title: t(viewer.locale, 'ui.error.title'), text, fallbackText: text };
}

export function createBulkAnswers({ service, viewerOf, errorView }: BulkDeps) {
  /** Where the batch's invitations are chased (the terminal has nowhere to post later). */
  const conversationOf = (turn: Turn) => {
    const { platform, conversationId, reference } = turn.conversation;
    return platform === 'cli' ? null : { platform, conversationId, reference: reference ?? null, locale: turn.actor.locale };
  };

  async function start(turn: Turn, input: BatchInput, onRefused: (viewer: Viewer, error: BatchRefused) => View): Promise<View> {
    const viewer = viewerOf(turn);
    try {
      return toBatchProgressView(viewer, await service.startBulkInvitations(turn.actor, input, conversationOf(turn)));
    } catch (error) {
      if (error instanceof BatchRefused) return onRefused(viewer, error);
      return errorView(turn, error);
    }
  }

  return {
    /** `invite customers` typed: the form without lines, the batch with them. */
    async fromText(turn: Turn, lines: string): Promise<View[]> {
      if (!lines.trim()) {
        try {
          service.mayInviteInBulk(turn.actor);
        } catch (error) {
          return [errorView(turn, error)];
        }
        return [toBulkFormView(viewerOf(turn))];
      }
      return [await start(turn, { kind: 'pasted', text: lines }, problemsView)];
    },

    /** The form's button: the card becomes the progress card, or stays the form with the problems under the input. */
    async fromForm(turn: Turn, lines: string): Promise<ActionResult> {
      if (!lines.trim()) return { mode: 'replace', views: [toBulkFormView(viewerOf(turn))] };
      const view = await start(turn, { kind: 'pasted', text: lines }, (viewer, error) =>
        toBulkFormView(viewer, { text: lines, problems: error.problems }),
      );
      return { mode: view.kind === 'message' ? 'reply' : 'replace', views: [view] };
    },

    /** A CSV file sent in the chat (`bytes` null: it was over the size cap while it was read). */
    async fromFile(turn: Turn, file: { name: string; bytes: Uint8Array | null }): Promise<View[]> {
      return [await start(turn, { kind: 'csv', name: file.name, bytes: file.bytes }, problemsView)];
    },
  };
}
