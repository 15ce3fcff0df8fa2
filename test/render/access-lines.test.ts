/**
 * The access assignments in words (views/access.ts): why an assignment failed, for each code the
 * bot or Microsoft gives, and the customer's details' line for each state, with "Assign groups
 * again" only for admins and at most three of them.
 */
import { describe, expect, it } from 'vitest';
import type { AccessView } from '../../bot/service/gdap-access.js';
import { accessLines, accessProblem } from '../../views/access.js';

const error = (code: string, group: string | null = 'AdminAgents') => ({ code, message: 'Something odd', group });
const access = (extra: Partial<AccessView>): AccessView => ({
  relationshipId: 'rel-1',
  state: 'waiting',
  readyAt: null,
  groups: [
    { group: 'AdminAgents', roleDefinitionIds: [], status: 'active' },
    { group: 'HelpdeskAgents', roleDefinitionIds: [], status: 'active' },
  ],
  lastError: null,
  attempts: 0,
  nextAttemptAt: null,
  ...extra,
});
const admin = { locale: 'en' as const, timeZone: 'UTC', permissions: ['adminAccess' as const] };

describe('accessProblem', () => {
  it("says what the bot found, naming the group, or '?' when it has none", () => {
    expect(accessProblem('en', error('groupNotFound'))).toBe(
      'Your partner tenant has no security group named AdminAgents (GDAP_ACCESS names it).',
    );
    expect(accessProblem('en', error('groupAmbiguous', null))).toBe(
      'More than one group in your partner tenant is named ?: rename one, so the bot knows which to assign.',
    );
    expect(accessProblem('en', error('assignmentError'))).toBe('Microsoft could not make the assignment of AdminAgents active.');
    expect(accessProblem('en', error('nothingToAssign'))).toBe(
      'GDAP_ACCESS gives none of your groups any of the roles this relationship has.',
    );
  });

  it("tells each of Microsoft's refusals as one, and anything else with Microsoft's code and message", () => {
    for (const code of ['Authorization_RequestDenied', 'Forbidden', 'forbidden'])
      expect(accessProblem('en', error(code))).toMatch(new RegExp(`^Microsoft refused the assignment \\(${code}\\)`));
    expect(accessProblem('en', error('Request_BadRequest'))).toBe('Microsoft answered Request_BadRequest: Something odd');
    expect(accessProblem('it', error('groupNotFound'))).toBe(
      "Nel tuo tenant partner non c'è un gruppo di sicurezza chiamato AdminAgents (lo indica GDAP_ACCESS).",
    );
  });
});

describe('accessLines', () => {
  it('says each state in a line, with the groups and when', () => {
    const { lines, actions } = accessLines(admin, [
      access({ state: 'waiting' }),
      access({ state: 'assigning' }),
      access({ state: 'ready', readyAt: '2026-11-23T10:00:00.000Z' }),
      access({ state: 'failed', lastError: error('groupNotFound'), nextAttemptAt: '2026-11-23T11:00:00.000Z' }),
    ]);
    expect(lines.slice(0, 2)).toEqual([
      'Security groups: assigned once the relationship is active.',
      'Security groups: being assigned (AdminAgents, HelpdeskAgents).',
    ]);
    expect(lines[2]).toMatch(/^Security groups: assigned on 23 Nov 2026 \(AdminAgents, HelpdeskAgents\)\.$/);
    expect(lines[3]).toMatch(
      /^Security groups: not assigned\. Your partner tenant has no security group named AdminAgents \(GDAP_ACCESS names it\)\. Next try 23 Nov 2026, 11:00\.$/,
    );
    expect(actions).toEqual([expect.objectContaining({ verb: 'adminAccess.retry', data: { relationshipId: 'rel-1' } })]);
  });

  it("says '?' for a failure without a next try, and offers Assign again only to admins, at most three times", () => {
    const failed = [1, 2, 3, 4].map((n) => access({ relationshipId: `rel-${n}`, state: 'failed' }));
    const { lines, actions } = accessLines(admin, failed);
    expect(lines[0]).toMatch(/^Security groups: not assigned\. +Next try \?\.$/);
    expect(actions.map((a) => a.data)).toEqual([{ relationshipId: 'rel-1' }, { relationshipId: 'rel-2' }, { relationshipId: 'rel-3' }]);
    expect(accessLines({ locale: 'en' }, failed).actions).toEqual([]);
  });
});
