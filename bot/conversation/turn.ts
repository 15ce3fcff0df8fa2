/** What a conversation turn is made of, shared by the text and card-action halves. */
import type { Locale } from '../../store/schema.js';
import type { Actor } from '../service/actor.js';
import type { View } from '../../views/index.js';

export interface ConversationRef {
  platform: 'teams' | 'slack' | 'cli';
  conversationId: string;
  name: string;
  /** What the platform needs to post here later (a Teams conversation reference). */
  reference?: Record<string, unknown> | null;
  /** True for a one-to-one chat with the person acting (Teams `personal`, a Slack DM): no one else reads it. */
  personal?: boolean;
}

export interface Turn {
  actor: Actor;
  conversation: ConversationRef;
  timeZone?: string;
  /** The locale the person's client reported, when the turn answers in another (see language.ts). */
  clientLocale?: Locale;
}

/** `replace`: the views replace the card the action came from; `reply`: they are new messages. */
export interface ActionResult {
  mode: 'replace' | 'reply';
  views: View[];
}

export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
