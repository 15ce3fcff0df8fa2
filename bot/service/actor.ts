/** Who is acting, on which platform, in which language. Roles are looked up by the service. */
import type { ActorRef, Locale, Platform } from '../../store/schema.js';
import { singleLine } from './text.js';

export interface Actor {
  platform: Platform;
  userId: string;
  displayName: string;
  locale: Locale;
  /** The person's email as their platform gives it (Slack's profile), to find them in the partner tenant. */
  email?: string;
}

/** The actor as records name them; the display name comes from the platform, so it is normalised (text.ts). */
export function toActorRef(actor: Actor): ActorRef {
  return { platform: actor.platform, userId: actor.userId, displayName: displayNameOf(actor) };
}

/** The name the platform gives, as one line of text; the user id when nothing is left of it. */
export function displayNameOf(actor: Pick<Actor, 'displayName' | 'userId'>): string {
  return singleLine(typeof actor.displayName === 'string' ? actor.displayName : '') || actor.userId;
}

/** The key a role is granted under: "teams:<aadObjectId>", "slack:U0123", "cli:alice". */
export function principalOf(actor: Pick<Actor, 'platform' | 'userId'>): string {
  return `${actor.platform}:${actor.userId}`;
}
