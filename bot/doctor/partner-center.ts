/**
 * The doctor's Partner Center checks: the sign-in kept in the store (who, how many days before
 * the refresh token lapses unless used) and the webhook registration (`GET /webhooks/v1/registration`)
 * against the address this bot serves its events on.
 */
import type { Connection } from '../../store/schema.js';
import { WEBHOOK_EVENTS, type WebhookRegistrationClient } from '../partner-center/webhook-registration.js';
import { check, notConfigured, type Check } from '../service/check.js';

const DAY_MS = 86_400_000;
/** The bot nudges the admins 14 days before the sign-in lapses; the doctor warns from then on too. */
const SOON_DAYS = 14;

export function partnerCenterCheck(
  options: { microsoft: boolean; encryptionKey: boolean; connection: Connection | null; keyChanged?: boolean },
  now: Date,
): Check {
  const area = 'doctor.area.partnerCenter';
  if (!options.microsoft) return notConfigured(area);
  if (!options.encryptionKey) return check(area, 'off', 'doctor.pc.noKey');
  const connection = options.connection;
  if (!connection) return check(area, 'off', 'doctor.pc.off');
  if (connection.lostAt) return check(area, 'fail', 'doctor.pc.lost');
  if (options.keyChanged) return check(area, 'fail', 'doctor.pc.keyChanged');
  const account = connection.account ?? '?';
  const left = connection.refreshExpiresAt ? Math.floor((Date.parse(connection.refreshExpiresAt) - now.getTime()) / DAY_MS) : null;
  if (left === null) return check(area, 'ok', 'doctor.pc.ok', { account, count: '?' });
  if (left < 0) return check(area, 'fail', 'doctor.pc.lost');
  return check(area, left < SOON_DAYS ? 'warn' : 'ok', left < SOON_DAYS ? 'doctor.pc.soon' : 'doctor.pc.ok', { account, count: left });
}

/** Registered for `<PUBLIC_URL>/partner-center/events/<token>` with every event the bot handles. */
export async function webhookCheck(options: {
  /** PARTNER_CENTER_WEBHOOK_TOKEN; null: webhooks are off. */
  token: string | null;
  publicUrl: string;
  /** Null while Partner Center is not connected (nothing to read the registration with). */
  client: WebhookRegistrationClient | null;
}): Promise<Check> {
  const area = 'doctor.area.webhooks';
  if (!options.token) return notConfigured(area);
  if (!options.client) return check(area, 'warn', 'doctor.webhooks.notConnected');
  const url = `${options.publicUrl}/partner-center/events/${options.token}`;
  // The path token is a secret: never printed, only compared.
  const shown = `${options.publicUrl}/partner-center/events/…`;
  const registration = await options.client.get();
  if (!registration) return check(area, 'fail', 'doctor.webhooks.missing', { publicUrl: options.publicUrl });
  if (registration.webhookUrl !== url) {
    const registered = registration.webhookUrl.replace(/\/partner-center\/events\/[^/]+$/, '/partner-center/events/…');
    return check(area, 'fail', 'doctor.webhooks.elsewhere', { registered, publicUrl: options.publicUrl });
  }
  const missing = WEBHOOK_EVENTS.filter((event) => !registration.webhookEvents.includes(event));
  if (missing.length) return check(area, 'warn', 'doctor.webhooks.events', { missing: missing.join(', '), publicUrl: options.publicUrl });
  return check(area, 'ok', 'doctor.webhooks.ok', { url: shown });
}
