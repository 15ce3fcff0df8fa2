/** The webhook registration client and script against a small local stand-in of `/webhooks/v1/registration`. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookRegistrationClient, WEBHOOK_EVENTS } from '../../../bot/partner-center/webhook-registration.js';
import { PartnerCenterError } from '../../../bot/partner-center/port.js';
import { run } from '../../../scripts/partner-center-webhooks.js';
import { startFakePartnerCenter } from '../../fakes/partner-center.js';

const ACCESS_TOKEN = 'pc-access-token-for-tests';
const PATH_TOKEN = 'pc-webhook-token-0123456789abcdefghijklmnop';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  requestId: string | undefined;
  body: unknown;
}

const servers: Server[] = [];
afterEach(async () => {
  while (servers.length) {
    const s = servers.pop()!;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

/** Partner Center's registration routes, one registration per partner, documented shapes. */
async function startStandIn(options: { refuse?: { status: number; code: number; description: string } } = {}) {
  let registration: { WebhookUrl: string; WebhookEvents: string[] } | null = null;
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const body = await readJson(req);
    const path = req.url ?? '/';
    seen.push({
      method: req.method!,
      path,
      authorization: req.headers.authorization,
      requestId: req.headers['ms-requestid'] as string | undefined,
      body,
    });
    const send = (status: number, value?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`)
      return send(401, { code: 900421, description: 'MFA required', data: [], source: 'PartnerFD' });
    if (options.refuse) return send(options.refuse.status, { ...options.refuse, data: [], source: 'PartnerFD' });
    if (path === '/webhooks/v1/registration') {
      if (req.method === 'GET')
        return registration
          ? send(200, registration)
          : send(404, { code: 2000, description: 'Registration not found', data: [], source: 'PartnerFD' });
      if (req.method === 'POST' || req.method === 'PUT') {
        if ((req.method === 'POST') !== (registration === null))
          return send(409, { code: 2001, description: 'Wrong verb for the current state', data: [], source: 'PartnerFD' });
        registration = body as typeof registration;
        return send(200, { SubscriberId: 'e82cac64-dc67-4cd3-849b-78b6127dd57d', ...registration });
      }
      if (req.method === 'DELETE') {
        registration = null;
        return send(204);
      }
    }
    if (path === '/webhooks/v1/registration/validationEvents' && req.method === 'POST') {
      if (!registration?.WebhookEvents.includes('test-created'))
        return send(400, { code: 2002, description: 'Not registered for test-created', data: [], source: 'PartnerFD' });
      return send(200, { correlationId: '04af2aea-d413-42db-824e-f328001484d1' });
    }
    send(404, { code: 404, description: 'No route', data: [], source: 'PartnerFD' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, registration: () => registration };
}

describe('webhook registration client', () => {
  it('POSTs the first registration, PUTs the next, and sends the token and MS-RequestId', async () => {
    const pc = await startStandIn();
    const client = createWebhookRegistrationClient({ accessToken: async () => ACCESS_TOKEN, baseUrl: pc.url });
    expect(await client.get()).toBeNull();
    const first = await client.register('https://bot.example.com/partner-center/events/a');
    expect(first).toEqual({
      webhookUrl: 'https://bot.example.com/partner-center/events/a',
      webhookEvents: [...WEBHOOK_EVENTS],
      subscriberId: 'e82cac64-dc67-4cd3-849b-78b6127dd57d',
    });
    await client.register('https://bot.example.com/partner-center/events/b');
    expect(pc.seen.filter((s) => s.method !== 'GET').map((s) => s.method)).toEqual(['POST', 'PUT']);
    expect(pc.seen.every((s) => s.authorization === `Bearer ${ACCESS_TOKEN}` && /^[0-9a-f-]{36}$/.test(s.requestId ?? ''))).toBe(true);
    expect(pc.registration()).toEqual({
      WebhookUrl: 'https://bot.example.com/partner-center/events/b',
      WebhookEvents: [
        'reseller-relationship-accepted-by-customer',
        'indirect-reseller-relationship-accepted-by-customer',
        'granular-admin-relationship-approved',
        'test-created',
      ],
    });
    expect(await client.sendValidationEvent()).toBe('04af2aea-d413-42db-824e-f328001484d1');
    expect(await client.unregister()).toBe(true);
    expect(await client.unregister()).toBe(false);
    expect(pc.registration()).toBeNull();
  });

  it('turns Partner Center errors into PartnerCenterError with its code', async () => {
    const pc = await startStandIn({ refuse: { status: 403, code: 1002, description: 'Access denied for indirect resellers' } });
    const client = createWebhookRegistrationClient({ accessToken: async () => ACCESS_TOKEN, baseUrl: pc.url });
    const error = await client.register('https://bot.example.com/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error).toMatchObject({ status: 403, code: '1002', description: 'Access denied for indirect resellers' });
    const unreachable = createWebhookRegistrationClient({ accessToken: async () => ACCESS_TOKEN, baseUrl: 'http://127.0.0.1:1' });
    await expect(unreachable.get()).rejects.toMatchObject({ status: 0, code: 'unreachable' });
  });
});

describe('npm run partner-center:webhooks', () => {
  const exec = async (argv: string[], env: Record<string, string | undefined>) => {
    const lines: string[] = [];
    const code = await run(argv, env, (l) => lines.push(l));
    return { code, text: lines.join('\n') };
  };

  it('registers the bot URL with the path token, sends the validation event, and never prints the token', async () => {
    const pc = await startStandIn();
    const env = { PARTNER_CENTER_ACCESS_TOKEN: ACCESS_TOKEN, PARTNER_CENTER_WEBHOOK_TOKEN: PATH_TOKEN, PARTNER_CENTER_URL: pc.url };
    const registered = await exec(['register', 'https://bot.example.com/'], env);
    expect(registered.code).toBe(0);
    expect(pc.registration()?.WebhookUrl).toBe(`https://bot.example.com/partner-center/events/${PATH_TOKEN}`);
    expect(pc.seen.some((s) => s.path === '/webhooks/v1/registration/validationEvents')).toBe(true);
    expect(registered.text).toContain('https://bot.example.com/partner-center/events/[hidden]');
    expect(registered.text).not.toContain(PATH_TOKEN);

    const status = await exec(['status'], env);
    expect(status.text).toContain('/partner-center/events/[hidden]');
    expect(status.text).not.toContain(PATH_TOKEN);
    expect((await exec(['validate'], env)).code).toBe(0);
    expect((await exec(['unregister'], env)).text).toBe('Registration deleted.');
    expect((await exec(['status'], env)).text).toBe('No webhook registration.');
  });

  it('without an access token, signs in with a device code in the terminal and uses that token', async () => {
    const login = await startFakePartnerCenter({ deviceCodeInterval: 1 });
    try {
      const lines: string[] = [];
      let used: string | null = null;
      const running = run(
        ['status'],
        { MICROSOFT_TENANT_ID: login.tenantId, MICROSOFT_CLIENT_ID: login.clientId, PARTNER_CENTER_LOGIN_URL: login.url },
        (line) => lines.push(line),
        (token) => {
          used = token;
          return { get: async () => null } as never;
        },
      );
      await expect.poll(() => login.pendingUserCodes().length).toBe(1);
      const [code] = login.pendingUserCodes();
      await expect.poll(() => lines.join('\n')).toContain(code!);
      login.completeSignIn({ upn: 'alice@northwind.example', mfa: true });
      expect(await running).toBe(0);
      expect(lines.join('\n')).toContain('Signed in as alice@northwind.example');
      expect(login.tokenInfo(used!)).toMatchObject({ upn: 'alice@northwind.example', mfa: true });
      expect(lines.join('\n')).not.toContain(used!);
    } finally {
      await login.close();
    }
  });

  it('explains what is missing, and says where the access token comes from', async () => {
    const help = await exec(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.text).toContain('PARTNER_CENTER_ACCESS_TOKEN');
    expect((await exec(['status'], {})).text).toContain('PARTNER_CENTER_ACCESS_TOKEN');
    expect((await exec(['register', 'http://insecure.example.com'], { PARTNER_CENTER_ACCESS_TOKEN: 'x' })).code).toBe(1);
    expect(
      (await exec(['register', 'https://bot.example.com'], { PARTNER_CENTER_ACCESS_TOKEN: 'x', PARTNER_CENTER_WEBHOOK_TOKEN: 'short' }))
        .text,
    ).toContain('PARTNER_CENTER_WEBHOOK_TOKEN');
    const pc = await startStandIn();
    const refused = await exec(['status'], { PARTNER_CENTER_ACCESS_TOKEN: 'wrong', PARTNER_CENTER_URL: pc.url });
    expect(refused.code).toBe(2);
    expect(refused.text).toContain('401 900421');
  });
});
