/** The platform-neutral service layer: `service.verb(actor, input)` -> data, or a coded error. */
import { createAcceptanceOperations } from './acceptance.js';
import { createAuditOperations } from './audit.js';
import { createNotificationSubscriptionOperations } from './notification-subscriptions.js';
import { createDeliveryOutcomeOperations } from './delivery-outcomes.js';
import { createContext, type ServiceDeps } from './context.js';
import { createCustomerOperations } from './customers.js';
import { createDirectorySyncOperations } from './directory-sync.js';
import { createAdminAccessOperations } from './admin-access.js';
import { createGdapAccessOperations } from './gdap-access.js';
import { createPartnerCenterOperations } from './partner-center.js';
import { createPartnerOperations } from './partner.js';
import { createPeopleOperations } from './people.js';
import { createOnboardingOperations } from './onboarding.js';
import { createInvitationOperations } from './invitations.js';
import { createReminderOperations } from './reminders.js';
import { createProviderOperations } from './providers.js';
import { createRemovalOperations } from './removals.js';
import { createRoleOperations } from './roles.js';
import { createSummaryOperations } from './summary.js';
import { capabilitiesOf } from './capabilities.js';
import { createExportOperations } from './exports.js';
import { createAutoExtendOperations } from './auto-extend.js';
import { createGapOperations } from './gaps.js';
import { createPartnerFactOperations } from './partner-facts.js';
import { createBulkInvitationOperations } from './bulk-invitations.js';
import { createDigestOperations, isDigestDelivery } from './digest.js';
import { DEFAULT_DIGEST_SCHEDULE, DEFAULT_DIGEST_TIMEZONE, parseDigestSchedule } from './digest-schedule.js';
import { createReminderBackfillOperations } from './reminder-backfill.js';

export function createService(deps: ServiceDeps) {
  const ctx = createContext(deps);
  const acceptance = createAcceptanceOperations(ctx);
  const invitations = createInvitationOperations(ctx);
  const reminders = createReminderOperations(ctx);
  const bulk = createBulkInvitationOperations(ctx, invitations.draftInvitation);
  const gaps = createGapOperations(ctx);
  const digests = createDigestOperations(
    ctx,
    deps.digest ?? parseDigestSchedule(DEFAULT_DIGEST_SCHEDULE, DEFAULT_DIGEST_TIMEZONE)!,
    gaps.gapCounts,
  );
  return {
    ...createRoleOperations(ctx),
    ...invitations,
    ...acceptance,
    ...createCustomerOperations(ctx),
    ...createRemovalOperations(ctx),
    ...createProviderOperations(ctx),
    ...createNotificationSubscriptionOperations(ctx),
    ...createDeliveryOutcomeOperations(ctx),
    ...reminders,
    ...createAuditOperations(ctx),
    ...createSummaryOperations(ctx),
    ...createDirectorySyncOperations(ctx, acceptance.acceptFromDirectory),
    ...createAdminAccessOperations(ctx),
    ...createGdapAccessOperations(ctx),
    ...createPartnerCenterOperations(ctx),
    /** Which directory the facts come from: `embedded` or `microsoft`. */
    directoryKind: () => ctx.directory.kind,
    /** What this deployment can do whoever asks (help and the welcome offer only these). */
    capabilities: () => capabilitiesOf(ctx.directory),
    ...createPartnerOperations(ctx),
    ...createPeopleOperations(ctx),
    ...createOnboardingOperations(ctx),
    ...gaps,
    ...createPartnerFactOperations(ctx),
    ...bulk,
    /**
     * What the dispatcher sends for a delivery now due: a digest with its figures read now, a batch's
     * progress as it is now, a reminder only while it applies.
     */
    prepareDelivery: async (delivery: Parameters<typeof reminders.prepareDelivery>[0]) => {
      if (isDigestDelivery(delivery)) return digests.prepareDigest(delivery);
      const progress = await bulk.prepareBatchDelivery(delivery);
      return progress === undefined ? reminders.prepareDelivery(delivery) : progress;
    },
    /** The clock every rule runs on; views read it too, so relative dates agree with the rules. */
    now: () => ctx.now(),
    ...createExportOperations(ctx),
    ...createAutoExtendOperations(ctx),
    ...digests,
    ...createReminderBackfillOperations(ctx),
  };
}

export type Service = ReturnType<typeof createService>;
export type { Actor } from './actor.js';
export type { ServiceDeps, Notifier } from './context.js';
export type { Directory } from './directory.js';
export type { Capability } from './capabilities.js';
export * from './errors.js';
