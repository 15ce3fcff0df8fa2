/**
 * Every service operation against every role, on real records: the least role that may call it
 * succeeds, every role below it gets NotAllowed and changes nothing. A check deleted or weakened
 * anywhere fails here (this is what mutation testing found missing).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { actor, admin, contact, testService } from '../../helpers.js';
import { ErrorCode } from '../../../bot/service/index.js';
import type { Role } from '../../../store/schema.js';

type Level = 'anyRole' | 'admin' | 'globalAdmin';
const people = { 'global-admin': actor('ga'), 'admin-agent': actor('agent'), 'sales-agent': actor('sales'), 'helpdesk-agent': actor('help'), none: actor('nobody') };
/** Who may, and who may not, for each level (the least allowed role first). */
const allowed: Record<Level, Array<keyof typeof people>> = {
  anyRole: ['helpdesk-agent', 'sales-agent', 'admin-agent', 'global-admin'],
  admin: ['admin-agent', 'global-admin'],
  globalAdmin: ['global-admin'],
};

async function fixture() {
  const t = await testService();
  for (const [role, who] of Object.entries(people) as Array<[Role | 'none', ReturnType<typeof actor>]>) {
    if (role !== 'none') await t.service.grantRole(admin, { principal: `cli:${who.userId}`, role });
  }
  const draft = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  const accepted = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await t.service.acceptInvitation(accepted.token, contact());
  const sent = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
  await t.service.markInvitationSent(admin, sent.id, { body: `Please accept: ${sent.link}` });
  const removal = await t.service.requestRemoval(admin, 'Contoso Ltd');
  const provider = await t.service.addProvider(admin, { name: 'Contoso Distribution' });
  await t.service.subscribeToNotifications(admin, { platform: 'slack', conversationId: 'C0NEWS', name: '#news' });
  return { ...t, draft, sent, removal, provider };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

/** Each operation with real ids and valid input: only the caller's role can make it fail. */
const notMicrosoft = (error: { key?: string }) => {
  if (error.key !== 'partnerCenter.needsMicrosoft') throw error;
};

const notRequested = (error: { key?: string }) => {
  if (error.key !== 'access.notFound') throw error;
};

const nothingToExtend = (error: { key?: string }) => {
  if (error.key !== 'autoExtend.embedded') throw error;
};
const noSuchBatch = (error: { key?: string }) => {
  if (error.key !== 'bulk.notFound') throw error;
};

const operations: Array<[string, Level, (f: Fixture, who: ReturnType<typeof actor>) => unknown]> = [
  ['listCustomers', 'anyRole', (f, who) => f.service.listCustomers(who)],
  ['getCustomer', 'anyRole', (f, who) => f.service.getCustomer(who, 'contoso.com')],
  ['customerDetails', 'anyRole', (f, who) => f.service.customerDetails(who, 'contoso.com')],
  ['listProviders', 'anyRole', (f, who) => f.service.listProviders(who)],
  ['getInvitation', 'anyRole', (f, who) => f.service.getInvitation(who, f.draft.id)],
  ['listInvitations', 'anyRole', (f, who) => f.service.listInvitations(who)],
  ['listRoleGrants', 'anyRole', (f, who) => f.service.listRoleGrants(who)],
  ['listNotificationSubscriptions', 'anyRole', (f, who) => f.service.listNotificationSubscriptions(who)],
  ['subscribeToNotifications', 'anyRole', (f, who) => f.service.subscribeToNotifications(who, { platform: 'teams', conversationId: '19:ops', name: 'Ops' })],
  ['notificationHealth', 'anyRole', (f, who) => f.service.notificationHealth(who)],
  ['removeNotificationSubscription', 'admin', (f, who) => f.service.removeNotificationSubscription(who, 'slack:C0NEWS')],
  ['unsubscribeFromNotifications', 'anyRole', (f, who) => f.service.unsubscribeFromNotifications(who, { platform: 'teams', conversationId: '19:ops' })],
  ['draftInvitation', 'admin', (f, who) => f.service.draftInvitation(who, { acquisition: 'own-marketing', locale: 'en' })],
  ['markInvitationSent', 'admin', (f, who) => f.service.markInvitationSent(who, f.draft.id, { body: `Please accept: ${f.draft.link}` })],
  ['onboarding', 'anyRole', (f, who) => f.service.onboarding(who)],
  ['onboardingOf', 'anyRole', (f, who) => f.service.onboardingOf(who, 'Contoso Ltd')],
  ['openDraft', 'admin', (f, who) => f.service.openDraft(who, f.draft.id)],
  ['rewriteDraft', 'admin', (f, who) => f.service.rewriteDraft(who, f.draft.id, { language: 'it' })],
  ['resendInvitation', 'admin', (f, who) => f.service.resendInvitation(who, f.sent.id)],
  ['snoozeReminder', 'admin', (f, who) => f.service.snoozeReminder(who, f.sent.id)],
  ['revokeInvitation', 'admin', (f, who) => f.service.revokeInvitation(who, f.draft.id)],
  ['recordDraftMessage', 'admin', (f, who) => f.service.recordDraftMessage(who, f.draft.id, { platform: 'teams', activityId: 'x', reference: { conversation: { id: 'a:1' } }, locale: 'en' })],
  ['providersToInviteWith', 'admin', (f, who) => f.service.providersToInviteWith(who)],
  ['requestRemoval', 'admin', (f, who) => f.service.requestRemoval(who, 'Contoso Ltd')],
  ['getRemoval', 'admin', (f, who) => f.service.getRemoval(who, f.removal.removal.id)],
  ['openRemoval', 'admin', (f, who) => f.service.openRemoval(who, f.removal.removal.id)],
  ['confirmRemoval', 'admin', (f, who) => f.service.confirmRemoval(who, f.removal.removal.id, { attested: true })],
  ['cancelRemoval', 'admin', (f, who) => f.service.cancelRemoval(who, f.removal.removal.id)],
  ['grantRole', 'admin', (f, who) => f.service.grantRole(who, { principal: 'cli:newcomer', role: 'sales-agent' })],
  ['revokeRole', 'admin', (f, who) => f.service.revokeRole(who, { principal: 'cli:help' })],
  ['listAudit', 'admin', (f, who) => f.service.listAudit(who)],
  ['refreshCustomers', 'anyRole', (f, who) => f.service.refreshCustomers(who)],
  ['directoryStatus', 'admin', (f, who) => f.service.directoryStatus(who)],
  ['adminAccessOf', 'admin', (f, who) => f.service.adminAccessOf(who, 'contoso.com')],
  ['endAdminAccess', 'admin', (f, who) => f.service.endAdminAccess(who, 'contoso.com')],
  // Embedded: no GDAP relationship, so past the role check it is not one the bot requested.
  ['retryAccess', 'admin', (f, who) => f.service.retryAccess(who, 'no-such-relationship').catch(notRequested)],
  // Embedded: past the role check, these say Partner Center needs the Microsoft directory.
  ['connectPartnerCenter', 'admin', (f, who) => f.service.connectPartnerCenter(who, null).catch(notMicrosoft)],
  ['disconnectPartnerCenter', 'admin', (f, who) => f.service.disconnectPartnerCenter(who).catch(notMicrosoft)],
  ['addProvider', 'globalAdmin', (f, who) => f.service.addProvider(who, { name: 'Fabrikam Distribution' })],
  ['chooseLanguage', 'anyRole', (f, who) => f.service.chooseLanguage(who, { language: 'italiano' })],
  ['namePartner', 'globalAdmin', (f, who) => f.service.namePartner(who, { name: 'Northwind Cloud Services' })],
  // The audit log names people: admins only, as `audit`; the customer list for anyone who may list it.
  ['exportFile', 'admin', (f, who) => f.service.exportFile(who, { kind: 'audit' })],
  ['exportLink', 'anyRole', (f, who) => f.service.exportLink(who, { kind: 'customers' })],
  // Embedded: past the role check, there is no relationship at Microsoft to extend.
  // The book's gaps: for everyone who may list customers (the fixes' own operations check their permission).
  ['gaps', 'anyRole', (f, who) => f.service.gaps(who)],
  ['gapPage', 'anyRole', (f, who) => f.service.gapPage(who, { kind: 'providerWithoutRelationship', page: 1 })],
  ['autoExtendAdminAccess', 'admin', (f, who) => f.service.autoExtendAdminAccess(who, 'no-such-relationship').catch(nothingToExtend)],
  ['mayInviteInBulk', 'admin', (f, who) => f.service.mayInviteInBulk(who)],
  ['startBulkInvitations', 'admin', (f, who) => f.service.startBulkInvitations(who, { kind: 'pasted', text: 'Fabrikam Srl, it@fabrikam.example' }, null)],
  // Past the role check, there is no such batch.
  ['recordBatchCard', 'admin', (f, who) => f.service.recordBatchCard(who, 'no-such-batch', { platform: 'slack', channel: 'D1', ts: '1.1', locale: 'en' }).catch(noSuchBatch)],
  ['subscribeToDigest', 'anyRole', (f, who) => f.service.subscribeToDigest(who, { platform: 'teams', conversationId: '19:ops', name: 'Ops' })],
  ['unsubscribeFromDigest', 'anyRole', (f, who) => f.service.unsubscribeFromDigest(who, { platform: 'teams', conversationId: '19:ops' })],
  ['digestNow', 'anyRole', (f, who) => f.service.digestNow(who, { platform: 'teams', conversationId: '19:ops' })],
];

/** Everything in the store, to prove a refusal wrote nothing. */
const fingerprint = (f: Fixture) =>
  JSON.stringify(['providers', 'customers', 'relationships', 'invitations', 'removals', 'notificationSubscriptions', 'roles', 'deliveries', 'audit', 'gdap', 'digestSubscriptions'].map((c) => [...f.store.all(c as 'audit')]));

describe('authorization of every service operation', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });

  for (const [name, level, call] of operations) {
    const refused = (Object.keys(people) as Array<keyof typeof people>).filter((r) => !allowed[level].includes(r));
    it(`${name}: refuses ${refused.join(', ')} and changes nothing; lets ${allowed[level][0]} through`, async () => {
      const before = fingerprint(f);
      for (const role of refused) {
        const outcome = await Promise.resolve()
          .then(() => call(f, people[role]))
          .then(
            () => 'allowed',
            (e: { code?: string }) => e.code,
          );
        expect(outcome, `${name} as ${role}`).toBe(ErrorCode.NotAllowed);
      }
      expect(fingerprint(f)).toBe(before);
      // The least role allowed gets through (a check made stricter fails here).
      await call(f, people[allowed[level][0]!]);
    });
  }

  it('names every operation of the service that takes an actor', () => {
    // The directory's sync acts for Microsoft, not for a person; `identify` only looks a person up.
    const system = ['acceptFromDirectory', 'expireFromDirectory', 'invitationsAwaitingMicrosoft', 'recordDirectorySnapshot', 'announceEndingAdminAccess', 'identify', 'directoryKind', 'partnerCenterState', 'checkPartnerCenterConnection', 'acceptCustomerFromPartnerCenter'];
    // The dispatcher reports what became of a delivery; the rules for it need no person.
    system.push('recordDelivered', 'recordDeliveryFailure', 'prepareDelivery');
    // The sync's access assignments, and what the onboarding board reads of them.
    system.push('relationshipsNeedingAccess', 'recordAccessProgress', 'accessOf');
    // Which customers' partners the sync reads from Partner Center next.
    system.push('customersToCheckForProviders', 'recordCustomerPartners', 'gapCounts');
    // The bulk invitations' runner makes each line as the person who started the batch (checked there, per line).
    system.push('unfinishedBatches', 'inviteNextLine', 'prepareBatchDelivery');
    // The digest's scheduler queues and prepares digests, and the chart link is checked by its signature.
    system.push('queueDueDigests', 'nextDigestAt', 'prepareDigest', 'digestChart');
    // At start-up, the reminders of invitations sent before reminders existed: no one asks for it.
    system.push('queueMissingReminders');
    // `languageOf` reads the person's own choice, for every turn (people without a role are answered too).
    // `capabilities` says what the deployment can do (for help), the same for everyone.
    // `download` takes a link's token, and checks the role of the person who asked for the link.
    const noActor = ['acceptInvitation', 'invitationForToken', 'partner', 'now', 'whoami', 'summary', 'languageOf', 'capabilities', 'download', 'downloadOffer', ...system];
    const all = Object.keys(f.service).filter((k) => !noActor.includes(k));
    expect(operations.map(([name]) => name).sort()).toEqual(all.sort());
  });
});
