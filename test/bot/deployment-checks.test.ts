/**
 * The doctor's checks inside the bot: `status` shows them to admins (in their language), the
 * Partner Center sign-in's days left, the webhook registration read from a stand-in of
 * `/webhooks/v1/registration`, and the data file inspected without its lock.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partnerCenterCheck, webhookCheck } from '../../bot/doctor/partner-center.js';
import { createWebhookRegistrationClient, WEBHOOK_EVENTS } from '../../bot/partner-center/webhook-registration.js';
import { renderText } from '../../render/text/render-text.js';
import { inspectDataFile } from '../../store/inspect.js';
import { openJournalStore } from '../../store/journal-store.js';
import { SCHEMA_VERSION, type Connection } from '../../store/schema.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { tempDir } from '../helpers.js';
import { openApp } from './microsoft/harness.js';

let fake: FakeMicrosoft;
const servers: Server[] = [];
beforeEach(async () => {
  fake = await startFakeMicrosoft();
});
afterEach(async () => {
  await fake.close();
  while (servers.length) await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
});

const NOW = new Date('2031-03-01T09:00:00.000Z');
const connection = (changes: Partial<Connection> = {}): Connection => ({
  id: 'partner-center',
  encryptedCache: 'x',
  account: 'ada@northwind.example',
  connectedBy: { platform: 'teams', userId: 'aad-ada', displayName: 'Ada' },
  connectedAt: NOW.toISOString(),
  refreshExpiresAt: new Date(NOW.getTime() + 40 * 86_400_000).toISOString(),
  capabilities: {},
  nudgedAt: null,
  lostAt: null,
  announceTo: null,
  ...changes,
});

describe('status for admins', () => {
  it.each([
    ['en', 'Graph refused GET /tenantRelationships/delegatedAdminCustomers (403 Authorization_RequestDenied): grant DelegatedAdminRelationship.ReadWrite.All'],
    ['it', 'Graph ha rifiutato GET /tenantRelationships/delegatedAdminCustomers (403 Authorization_RequestDenied): concedi DelegatedAdminRelationship.ReadWrite.All'],
  ] as const)('shows the doctor’s checks, a refused permission named, in %s', async (locale, expected) => {
    fake.failNext('GET /v1.0/tenantRelationships/delegatedAdminCustomers', { status: 403, code: 'Authorization_RequestDenied' });
    const app = await openApp(fake, { now: () => NOW });
    try {
      const views = await app.conversation.handleText(
        { actor: { platform: 'cli', userId: 'admin', displayName: 'Ada', locale }, conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' } },
        locale === 'en' ? 'status' : 'stato',
      );
      const text = views.flatMap((v) => renderText(v).lines).join('\n');
      expect(text).toContain(`✗ ${locale === 'en' ? 'Graph: GDAP customers' : 'Graph: clienti GDAP'}: ${expected}`);
      expect(text).toContain(locale === 'en' ? '✓ Graph: GDAP relationships' : '✓ Graph: relazioni GDAP');
      expect(text).toContain(locale === 'en' ? '– Slack: not configured' : '– Slack: non configurato');
    } finally {
      await app.store.close();
    }
  });
});

describe('the Partner Center sign-in', () => {
  it.each([
    [{}, 'ok', /connected as ada@northwind\.example; the sign-in lapses in 40 days/],
    [{ refreshExpiresAt: new Date(NOW.getTime() + 1.5 * 86_400_000).toISOString() }, 'warn', /lapses in 1 day: type connect partner center/],
    [{ refreshExpiresAt: new Date(NOW.getTime() - 1).toISOString() }, 'fail', /lapsed or was revoked/],
    [{ lostAt: NOW.toISOString() }, 'fail', /lapsed or was revoked/],
  ] as const)('%o is %s', async (changes, state, text) => {
    const result = partnerCenterCheck({ microsoft: true, encryptionKey: true, connection: connection(changes) }, NOW);
    expect(result.state).toBe(state);
    const { t } = await import('../../i18n/catalogue.js');
    expect(t('en', result.text, result.params)).toMatch(text);
  });

  it('fails a saved sign-in the key cannot open, naming TOKEN_ENCRYPTION_KEY, however many days it has left', async () => {
    const result = partnerCenterCheck({ microsoft: true, encryptionKey: true, connection: connection({}), keyChanged: true }, NOW);
    expect(result.state).toBe('fail');
    const { t } = await import('../../i18n/catalogue.js');
    expect(t('en', result.text, result.params)).toMatch(/cannot be decrypted: TOKEN_ENCRYPTION_KEY changed/);
    expect(t('it', result.text, result.params)).toMatch(/non si può decifrare/);
  });

  it('is not configured without the Microsoft directory, the key, or a sign-in, which fails nothing', () => {
    expect(partnerCenterCheck({ microsoft: false, encryptionKey: false, connection: null }, NOW)).toMatchObject({ state: 'off', text: 'doctor.off' });
    expect(partnerCenterCheck({ microsoft: true, encryptionKey: false, connection: null }, NOW)).toMatchObject({ state: 'off', text: 'doctor.pc.noKey' });
    expect(partnerCenterCheck({ microsoft: true, encryptionKey: true, connection: null }, NOW)).toMatchObject({ state: 'off', text: 'doctor.pc.off' });
  });
});

describe('the webhook registration', () => {
  const TOKEN = 'pc-webhook-token-0123456789abcdefghijklmnop';
  /** Partner Center's `GET /webhooks/v1/registration`: 404 without one (as Partner Center answers), else the registration. */
  async function registration(value: { WebhookUrl: string; WebhookEvents: string[] } | null) {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(value ? 200 : 404, { 'content-type': 'application/json' });
      res.end(value ? JSON.stringify(value) : JSON.stringify({ code: 2000, description: 'Registration not found', data: [], source: 'PartnerFD' }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createWebhookRegistrationClient({ accessToken: async () => 'pc-token', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    return { client, seen };
  }
  const publicUrl = 'https://bot.northwind.example';

  it('holds when registered for this bot with every event, and never prints the path token', async () => {
    const { client, seen } = await registration({ WebhookUrl: `${publicUrl}/partner-center/events/${TOKEN}`, WebhookEvents: [...WEBHOOK_EVENTS] });
    const result = await webhookCheck({ token: TOKEN, publicUrl, client });
    expect(result).toMatchObject({ state: 'ok', text: 'doctor.webhooks.ok' });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(seen).toEqual(['GET /webhooks/v1/registration Bearer pc-token']);
  });

  it('fails when nothing is registered, or another address is, and says how to register', async () => {
    const none = await webhookCheck({ token: TOKEN, publicUrl, client: (await registration(null)).client });
    expect(none).toMatchObject({ state: 'fail', text: 'doctor.webhooks.missing', params: { publicUrl } });
    const elsewhere = await webhookCheck({
      token: TOKEN,
      publicUrl,
      client: (await registration({ WebhookUrl: `https://old.example/partner-center/events/${TOKEN}`, WebhookEvents: [...WEBHOOK_EVENTS] })).client,
    });
    expect(elsewhere).toMatchObject({ state: 'fail', params: { registered: 'https://old.example/partner-center/events/…' } });
  });

  it('warns about missing events, and when Partner Center is not connected; is off without a token', async () => {
    const few = await webhookCheck({ token: TOKEN, publicUrl, client: (await registration({ WebhookUrl: `${publicUrl}/partner-center/events/${TOKEN}`, WebhookEvents: [WEBHOOK_EVENTS[0]!] })).client });
    expect(few).toMatchObject({ state: 'warn', text: 'doctor.webhooks.events' });
    expect(await webhookCheck({ token: TOKEN, publicUrl, client: null })).toMatchObject({ state: 'warn', text: 'doctor.webhooks.notConnected' });
    expect(await webhookCheck({ token: null, publicUrl, client: null })).toMatchObject({ state: 'off' });
  });
});

describe('the data file, from outside', () => {
  it('reads a file a running store holds, replaying the journal for the Partner Center sign-in', async () => {
    const file = join(tempDir(), 'db.json');
    const store = await openJournalStore({ file });
    try {
      await store.transact((tx) => tx.put('connections', connection()));
      const found = await inspectDataFile(file);
      expect(found).toMatchObject({ state: 'ready', schemaVersion: SCHEMA_VERSION, partnerCenter: { account: 'ada@northwind.example' } });
      await store.transact((tx) => tx.delete('connections', 'partner-center'));
      expect((await inspectDataFile(file)).partnerCenter).toBe(null);
    } finally {
      await store.close();
    }
  });

  it.each([
    ['a damaged file', '{"schemaVersion": 5, ', /not valid JSON/],
    ['a newer schema', JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1 }), /written by a newer version/],
    ['a record that breaks the schema', JSON.stringify({ schemaVersion: SCHEMA_VERSION, journalSeq: 0, partner: null, customers: [{ id: 1 }] }), /does not match the schema/],
  ])('refuses %s as the bot would', async (_what, text, problem) => {
    const file = join(tempDir(), 'db.json');
    writeFileSync(file, text);
    const found = await inspectDataFile(file);
    expect(found.state).toBe('refused');
    expect(found.problem).toMatch(problem);
  });
});
