/** Sample bulk invitation views (the form with problems, the progress card at each stage), for the card tests and pictures. */
import type { LineProblem } from '../bot/service/bulk-invitations.js';
import { toBatchProgressView, toBulkFormView } from './bulk.js';
import type { View, Viewer } from './index.js';

/** `o` marks text from outside (what people typed in the lines, emails, Microsoft's refusals). */
export function bulkSamples(viewer: Viewer, o: (text: string) => string): Record<string, View> {
  const problems: LineProblem[] = [
    { line: 2, key: 'bulk.noEmail', params: {} },
    { line: 3, key: 'bulk.duplicate', params: { email: o('ada@contoso.example'), first: 1 } },
    { line: 4, key: 'bulk.formula', params: { char: '=' } },
    ...Array.from({ length: 40 }, (_, i): LineProblem => ({
      line: i + 5,
      key: 'bulk.badEmail',
      params: { email: o(`not-an-email-${i}`) },
    })),
  ];
  const failures = Array.from({ length: 10 }, (_, i) => ({
    line: i + 1,
    email: o(`it-admin-${i}@customer-${i}.example`),
    key: 'microsoft.refused',
    params: { reason: o('Forbidden (403)') },
  }));
  const progress = { type: 'batch.progress' as const, batchId: 'batch-1', total: 500, deliveryIds: [] };
  return {
    'bulk-form': toBulkFormView(viewer),
    'bulk-form-problems': toBulkFormView(viewer, { text: o('Contoso Ltd, ada@contoso.example\nFabrikam Srl'), problems }),
    'bulk-running': toBatchProgressView(viewer, { ...progress, done: 120, made: 118, status: 'running', failures: failures.slice(0, 2) }),
    'bulk-done': toBatchProgressView(viewer, { ...progress, done: 500, made: 460, status: 'done', failures }),
    'bulk-stopped': toBatchProgressView(viewer, { ...progress, done: 42, made: 42, status: 'stopped', failures: [] }),
  };
}
