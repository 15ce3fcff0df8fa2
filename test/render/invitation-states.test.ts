/**
 * The invitation list's states in words (toInvitationsView in views/invitations.ts) on records the
 * real service keeps: sent, accepted, revoked and expired, each with its age or date, and Revoke
 * offered only on the one still waiting.
 */
import { describe, expect, it } from 'vitest';
import { toInvitationsView } from '../../views/invitations.js';
import { contact, testService } from '../helpers.js';

const admin = { platform: 'cli' as const, userId: 'admin', displayName: 'Ada', locale: 'en' as const };
const viewer = { locale: 'en' as const, timeZone: 'UTC', permissions: ['invite' as const] };

describe('the invitation list', () => {
  it('tells each state with its age or date, and offers Revoke only on a pending one', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const { service } = await testService({ now });
    const draft = async (companyName: string) => {
      const d = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en', companyName });
      await service.markInvitationSent(admin, d.id, { body: d.body });
      return d;
    };
    await draft('Fabrikam');
    const accepted = await draft('Contoso');
    await service.acceptInvitation(accepted.token!, contact());
    const revoked = await draft('Adatum');
    await service.revokeInvitation(admin, revoked.id);
    const records = service.listInvitations(admin);
    expect(records.map((r) => r.effectiveStatus).sort()).toEqual(['accepted', 'revoked', 'sent']);
    // The one still waiting, as it reads once its link has lapsed (90 days on).
    const sent = records.find((r) => r.effectiveStatus === 'sent')!;
    const expired = { ...sent, id: 'expired-copy', companyName: 'Wingtip', effectiveStatus: 'expired' as const };

    const view = toInvitationsView(viewer, [...records, expired], new Date('2026-11-25T10:00:00Z'));
    const row = (name: string) => view.rows.find((r) => r.text.includes(name))!;
    expect(row('Fabrikam').text).toMatch(/^\d\. Fabrikam: sent 2 days ago, waiting, by Ada$/);
    expect(row('Contoso').text).toMatch(/: accepted 2 days ago, by Ada$/);
    expect(row('Adatum').text).toMatch(/: revoked 2 days ago, by Ada$/);
    expect(row('Wingtip').text).toMatch(/: expired on \d{1,2} \w{3} 2027, by Ada$/);
    expect(view.rows.filter((r) => r.actions.length).map((r) => r.actions[0]!.verb)).toEqual(['invitation.revoke']);
    expect(row('Fabrikam').actions).toHaveLength(1);
    // Someone who may not invite sees the list without the button.
    expect(toInvitationsView({ locale: 'en', timeZone: 'UTC' }, records, now).rows.every((r) => r.actions.length === 0)).toBe(true);
  });
});
