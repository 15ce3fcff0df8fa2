/**
 * The doctor's Partner Center lines (bot/doctor/partner-center.ts): the sign-in kept in the store,
 * day by day towards its lapse, and the webhook registration against this bot's address.
 */
import { describe, expect, it } from 'vitest';
import { partnerCenterCheck, webhookCheck } from '../../../bot/doctor/partner-center.js';
import {
  WEBHOOK_EVENTS,
  type WebhookRegistration,
  type WebhookRegistrationClient,
} from '../../../bot/partner-center/webhook-registration.js';
import type { Connection } from '../../../store/schema.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const connection = (extra: Partial<Connection> = {}): Connection => ({
  id: 'partner-center',
  encryptedCache: 'opaque',
  account: 'ada@northwind.example',
  connectedBy: { platform: 'teams', userId: 'aad-ada', displayName: 'Ada' },
  connectedAt: '2026-11-01T09:00:00.000Z',
  refreshExpiresAt: new Date(NOW.getTime() + 30.5 * DAY).toISOString(),
  capabilities: {},
  nudgedAt: null,
  lostAt: null,
  announceTo: null,
  ...extra,
});
const pc = (options: Partial<Parameters<typeof partnerCenterCheck>[0]>) =>
  partnerCenterCheck({ microsoft: true, encryptionKey: true, connection: connection(), ...options }, NOW);

describe('partnerCenterCheck', () => {
  it('is off without the Microsoft directory or the encryption key, or before anyone connected', () => {
    expect(pc({ microsoft: false })).toMatchObject({ state: 'off', text: 'doctor.off' });
    expect(pc({ encryptionKey: false })).toMatchObject({ state: 'off', text: 'doctor.pc.noKey' });
    expect(pc({ connection: null })).toMatchObject({ state: 'off', text: 'doctor.pc.off' });
  });

  it('fails a sign-in that was lost, that lapsed, or that the key no longer opens', () => {
    expect(pc({ connection: connection({ lostAt: '2026-11-20T00:00:00.000Z' }) })).toMatchObject({ state: 'fail', text: 'doctor.pc.lost' });
    expect(pc({ connection: connection({ refreshExpiresAt: new Date(NOW.getTime() - DAY).toISOString() }) })).toMatchObject({
      state: 'fail',
      text: 'doctor.pc.lost',
    });
    expect(pc({ keyChanged: true })).toMatchObject({ state: 'fail', text: 'doctor.pc.keyChanged' });
  });

  it('counts the whole days left, warning from 14 days before the lapse, and says "?" where it cannot count', () => {
    expect(pc({})).toMatchObject({ state: 'ok', text: 'doctor.pc.ok', params: { account: 'ada@northwind.example', count: 30 } });
    expect(pc({ connection: connection({ refreshExpiresAt: new Date(NOW.getTime() + 14 * DAY).toISOString() }) })).toMatchObject({
      state: 'ok',
      params: { count: 14 },
    });
    expect(pc({ connection: connection({ refreshExpiresAt: new Date(NOW.getTime() + 13.9 * DAY).toISOString() }) })).toMatchObject({
      state: 'warn',
      text: 'doctor.pc.soon',
      params: { count: 13 },
    });
    expect(pc({ connection: connection({ refreshExpiresAt: null, account: null }) })).toMatchObject({
      state: 'ok',
      params: { account: '?', count: '?' },
    });
  });
});

describe('webhookCheck', () => {
  const TOKEN = 'path-token-0123456789abcdef0123456789';
  const PUBLIC = 'https://bot.northwind.example';
  /** A client that only reads: the doctor never writes a registration. */
  const client = (registration: WebhookRegistration | null): WebhookRegistrationClient => {
    const writes = async (): Promise<never> => {
      throw new Error('the doctor only reads the registration');
    };
    return {
      get: async () => registration,
      register: writes,
      unregister: writes,
      events: writes,
      sendValidationEvent: writes,
      validationStatus: writes,
    };
  };
  const registered = (extra: Partial<WebhookRegistration> = {}): WebhookRegistration => ({
    webhookUrl: `${PUBLIC}/partner-center/events/${TOKEN}`,
    webhookEvents: [...WEBHOOK_EVENTS],
    subscriberId: null,
    ...extra,
  });
  const hook = (c: WebhookRegistrationClient | null, token: string | null = TOKEN) => webhookCheck({ token, publicUrl: PUBLIC, client: c });

  it('is off without a token, and warns while Partner Center is not connected to read the registration', async () => {
    expect(await hook(client(registered()), null)).toMatchObject({ state: 'off', text: 'doctor.off' });
    expect(await hook(null)).toMatchObject({ state: 'warn', text: 'doctor.webhooks.notConnected' });
  });

  it('passes the registration of this address with every event, never printing the path token', async () => {
    const found = await hook(client(registered()));
    expect(found).toEqual({
      area: 'doctor.area.webhooks',
      state: 'ok',
      text: 'doctor.webhooks.ok',
      params: { url: `${PUBLIC}/partner-center/events/…` },
    });
  });

  it('fails no registration or one for another address, and warns of missing events', async () => {
    expect(await hook(client(null))).toMatchObject({ state: 'fail', text: 'doctor.webhooks.missing', params: { publicUrl: PUBLIC } });
    const elsewhere = await hook(
      client(registered({ webhookUrl: 'https://old.northwind.example/partner-center/events/old-secret-token' })),
    );
    expect(elsewhere).toMatchObject({
      state: 'fail',
      text: 'doctor.webhooks.elsewhere',
      params: { registered: 'https://old.northwind.example/partner-center/events/…' },
    });
    const [first, ...rest] = WEBHOOK_EVENTS;
    expect(await hook(client(registered({ webhookEvents: rest })))).toMatchObject({
      state: 'warn',
      text: 'doctor.webhooks.events',
      params: { missing: first },
    });
  });
});
