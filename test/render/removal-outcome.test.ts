/**
 * A removal's outcome in words (views/removals.ts): confirmed, with who attested and the next
 * step, with Partner Center's follow-up under the Microsoft directory; cancelled, with who
 * cancelled and that the customer stays.
 */
import { describe, expect, it } from 'vitest';
import { attestationText } from '../../bot/service/attestation.js';
import type { RemovalRecord } from '../../bot/service/removals.js';
import { toRemovalOutcomeView } from '../../views/removals.js';

const ADA = { platform: 'teams' as const, userId: 'aad-ada', displayName: 'Ada' };
const record = (removal: Partial<RemovalRecord['removal']>, extra: Partial<RemovalRecord> = {}): RemovalRecord => ({
  removal: {
    id: 'rm-1',
    customerId: 'c-1',
    relationshipId: 'rel-1',
    status: 'pending',
    requestedBy: ADA,
    requestedAt: '2026-11-23T09:00:00.000Z',
    attestationVersion: '2026-12-07',
    attestationLocale: 'en',
    attestedBy: null,
    attestedAt: null,
    cancelledBy: null,
    cancelledAt: null,
    ...removal,
  },
  companyName: 'Contoso Ltd',
  domain: 'contoso.com',
  attestation: attestationText('en'),
  alreadyDone: false,
  followUp: null,
  ...extra,
});
const viewer = { locale: 'en' as const, timeZone: 'UTC' };

describe('toRemovalOutcomeView', () => {
  it('says who removed it and when, keeps the domain and the attestation version, and offers a new customer', () => {
    const view = toRemovalOutcomeView(viewer, record({ status: 'confirmed', attestedBy: ADA, attestedAt: '2026-11-23T10:00:00.000Z' }));
    expect(view.title).toBe('Relationship with Contoso Ltd removed');
    expect(view.text).toBe('Removed by Ada, 23 Nov 2026, 10:00. Delegated admin privileges stay as they were.');
    expect(view.facts.map((f) => f.value)).toEqual(['contoso.com', '2026-12-07']);
    expect(view.actions).toEqual([expect.objectContaining({ verb: 'command', data: { command: 'invite' } })]);
    expect(view.link).toBeUndefined();
  });

  it("adds Partner Center's follow-up under the Microsoft directory, and leaves out a domain it does not know", () => {
    const view = toRemovalOutcomeView(
      viewer,
      record(
        { status: 'confirmed', attestedBy: ADA, attestedAt: '2026-11-23T10:00:00.000Z' },
        { domain: '', followUp: { link: 'https://partner.microsoft.com/dashboard/customers/t1' } },
      ),
    );
    expect(view.text).toMatch(/^Removed by Ada, 23 Nov 2026, 10:00\. Delegated admin privileges stay as they were\.\n\n\S/);
    expect(view.link).toEqual({ title: expect.any(String), url: 'https://partner.microsoft.com/dashboard/customers/t1' });
    expect(view.facts.map((f) => f.value)).toEqual(['2026-12-07']);
  });

  it('says who cancelled it and that the customer stays, with nothing further to do', () => {
    const view = toRemovalOutcomeView(
      viewer,
      record(
        { status: 'cancelled', cancelledBy: ADA, cancelledAt: '2026-11-23T09:30:00.000Z' },
        { followUp: { link: 'https://partner.microsoft.com/x' } },
      ),
    );
    expect(view.title).toBe('Removal cancelled');
    expect(view.text).toBe('Cancelled by Ada, 23 Nov 2026, 09:30. Contoso Ltd stays in your list.');
    expect(view.facts).toEqual([]);
    expect(view.actions).toEqual([]);
    expect(view.link).toBeUndefined();
    // A record without the time of the cancellation falls back on the request's.
    expect(toRemovalOutcomeView(viewer, record({ status: 'cancelled', cancelledBy: ADA })).text).toBe(
      'Cancelled by Ada, 23 Nov 2026, 09:00. Contoso Ltd stays in your list.',
    );
    expect(toRemovalOutcomeView(viewer, record({ status: 'confirmed', attestedBy: ADA })).text).toMatch(
      /^Removed by Ada, 23 Nov 2026, 09:00\./,
    );
  });
});
