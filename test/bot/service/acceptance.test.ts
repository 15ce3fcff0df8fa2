import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { admin, contact, testService } from '../../helpers.js';
import { ErrorCode } from '../../../bot/service/index.js';
import { validateContact } from '../../../bot/service/acceptance.js';

describe('accepting an invitation', () => {
  it('records the customer, the reseller relationship with DAP, and lists the customer', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const { customer } = await service.acceptInvitation(draft.token, contact());
    expect(customer).toMatchObject({ companyName: 'Contoso Ltd', domain: 'contoso.com', contact: { name: 'Anna Verdi' } });
    const details = service.getCustomer(admin, 'contoso');
    expect(details.dapGranted).toBe(true);
    expect(details.relationships).toMatchObject([{ kind: 'reseller', status: 'active', dapGranted: true }]);
    expect(service.listCustomers(admin).items.map((c) => c.domain)).toEqual(['contoso.com']);
    expect(service.getInvitation(admin, draft.id)).toMatchObject({ status: 'accepted', customerId: customer.id });
  });

  it('adds the provider relationship when the invitation names one', async () => {
    const { service } = await testService();
    const provider = await service.addProvider(admin, { name: 'Contoso Distribution' });
    const draft = await service.draftInvitation(admin, { acquisition: 'indirect-provider', providerId: provider.id, locale: 'en' });
    await service.acceptInvitation(draft.token, contact('fabrikam.com'));
    const kinds = service.getCustomer(admin, 'fabrikam.com').relationships.map((r) => `${r.kind}:${r.providerName ?? '-'}`);
    expect(kinds.sort()).toEqual(['provider:Contoso Distribution', 'reseller:-']);
  });

  it('publishes invitation.accepted only once the write is on disk, with a delivery per subscribed channel', async () => {
    const { service, events, file } = await testService();
    await service.subscribeToNotifications(admin, { platform: 'teams', conversationId: '19:abc', name: 'Sales' });
    await service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C1', name: '#sales' });
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.acceptInvitation(draft.token, contact());
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'invitation.accepted', companyName: 'Contoso Ltd', invitedBy: 'admin' });
    expect(events[0]!.deliveryIds).toHaveLength(2);
    const journal = readFileSync(`${file}.journal`, 'utf8');
    for (const id of events[0]!.deliveryIds) expect(journal).toContain(id);
  });

  it("posts the news anew in the inviter's conversation, once: not again when that conversation is subscribed", async () => {
    const { service, store } = await testService();
    await service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C0NEWS', name: '#news' });
    const targets = async (card: Parameters<typeof service.recordDraftMessage>[2]) => {
      const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
      await service.recordDraftMessage(admin, draft.id, card);
      const before = new Set([...store.all('deliveries')].map((d) => d.id));
      await service.acceptInvitation(draft.token, contact(`${draft.id.slice(0, 8)}.example`));
      return [...store.all('deliveries')].filter((d) => !before.has(d.id)).map((d) => d.target);
    };
    const reference = { conversation: { id: 'a:personal-alice' }, serviceUrl: 'http://localhost:1' };
    expect(await targets({ platform: 'teams', activityId: 'act-1', reference, locale: 'it' })).toEqual([
      { kind: 'subscription', subscriptionId: 'slack:C0NEWS' },
      { kind: 'card', card: { platform: 'teams', activityId: 'act-1', reference, locale: 'it' } },
      { kind: 'conversation', platform: 'teams', conversationId: 'a:personal-alice', reference, locale: 'it' },
    ]);
    // Drafted in the subscribed channel: its post is the news there, with the card turned into the acceptance.
    expect(await targets({ platform: 'slack', channel: 'C0NEWS', ts: '1.2', locale: 'en' })).toEqual([
      { kind: 'subscription', subscriptionId: 'slack:C0NEWS' },
      { kind: 'card', card: { platform: 'slack', channel: 'C0NEWS', ts: '1.2', locale: 'en' } },
    ]);
  });

  it('refuses a used, revoked, expired or unknown link and changes nothing', async () => {
    const { service, clock, store } = await testService();
    const used = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.acceptInvitation(used.token, contact());
    const revoked = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.revokeInvitation(admin, revoked.id);
    const expired = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const audits = store.count('audit');
    const customers = store.count('customers');
    await expect(service.acceptInvitation(used.token, contact('other.com'))).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      key: 'invitation.is.accepted',
    });
    await expect(service.acceptInvitation(revoked.token, contact('other.com'))).rejects.toMatchObject({ key: 'invitation.is.revoked' });
    clock.now = new Date(clock.now.getTime() + 90 * 86_400_000);
    await expect(service.acceptInvitation(expired.token, contact('other.com'))).rejects.toMatchObject({ key: 'invitation.is.expired' });
    await expect(service.acceptInvitation('x'.repeat(43), contact('other.com'))).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(store.count('audit')).toBe(audits);
    expect(store.count('customers')).toBe(customers);
  });

  it('explains each invalid field of the form', async () => {
    const { service } = await testService();
    const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const error = await service
      .acceptInvitation(draft.token, { companyName: '', domain: 'not a domain', name: 'A', email: 'nope' })
      .catch((e) => e);
    expect(error.code).toBe(ErrorCode.InvalidInput);
    expect(Object.keys(error.fields).sort()).toEqual(['companyName', 'domain', 'email', 'name']);
  });

  it('updates an existing customer with the same domain instead of duplicating it', async () => {
    const { service, store } = await testService();
    for (const name of ['Contoso', 'Contoso Ltd']) {
      const draft = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
      await service.acceptInvitation(draft.token, { ...contact(), companyName: name });
    }
    expect(store.count('customers')).toBe(1);
    expect(service.getCustomer(admin, 'contoso.com').relationships).toHaveLength(1);
  });
});

