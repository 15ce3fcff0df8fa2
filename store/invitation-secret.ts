/**
 * Invitation tokens are credentials: whoever holds one can accept the invitation. The store keeps
 * only their SHA-256, and email bodies with a placeholder where the link goes, so a copy of the
 * data file or its journal accepts nothing. The link is rebuilt when a token is at hand (the
 * draft just made, a card that carries it, the customer's own request).
 */
import { createHash } from 'node:crypto';

/** Where the invitation link goes in a stored email body. */
export const LINK_PLACEHOLDER = '{invitation-link}';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A schema-1 invitation record (token and link in clear) in the schema-2 shape; others unchanged. */
export function withoutClearToken(record: Record<string, unknown>): Record<string, unknown> {
  if (typeof record.token !== 'string') return record;
  const { token, link, ...rest } = record;
  const body = typeof rest.body === 'string' && typeof link === 'string' && link ? rest.body.split(link).join(LINK_PLACEHOLDER) : rest.body;
  return { ...rest, body, tokenHash: hashToken(token) };
}
