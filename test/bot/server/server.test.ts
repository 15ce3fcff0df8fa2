import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from '../../fakes/processes.js';
import { startServer } from '../../../bot/server/server.js';
import { createLogger } from '../../../bot/logger.js';
import { tempStore } from '../../helpers.js';
import { mailtoLink } from '../../../views/index.js';
import { urlSecrets } from '../../../store/pg/redact.js';

describe('server', () => {
  it('answers /healthz and reports a store that can no longer write as unhealthy', async () => {
    const { store } = await tempStore();
    const running = await startServer({ port: 0, host: '127.0.0.1', store, logger: createLogger('silent'), surfaces: [] });
    try {
      const res = await fetch(`${running.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
      await store.close();
      expect((await fetch(`${running.url}/healthz`)).status).toBe(503);
    } finally {
      await running.close();
    }
  });
});

describe('logger', () => {
  it('never writes an invitation token', async () => {
    const chunks: string[] = [];
    const logger = createLogger('info', { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream);
    logger.info(
      { url: '/invitations/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg', token: 'secret-token' },
      'GET /invitations/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg',
    );
    const text = chunks.join('');
    expect(text).not.toContain('AbCdEfGhIjKl');
    expect(text).not.toContain('secret-token');
    expect(text).toContain('/invitations/[redacted]');
  });

  it('redacts a token URL-encoded, inside a mailto: link, and in a form-encoded call carrying that link', async () => {
    const chunks: string[] = [];
    const logger = createLogger('debug', { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream);
    const token = 'Zz9_Secret-Token-0123456789abcdefghijklmnop';
    const mailto = mailtoLink('anna@contoso.com', 'Invitation', `Accept here: http://localhost:3978/invitations/${token}`);
    logger.debug(
      { surface: 'slack' },
      `POST chat.postMessage ${new URLSearchParams({ blocks: JSON.stringify([{ url: mailto }]) }).toString()}`,
    );
    logger.debug({ request: { body: { text: mailto, nested: [`%2Finvitations%2F${token}`] } } }, mailto);
    const metadata = JSON.stringify({ invitationId: 'i1', token });
    logger.debug(`views.open ${JSON.stringify({ private_metadata: metadata })} ${new URLSearchParams({ view: metadata }).toString()}`);
    const text = chunks.join('');
    expect(text).not.toContain('Secret-Token');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(6);
  });

  it('redacts a token inside an error, which pino serialises after the logging hook', async () => {
    const chunks: string[] = [];
    const logger = createLogger('info', { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream);
    const token = 'Err0r_Token-0123456789abcdefghijklmnopqrstu';
    const err = Object.assign(new Error(`POST failed for /invitations/${token}`), {
      request: { body: JSON.stringify({ text: `http://localhost:3978/invitations/${token}` }) },
    });
    logger.warn({ err }, 'notification not delivered');
    const text = chunks.join('');
    expect(text).toContain('notification not delivered');
    expect(text).not.toContain('Err0r_Token');
  });

  it('never writes a database URL secret: in a URL anywhere, or quoted alone inside an error', async () => {
    const chunks: string[] = [];
    const url = 'postgres://bot:Userinfo-Pw-1@db.example.com/csp?password=Query-Pw-2&sslpassword=Ssl-Pw-3&sslkey=/keys/Bot-Key-4.pem';
    const logger = createLogger('info', { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream, { secrets: urlSecrets(url) });
    const err = Object.assign(new Error(`cannot open '/keys/Bot-Key-4.pem' for ${url}`), { config: { password: 'Query-Pw-2' } });
    logger.warn({ err, database: url }, `database background work failed on ${url}; retrying`);
    const text = chunks.join('');
    expect(text).toContain('retrying');
    expect(text).toContain('postgres://bot:***@db.example.com/csp?password=***&sslpassword=***&sslkey=***');
    for (const secret of ['Userinfo-Pw-1', 'Query-Pw-2', 'Ssl-Pw-3', 'Bot-Key-4']) expect(text).not.toContain(secret);
  });

  it('prints readable lines at a terminal and JSON lines into a pipe, both redacted', async () => {
    const token = 'Tty_Token-0123456789abcdefghijklmnopqrstuv';
    const program = (tty: boolean) =>
      [
        tty ? "Object.defineProperty(process.stdout, 'isTTY', { value: true });" : '',
        "const { createLogger } = await import('./bot/logger.ts');",
        `createLogger('info').info({ url: '/invitations/${token}' }, 'customer accepted');`,
      ].join(' ');
    const output = (tty: boolean) =>
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program(tty)], {
        cwd: ROOT,
        env: cleanEnv({}),
        encoding: 'utf8',
      });
    const pretty = output(true);
    expect(pretty).toMatch(/^\[\d{2}:\d{2}:\d{2}\] \u001b\[32mINFO\u001b\[39m: \u001b\[36mcustomer accepted/);
    expect(() => JSON.parse(pretty.split('\n')[0]!)).toThrow();
    const json = JSON.parse(output(false).trim()) as Record<string, unknown>;
    expect(json).toMatchObject({ level: 30, msg: 'customer accepted', url: '/invitations/[redacted]' });
    expect(pretty + JSON.stringify(json)).not.toContain(token);
  });
});