describe("the customer's form", () => {
  const good = { companyName: 'Contoso Ltd', domain: 'contoso.com', name: 'Anna Verdi', email: 'anna@contoso.com' };
  const problems = (input: Record<string, unknown>) => {
    try {
      validateContact(input);
      return {};
    } catch (error) {
      expect(error).toMatchObject({ code: ErrorCode.InvalidInput, key: 'accept.invalid', params: {} });
      return (error as { fields: Record<string, string> }).fields;
    }
  };

  it('names each bad field with its own message', () => {
    expect(problems({ companyName: 42, domain: null, name: ['Anna'], email: {} })).toEqual({
      companyName: 'accept.field.companyName',
      domain: 'accept.field.domain',
      name: 'accept.field.name',
      email: 'accept.field.email',
    });
    expect(problems({})).toEqual({
      companyName: 'accept.field.companyName',
      domain: 'accept.field.domain',
      name: 'accept.field.name',
      email: 'accept.field.email',
    });
  });

  it('takes a pasted http or https address for the domain, and nothing else before it', () => {
    expect(validateContact({ ...good, domain: 'http://Contoso.com/' }).domain).toBe('contoso.com');
    expect(validateContact({ ...good, domain: 'https://contoso.com/about/us' }).domain).toBe('contoso.com');
    expect(problems({ ...good, domain: 'ftp://contoso.com' })).toEqual({ domain: 'accept.field.domain' });
    expect(problems({ ...good, domain: 'xhttps://contoso.com' })).toEqual({ domain: 'accept.field.domain' });
  });

  it('takes a domain of dotted labels ending in letters, and nothing around it', () => {
    for (const domain of ['x.io', 'mail.contoso.com', 'contoso.co.uk', `${'a'.repeat(63)}.${'b'.repeat(63)}.com`])
      expect(validateContact({ ...good, domain }).domain, domain).toBe(domain);
    const long = `${Array.from({ length: 4 }, () => 'a'.repeat(62)).join('.')}.co`;
    expect(long.length).toBe(254);
    for (const domain of ['-contoso.com', 'contoso.com1', 'contoso', 'contoso-.com', long, 'con toso.com'])
      expect(problems({ ...good, domain }), domain).toEqual({ domain: 'accept.field.domain' });
  });

  it('takes an email address of up to 254 characters', () => {
    const of = (length: number) => `${'a'.repeat(64)}@${'b'.repeat(length - 64 - 1 - 4)}.com`;
    expect(validateContact({ ...good, email: of(254) }).email).toHaveLength(254);
    expect(problems({ ...good, email: of(255) })).toEqual({ email: 'accept.field.email' });
    expect(problems({ ...good, email: 'anna@contoso' })).toEqual({ email: 'accept.field.email' });
    for (const email of ['(anna@contoso.com', 'anna@contoso.com1', 'anna@@contoso.com', 'an na@contoso.com'])
      expect(problems({ ...good, email }), email).toEqual({ email: 'accept.field.email' });
    expect(validateContact({ ...good, email: 'anna.verdi+csp@mail.contoso.co.uk' }).email).toBe('anna.verdi+csp@mail.contoso.co.uk');
    expect(validateContact({ ...good, email: '  ANNA@Contoso.COM ' }).email).toBe('anna@contoso.com');
  });
});
