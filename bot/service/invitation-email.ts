/**
 * The invitation email as the bot writes it, in the language asked for: the same facts (the
 * partner, the provider, the links, the GDAP roles and length) in English or Italian.
 */
import type { Locale } from '../../store/schema.js';
import { t } from '../../i18n/catalogue.js';
import { formatEntraRoles, formatGdapDuration } from '../../i18n/gdap-words.js';
import { LINK_PLACEHOLDER } from '../../store/invitation-secret.js';

/** How long a link stays valid. */
export const INVITATION_TTL_DAYS = 90;

export interface EmailFacts {
  partner: string;
  provider: string | null;
  /** The Microsoft directory's links, and what the GDAP request asks for (unknown on older drafts). */
  microsoft: { resellerLink: string; approvalLink: string; access?: { roleDefinitionIds: string[]; durationDays: number } } | null;
}

/** The subject and body; the body holds the link placeholder where the bot's own page is linked. */
export function composeEmail(facts: EmailFacts, locale: Locale): { subject: string; body: string } {
  const { microsoft } = facts;
  const access = microsoft?.access;
  const params = {
    partner: facts.partner,
    provider: facts.provider ?? '',
    link: LINK_PLACEHOLDER,
    days: INVITATION_TTL_DAYS,
    resellerLink: microsoft?.resellerLink ?? '',
    approvalLink: microsoft?.approvalLink ?? '',
    // The customer's admin approves roles they can read, for a length they can read.
    roles: access ? formatEntraRoles(locale, access.roleDefinitionIds) : '',
    duration: access ? formatGdapDuration(locale, access.durationDays) : '',
  };
  const bodyKey = microsoft ? (facts.provider ? 'email.microsoft.bodyWithProvider' : 'email.microsoft.body') : facts.provider ? 'email.bodyWithProvider' : 'email.body';
  return { subject: t(locale, facts.provider ? 'email.subjectWithProvider' : 'email.subject', params), body: t(locale, bodyKey, params) };
}
