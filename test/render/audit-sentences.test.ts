/**
 * The audit trail as sentences (toAuditView in views/common.ts) for the entries the service rarely
 * writes: an action it has no sentence for, someone without a name, a customer not named yet, a
 * language chosen or left to the bot.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../bot/service/audit.js';
import { toAuditView } from '../../views/common.js';

const entry = (extra: Partial<AuditEntry>): AuditEntry => ({
  id: 'a1',
  at: '2026-11-23T10:00:00.000Z',
  actor: { platform: 'teams', userId: 'aad-ada', displayName: 'Ada' },
  action: 'invitation.drafted',
  target: 'i1',
  details: {},
  subject: 'Contoso',
  role: null,
  ...extra,
});
const sentences = (locale: 'en' | 'it', entries: AuditEntry[]) =>
  toAuditView({ locale, timeZone: 'UTC' }, entries).rows.map((r) => r.text.replace(/^[^:]+:\d\d: /, ''));

describe('audit sentences', () => {
  it('says a change was made for an action it has no sentence for, and "someone" for a nameless actor', () => {
    expect(sentences('en', [entry({ action: 'invitation.somethingNew' })])).toEqual(['Ada made a change']);
    expect(
      sentences('en', [entry({ action: 'invitation.somethingNew', actor: { platform: 'slack', userId: 'U1', displayName: '' } })]),
    ).toEqual(['someone made a change']);
  });

  it('names a customer not named yet as such', () => {
    expect(sentences('en', [entry({ subject: null })])[0]).toContain('a customer not named yet');
  });

  it("names a language chosen in the reader's language, and says when the person left it to the bot", () => {
    const [chosen, auto] = sentences('it', [
      entry({ action: 'person.language', subject: 'en' }),
      entry({ action: 'person.language', subject: 'auto' }),
    ]);
    expect(chosen).toMatch(/inglese/i);
    expect(sentences('en', [entry({ action: 'person.language', subject: 'auto' })])).toEqual([
      'Ada chose to be answered in the language they write',
    ]);
    expect(auto).not.toMatch(/inglese|italiano/i);
  });
});
