/** Who is acting, on which platform, in which language. Roles are looked up by the service. */
import type { ActorRef, Locale, Platform } from '../../store/schema.js';

export interface Actor {
  platform: Platform;
  userId: string;
  displayName: string;
  locale: Locale;
  /** The person's email as their platform gives it (Slack's profile), to find them in the partner tenant. */
  email?: string;
}

export function toActorRef(actor: Actor): ActorRef {
  return { platform: actor.platform, userId: actor.userId, displayName: actor.displayName };
}

/** The key a role is granted under: "teams:<aadObjectId>", "slack:U0123", "cli:alice". */
export function principalOf(actor: Pick<Actor, 'platform' | 'userId'>): string {
  return `${actor.platform}:${actor.userId}`;
}
