/**
 * The real composition root (bot/main.ts) as a child process: start-up, where it listens,
 * SIGTERM's final snapshot, and the request bodies that once ended the process. Everything else
 * in the suite builds the bot in-process.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { startConnector } from '../fakes/connector.js';
import { cleanEnv, freePort, killAll, run } from '../fakes/processes.js';
import { brokenUpload, rawRequest, requestFromPeer } from '../fakes/raw-http.js';
import { teamsClient } from '../fakes/teams-client.js';
import { tempDir } from '../helpers.js';

afterEach(() => killAll());

const reachable = async (url: string) => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 'refused';
  }
};

async function startMain(extra: Record<string, string> = {}) {
  const port = await freePort();
  const dataFile = join(tempDir(), 'db.json');
  const main = run(
    'bot/main.ts',
    [],
    cleanEnv({
      PORT: String(port),
      DATA_FILE: dataFile,
      PARTNER_NAME: 'Northwind Cloud',
      BOOTSTRAP_ADMINS: 'teams:aad-admin',
      LOG_LEVEL: 'info',
      ...extra,
    }),
  );
  const [, url] = await main.waitFor(/"msg":"listening on (http:\/\/[^ "]+)/, 30_000);
  return { main, port, dataFile, url: url! };
}

/** The machine's own non-loopback IPv4 address, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('bot/main.ts', () => {
  it(
    'starts in local mode on loopback only, and on SIGTERM writes the final snapshot and releases the lock',
    { timeout: 60_000 },
    async () => {
      const connector = await startConnector();
      const { main, port, dataFile, url } = await startMain();
      try {
        expect(url).toBe(`http://127.0.0.1:${port}`);
        expect(await reachable(`${url}/healthz`)).toBe(200);
        // 127.0.0.2 is loopback too, but not the address it was bound to.
        expect(await reachable(`http://127.0.0.2:${port}/healthz`)).toBe('refused');
        const teams = teamsClient(url, connector.url);
        const res = await teams.say(
          { aadObjectId: 'aad-admin', name: 'Alice' },
          { id: 'a:alice', conversationType: 'personal' },
          'add provider Contoso Distribution',
        );
        expect(res.status).toBe(200);
        // Acknowledged, so in the journal; the snapshot does not have it yet.
        expect(readFileSync(`${dataFile}.journal`, 'utf8')).toContain('Contoso Distribution');
        expect(JSON.parse(readFileSync(dataFile, 'utf8')).providers).toEqual([]);
        main.child.kill('SIGTERM');
        expect(await main.exited()).toEqual({ code: 0, signal: null });
        expect(JSON.parse(readFileSync(dataFile, 'utf8')).providers.map((p: { name: string }) => p.name)).toEqual(['Contoso Distribution']);
        expect(readFileSync(`${dataFile}.journal`, 'utf8')).toBe('');
        expect(existsSync(`${dataFile}.lock`)).toBe(false);
        expect(main.stdout()).toContain('"signal":"SIGTERM"');
      } finally {
        await connector.close();
      }
    },
  );

  it('listens where HOST says', { timeout: 60_000 }, async () => {
    const { main, port, url } = await startMain({ HOST: '127.0.0.2' });
    expect(url).toBe(`http://127.0.0.2:${port}`);
    expect(await reachable(`http://127.0.0.2:${port}/healthz`)).toBe(200);
    expect(await reachable(`http://127.0.0.1:${port}/healthz`)).toBe('refused');
    main.child.kill('SIGTERM');
    expect((await main.exited()).code).toBe(0);
  });

  it(
    "in local mode with HOST open to the network, answers /api/messages only to this machine's loopback (403 otherwise)",
    { timeout: 60_000 },
    async () => {
      const connector = await startConnector();
      const { main, port, url } = await startMain({ HOST: '0.0.0.0' });
      const activity = teamsClient('', connector.url).activity(
        { aadObjectId: 'aad-admin', name: 'Alice' },
        { id: 'a:alice', conversationType: 'personal' },
        { type: 'message', text: 'help' },
      );
      const post = (host: string) =>
        fetch(`http://${host}:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity),
        });
      expect(url).toBe(`http://0.0.0.0:${port}`);
      if (lanAddress) {
        // From the machine's network address, the caller is not loopback: refused before any work.
        expect((await post(lanAddress)).status).toBe(403);
        expect(connector.calls).toEqual([]);
        expect(await reachable(`http://${lanAddress}:${port}/healthz`)).toBe(200);
      } else {
        // No network address to call from here: the next test hands the same server stack, in
        // this process, a connection from another machine's address instead.
        console.log('no non-loopback address on this machine: the refusal of a remote caller is shown in-process');
      }
      // The same activity from loopback is served.
      expect((await post('127.0.0.1')).status).toBe(200);
      expect(connector.calls).toHaveLength(1);
      main.child.kill('SIGTERM');
      expect((await main.exited()).code).toBe(0);
      await connector.close();
    },
  );

  it(
    'survives the bodies that used to end the process (invalid gzip, a gzip bomb, cut-off uploads), with Teams credentials and no Authorization header',
    { timeout: 90_000 },
    async () => {
      // A temp folder of its own, to see whether the bot writes anything there.
      const temp = mkdtempSync(join(tmpdir(), 'csp-main-tmp-'));
      const token = 'main-webhook-token-0123456789abcdefghijklmn';
      try {
        const { main, url } = await startMain({
          HOST: '127.0.0.1',
          TMPDIR: temp,
          MicrosoftAppId: '6f1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d',
          MicrosoftAppPassword: 'x',
          MicrosoftAppTenantId: '0b2d6c1a-8e3f-4a7b-b5c9-1f4e2d3a6b70',
          PARTNER_CENTER_WEBHOOK_TOKEN: token,
          LOG_LEVEL: 'debug',
        });
        let exited: unknown = null;
        main.child.once('exit', (code, signal) => (exited = { code, signal }));
        // tsx, which runs the TypeScript here, keeps its cache in the temp folder: only what appears after start-up counts.
        const before = new Set(readdirSync(temp));
        // The bot's RSS, from /proc: a machine without it skips that one check, and says so below.
        const statusFile = `/proc/${main.child.pid}/status`;
        const measured = existsSync(statusFile);
        const rssOf = () => {
          const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(statusFile, 'utf8'))?.[1];
          if (kb === undefined) throw new Error(`${statusFile} has no VmRSS line: the bot's RSS cannot be measured`);
          return Number(kb) * 1024;
        };
        const rssBefore = measured ? rssOf() : 0;

        const zeros = createGzip({ level: 9 });
        const parts: Buffer[] = [];
        zeros.on('data', (c: Buffer) => parts.push(c));
        const done = new Promise((resolve) => zeros.on('end', resolve));
        for (let i = 0; i < 200; i++) zeros.write(Buffer.alloc(1024 * 1024, 0x20)); // 200 MB inflated
        zeros.end();
        await done;
        const bomb = Buffer.concat(parts);

        const routes = [
          { path: '/api/messages', type: 'application/json', declared: 100_000 },
          { path: '/invitations/x/accept', type: 'application/x-www-form-urlencoded', declared: 8_000 },
          { path: `/partner-center/events/${token}`, type: 'application/json', declared: 8_000 },
        ];
        const cutOffs = () => main.stdout().split('request closed before its body was read to the end').length - 1;
        const alive = async (probe: string) => {
          expect(exited, `the process after ${probe}`).toBeNull();
          expect(await reachable(`${url}/healthz`), `/healthz after ${probe}`).toBe(200);
        };
        for (const { path, type, declared } of routes) {
          for (const [name, body] of [
            ['invalid gzip', 'companyName=x'],
            ['a gzip bomb', bomb],
          ] as const) {
            const res = await rawRequest(url, { path, headers: { 'content-type': type, 'content-encoding': 'gzip' }, body });
            expect(res.status, `${name} on ${path}`).toBe(415);
            await alive(`${name} on ${path}`);
          }
          for (const how of ['destroy', 'reset', 'bad-chunk'] as const) {
            const before = cutOffs();
            await brokenUpload(url, { path, headers: { 'content-type': type }, sent: 'x'.repeat(1_000), how, declared });
            // The server has seen the upload end early (its debug line) before it is asked whether it lives.
            await expect.poll(cutOffs, { timeout: 10_000 }).toBeGreaterThan(before);
            await alive(`${how} on ${path}`);
          }
        }
        if (measured) expect(rssOf() - rssBefore, 'RSS growth of the bot (bytes)').toBeLessThan(64 * 1024 * 1024);
        else console.log(`RSS growth of the bot NOT checked: ${statusFile} does not exist (no /proc on this machine)`);
        expect(readdirSync(temp).filter((f) => !before.has(f))).toEqual([]);
        expect(main.stderr()).not.toMatch(/Error|Unhandled/);
        main.child.kill('SIGTERM');
        expect(await main.exited()).toEqual({ code: 0, signal: null });
      } finally {
        rmSync(temp, { recursive: true, force: true });
      }
    },
  );

  it(
    'in local mode, refuses /api/messages to a caller whose address is not loopback (403, no work), whatever the Host it names',
    { timeout: 60_000 },
    async () => {
      // The whole server (config, app, surfaces, restify) in this process, handed connections whose
      // far end is another machine's address: it runs on any machine, with a network or without.
      const connector = await startConnector();
      const bot = await startBot();
      try {
        expect(bot.config.localMode).toBe(true);
        const localPort = Number(new URL(bot.url).port);
        const activity = teamsClient('', connector.url).activity(
          { aadObjectId: 'aad-admin', name: 'Alice' },
          { id: 'a:alice', conversationType: 'personal' },
          { type: 'message', text: 'help' },
        );
        const send = (address: string) =>
          requestFromPeer(
            bot.httpServer,
            { address, localPort },
            {
              path: '/api/messages',
              headers: { 'content-type': 'application/json', host: `127.0.0.1:${localPort}` },
              body: JSON.stringify(activity),
            },
          );
        for (const address of ['192.0.2.10', '10.0.0.7', '::ffff:192.168.1.20', 'fe80::1', '2001:db8::5']) {
          const refused = await send(address);
          expect(refused.status, address).toBe(403);
          expect(refused.text, address).toContain('only accepts requests from this machine');
        }
        expect(connector.calls).toEqual([]);
        // The same connection from loopback addresses is served: the peer's address made the difference.
        for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect((await send(address)).status, address).toBe(200);
        expect(connector.calls).toHaveLength(3);
      } finally {
        await bot.stop();
        await connector.close();
      }
    },
  );
});
