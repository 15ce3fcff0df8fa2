/**
 * The reseller relationship link a partner copies from Partner Center (Customers > Request a
 * reseller relationship). It is the same for every customer; inviting with an indirect provider
 * adds `indirectCSPId=<provider tenant>` before the `#`.
 */
const ADMIN_HOSTS = new Set(['admin.microsoft.com']);

/** The problem with a pasted link, or null when it is one we can send. */
export function resellerLinkProblem(link: string, partnerTenantId: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return 'RESELLER_LINK is not a URL: paste the link from Partner Center > Customers > Request a reseller relationship.';
  }
  if (url.protocol !== 'https:') return 'RESELLER_LINK must be an https link.';
  if (!ADMIN_HOSTS.has(url.hostname.toLowerCase()))
    return `RESELLER_LINK must point to admin.microsoft.com (Microsoft's admin center), not ${url.hostname}.`;
  const partnerId = url.searchParams.get('partnerId');
  if (!partnerId) return 'RESELLER_LINK has no partnerId: copy the whole link from Partner Center.';
  if (partnerId.toLowerCase() !== partnerTenantId.toLowerCase()) {
    return `RESELLER_LINK is for partner ${partnerId}, not for this partner tenant (${partnerTenantId}): copy it from your own Partner Center account.`;
  }
  if (url.searchParams.has('indirectCSPId'))
    return 'RESELLER_LINK must be the link without an indirect provider (the bot adds indirectCSPId itself).';
  return null;
}

/** The link with `indirectCSPId` for an invitation together with an indirect provider. */
export function resellerLinkFor(link: string, providerTenantId: string | null): string {
  if (!providerTenantId) return link;
  const hash = link.indexOf('#');
  const [base, fragment] = hash >= 0 ? [link.slice(0, hash), link.slice(hash)] : [link, ''];
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}indirectCSPId=${encodeURIComponent(providerTenantId)}${fragment}`;
}

/** Where the customer approves one GDAP relationship request: a link for that customer alone. */
export function gdapApprovalLink(relationshipId: string): string {
  return `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${encodeURIComponent(relationshipId)}`;
}

/** Partner Center's page of one customer, where its reseller relationship is removed. */
export function partnerCenterCustomerLink(customerTenantId: string): string {
  return `https://partner.microsoft.com/dashboard/v2/customers/${encodeURIComponent(customerTenantId)}/account`;
}
