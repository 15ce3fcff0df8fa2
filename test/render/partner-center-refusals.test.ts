/** Partner Center's refusals in words (refusalLines in views/microsoft.ts): a sentence per refused capability, naming the cause. */
import { describe, expect, it } from 'vitest';
import { t } from '../../i18n/catalogue.js';
import { refusalLines } from '../../views/microsoft.js';

describe('refusalLines', () => {
  it('says nothing of what is allowed, and one sentence for each refusal with a code it knows', () => {
    const lines = refusalLines('en', { customers: null, relationshipRequests: '1002', providers: '900421' });
    expect(lines).toEqual([
      'reseller link: refused, because your tenant is an indirect reseller, which Partner Center does not give API access. The bot goes on with Microsoft Graph.',
      'indirect providers: refused, because the sign-in did not use multi-factor authentication (900421). Sign in again with MFA.',
    ]);
    expect(refusalLines('en', { customers: '900420' })[0]).toMatch(
      /^customers: refused, because the token was issued for another audience \(900420\)/,
    );
    expect(refusalLines('en', { customers: '900329' })[0]).toBe(
      'customers: refused, because Partner Center needs a user sign-in here, not the app alone (900329).',
    );
  });

  it('reads a bare 403 as Partner Center turning an indirect reseller away, and names any other code and a capability it has no words for', () => {
    expect(refusalLines('it', { customers: '403' })).toEqual([
      t('it', 'ui.pc.refused.1002', { capability: t('it', 'ui.pc.capability.customers') }),
    ]);
    expect(refusalLines('en', { invoices: '2000' })).toEqual(['invoices: refused by Partner Center (2000).']);
  });
});
