/**
 * What a verified Partner Center webhook event does: a reseller acceptance fetches the customer
 * from its ResourceUri (Partner Center's API host only) and goes through the service's one
 * acceptance path; a GDAP approval runs a sync pass now, which accepts the invitation whose
 * request was approved. The Graph sync stays the fallback; an acceptance seen by both is
 * notified once, because the acceptance is conditional on the invitation still being pending.
 * A customer no invitation names is announced once as a new customer (service/arrivals.ts).
 */
import type { Logger } from '../logger.js';
import type { Service } from '../service/index.js';
import type { PartnerCenterLink } from '../partner-center/connection.js';
import type { PartnerCenterEvent } from '../partner-center/webhooks.js';
import type { MicrosoftSync } from './sync.js';

const RESELLER_ACCEPTANCES = new Set(['reseller-relationship-accepted-by-customer', 'indirect-reseller-relationship-accepted-by-customer']);

export function createPartnerCenterEventHandler(options: {
  service: Service;
  link: PartnerCenterLink | null;
  sync: MicrosoftSync | null;
  logger: Logger;
}) {
  const { service, link, sync, logger } = options;
  return async (event: PartnerCenterEvent): Promise<void> => {
    // Microsoft first: a customer whose GDAP request (an invitation's) was approved is accepted
    // through that invitation, so the acceptance below finds it known, and it is never announced
    // as a customer from outside. A GDAP approval needs nothing more.
    if (sync) await sync.runOnce();
    if (RESELLER_ACCEPTANCES.has(event.EventName)) {
      const client = link?.clientFor('customers') ?? null;
      if (client) {
        // Throws for a ResourceUri off Partner Center's host: the event is then not marked handled.
        const customer = await client.customerFromResourceUri(event.ResourceUri);
        const { invitationId } = await service.acceptCustomerFromPartnerCenter({
          tenantId: customer.tenantId || customer.id,
          companyName: customer.companyName,
          domain: customer.domain,
        });
        logger.info(
          { eventName: event.EventName, invitationId },
          invitationId
            ? 'Partner Center acceptance matched an invitation'
            : 'Partner Center acceptance of a customer no pending invitation names',
        );
      } else if (link?.keyChanged()) {
        // Answered as handled (no 500 that Partner Center would retry ten times): the sync below
        // announces the lost connection once, and finds the acceptance through Graph.
        logger.warn(
          { eventName: event.EventName },
          'Partner Center acceptance received, but the saved sign-in cannot be decrypted (TOKEN_ENCRYPTION_KEY changed): an admin must connect again; the Graph sync will find it',
        );
      } else {
        logger.warn(
          { eventName: event.EventName },
          'Partner Center acceptance received, but the API is not connected: the Graph sync will find it',
        );
      }
    }
  };
}
