/**
 * Every verb a card button can carry, one list for the card builders (which put them on buttons)
 * and the conversation (which routes them). A verb that comes back from a client is checked
 * against this list before it is routed: a card's payload is never trusted.
 */
export const VERBS = [
  'command',
  'invitation.done',
  'invitation.open',
  'invitation.revoke',
  'invitation.resend',
  'invitation.snooze',
  'invitation.draftWithProvider',
  'invitation.language',
  'customers.page',
  'customers.search',
  'customer.show',
  'customer.page',
  'removal.request',
  'removal.open',
  'removal.confirm',
  'removal.cancel',
  'adminAccess.end',
  'adminAccess.keep',
  'adminAccess.retry',
  'subscription.remove',
  'onboarding.page',
  'onboarding.show',
  'gaps.page',
  'gdap.autoExtend',
  'bulk.start',
] as const;

export type Verb = (typeof VERBS)[number];

const known: ReadonlySet<string> = new Set(VERBS);

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && known.has(value);
}
