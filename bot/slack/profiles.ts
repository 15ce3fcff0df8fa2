/** Who is acting on Slack: name, language and time zone from users.info, cached for an hour. */
import type { webApi } from '@slack/bolt';
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { Turn } from '../conversation/handler.js';
import { toLocale } from '../../i18n/catalogue.js';
import type { Locale } from '../../store/schema.js';

const PROFILE_TTL_MS = 60 * 60_000;
const MAX_CACHED = 10_000;

interface Profile {
  name: string;
  locale: Locale;
  tz?: string;
  /** Needs the users:read.email scope; matches the person to a partner-tenant user (Microsoft directory). */
  email?: string;
  expires: number;
}

/** Drops the oldest entry of a cache past its limit (Maps keep insertion order). */
export const trimOldest = <V>(map: Map<string, V>) => {
  if (map.size > MAX_CACHED) map.delete(map.keys().next().value!);
};

export function createPeople(client: webApi.WebClient, app: App, logger: Logger) {
  const profiles = new Map<string, Profile>();
  async function profile(userId: string, fallbackName: string): Promise<Profile> {
    const cached = profiles.get(userId);
    const now = app.clock.now().getTime();
    if (cached && cached.expires > now) return cached;
    let fresh: Profile;
    try {
      const { user } = await client.users.info({ user: userId, include_locale: true });
      const name = user?.profile?.display_name || user?.real_name || user?.name || fallbackName || userId;
      fresh = { name, locale: toLocale(user?.locale), tz: user?.tz, email: user?.profile?.email || undefined, expires: now + PROFILE_TTL_MS };
    } catch (err) {
      logger.warn({ err, userId }, 'users.info failed; answering in English for now');
      fresh = { name: fallbackName || userId, locale: 'en', expires: now + 60_000 };
    }
    profiles.delete(userId);
    profiles.set(userId, fresh);
    trimOldest(profiles);
    return fresh;
  }

  async function turnFor(userId: string, channel: string, channelName: string, fallbackName: string): Promise<Turn> {
    const me = await profile(userId, fallbackName);
    return {
      actor: { platform: 'slack', userId, displayName: me.name, locale: me.locale, ...(me.email ? { email: me.email } : {}) },
      conversation: {
        platform: 'slack',
        conversationId: channel,
        name: channelName ? `#${channelName}` : channel,
        reference: { channel },
        // A DM's id starts with D (slash commands name it "directmessage"); from the App Home we post to the user's own id.
        personal: channel.startsWith('D') || channel === userId || channelName === 'directmessage',
      },
      timeZone: me.tz,
    };
  }

  /** The person's language if we know it already (their choice, else their profile's; no call to Slack when we are overloaded). */
  const knownLocale = (userId: string): Locale => app.service.languageOf({ platform: 'slack', userId }) ?? profiles.get(userId)?.locale ?? 'en';
  return { turnFor, knownLocale };
}

export type People = ReturnType<typeof createPeople>;
