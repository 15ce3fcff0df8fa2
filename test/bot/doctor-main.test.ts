/**
 * `npm run doctor` as an operator runs it: the real entry point in a child process, in a clean
 * environment, against the stand-ins of Microsoft's login and Graph (which can refuse a route with
 * 403 or hide group names as Graph does), Slack's Web API and a real PostgreSQL. The exit code and
 * the table's lines are what is checked.
 */
import { encryptCache } from '../../bot/partner-center/auth.js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournalStore } from '../../store/journal-store.js';
import { openPgStore } from '../../store/pg/pg-store.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../fakes/microsoft.js';
import { cleanEnv, freePort, killAll, run } from '../fakes/processes.js';
import { startSlackApi, type SlackApi } from '../fakes/slack-api.js';
import { tempDir } from '../helpers.js';
import { testDatabase } from '../pg.js';
import { realNow } from '../setup/shifted-clock.js';
import { microsoftEnv } from './microsoft/harness.js';

let fake: FakeMicrosoft;
let slack: SlackApi;
let dataFile: string;

beforeEach(async () => {
  // The child signs its assertions with the real clock; this worker's Date is shifted.
  fake = await startFakeMicrosoft({ assertionNow: realNow });
  fake.addUser({ id: randomUUID(), mail: 'ada@northwind.example', groups: ['AdminAgents'] });
  slack = await startSlackApi();
  dataFile = join(tempDir(), 'db.json');
});
afterEach(async () => {
  await fake.close();
  await slack.close();
});
afterAll(() => killAll());

/** A deployment with Teams, Slack and the Microsoft directory, all pointed at the stand-ins. */
function deployment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PUBLIC_URL: 'https://bot.northwind.example',
    DATA_FILE: dataFile,
    MicrosoftAppId: fake.clientId,
    MicrosoftAppPassword: fake.clientSecret,
    MicrosoftAppTenantId: fake.tenantId,
    // botbuilder's own names for where the bot's token comes from (another cloud, or here a stand-in).
    ToChannelFromBotLoginUrl: `${fake.loginUrl}/${fake.tenantId}`,
    ToChannelFromBotOAuthScope: fake.url,
    SLACK_SIGNING_SECRET: 'slack-signing-secret',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slack.apiUrl,
    ...microsoftEnv(fake),
    ...extra,
  };
}

async function doctor(env: Record<string, string>) {
  const child = run('bot/doctor-main.ts', [], cleanEnv({ NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '', ...env }));
  const { code } = await child.exited(60_000);
  return { code, out: child.stdout(), err: child.stderr() };
}

/** The table's line for `area` (its state word first). */
const line = (out: string, area: string) => out.split('\n').find((l) => l.slice(6).startsWith(area)) ?? `(no line for ${area})\n${out}`;

describe('npm run doctor', () => {
  it('passes a deployment where everything configured works, and reads the data file a running bot holds', async () => {
    const running = await openJournalStore({ file: dataFile });
    try {
      await running.transact((tx) =>
        tx.put('connections', {
          id: 'partner-center',
          // A cache the key opens (an empty MSAL cache); the doctor only checks that it can be read.
          encryptedCache: encryptCache(Buffer.alloc(32, 7), '{}'),
          account: 'ada@northwind.example',
          connectedBy: { platform: 'teams', userId: 'aad-ada', displayName: 'Ada' },
          connectedAt: new Date(realNow()).toISOString(),
          refreshExpiresAt: new Date(realNow() + 30.5 * 86_400_000).toISOString(),
          capabilities: {},
          nudgedAt: null,
          lostAt: null,
          announceTo: null,
        }),
      );
      const { code, out } = await doctor(deployment({ TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }));
      expect(out).not.toMatch(/^FAIL/m);
      expect(code).toBe(0);
      expect(line(out, 'Public URL')).toMatch(/^ok\s+Public URL\s+https:\/\/bot\.northwind\.example$/);
      expect(line(out, 'Store')).toMatch(new RegExp(`^ok\\s+Store\\s+data file ${dataFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, schema version \\d+$`));
      expect(line(out, 'Teams (Bot Framework)')).toMatch(new RegExp(`^ok .*app ${fake.clientId} gets a token from`));
      expect(line(out, 'Slack')).toMatch(/^ok .*workspace Northwind as csp, with every scope the manifest asks for/);
      expect(line(out, 'Graph credential')).toMatch(new RegExp(`^ok .*client secret: a token for tenant ${fake.tenantId}`));
      for (const area of ['Graph: GDAP relationships', 'Graph: GDAP customers', 'Graph: users', 'Graph: group memberships', 'Graph: requesting GDAP', 'Graph: directory roles', 'Reseller link']) {
        expect(line(out, area)).toMatch(/^ok /);
      }
      expect(line(out, 'Partner Center ')).toMatch(/^ok .*connected as ada@northwind\.example; the sign-in lapses in 30 days/);
      expect(line(out, 'Partner Center webhooks')).toMatch(/^off .*not configured$/);
      expect(out).toContain('Everything configured works.');
      // The doctor took no lock: the running store still writes.
      await running.transact((tx) => tx.delete('connections', 'partner-center'));
    } finally {
      await running.close();
    }
  });

  it('names the Graph permissions Microsoft refuses, as Microsoft names them, and exits 1', async () => {
    // No GroupMember.Read.All: Graph answers the memberships but hides the groups' names.
    fake.setGrantedRoles(['DelegatedAdminRelationship.ReadWrite.All', 'User.Read.All', 'RoleManagement.Read.Directory']);
    fake.failNext('GET /v1.0/tenantRelationships/delegatedAdminCustomers', { status: 403, code: 'Authorization_RequestDenied', times: 3 });
    const { code, out } = await doctor(deployment());
    expect(code).toBe(1);
    expect(line(out, 'Graph: GDAP customers')).toMatch(
      new RegExp(`^FAIL .*Graph refused GET /tenantRelationships/delegatedAdminCustomers \\(403 Authorization_RequestDenied\\): grant DelegatedAdminRelationship\\.ReadWrite\\.All .* to app ${fake.clientId}, then Grant admin consent\\.`),
    );
    expect(line(out, 'Graph: group memberships')).toMatch(/^FAIL .*grant GroupMember\.Read\.All/);
    expect(line(out, 'Graph: GDAP relationships')).toMatch(/^ok /);
    expect(out).toMatch(/^2 problems: the lines marked FAIL say what to do\.$/m);
  });

  it('names a refused User.Read.All', async () => {
    fake.setGrantedRoles(['DelegatedAdminRelationship.ReadWrite.All', 'GroupMember.Read.All', 'RoleManagement.Read.Directory']);
    const { code, out } = await doctor(deployment());
    expect(code).toBe(1);
    expect(line(out, 'Graph: users')).toMatch(/^FAIL .*Graph refused GET \/users \(403 Authorization_RequestDenied\): grant User\.Read\.All/);
  });

  it('says which secret Microsoft login refused, with its AADSTS code, and exits 1', async () => {
    const { code, out } = await doctor(deployment({ MicrosoftAppPassword: 'wrong-bot-password', MICROSOFT_CLIENT_SECRET: 'wrong-graph-secret' }));
    expect(code).toBe(1);
    expect(line(out, 'Teams (Bot Framework)')).toMatch(/^FAIL .*Microsoft login refused app .* \(invalid_client\): AADSTS7000215: Invalid client secret provided\..* Check MicrosoftAppId, MicrosoftAppPassword/);
    expect(line(out, 'Graph credential')).toMatch(/^FAIL .*refused the client secret of app .*AADSTS7000215/);
    expect(line(out, 'Graph: GDAP customers')).toMatch(/^FAIL .*not checked: Microsoft login refused the app/);
    expect(out).not.toContain('wrong-graph-secret');
    expect(out).not.toContain('wrong-bot-password');
  });

  it('fails on a database it cannot reach, without printing its password', async () => {
    const url = `postgres://cspbot:hunter2-secret@127.0.0.1:${await freePort()}/cspbot`;
    const { code, out } = await doctor({ PUBLIC_URL: 'https://bot.northwind.example', DATABASE_URL: url });
    expect(code).toBe(1);
    expect(line(out, 'Store')).toMatch(/^FAIL .*the bot cannot use postgres:\/\/cspbot:\*\*\*@127\.0\.0\.1:\d+\/cspbot: it cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)\.$/);
    expect(out).not.toContain('hunter2-secret');
  });

  it('reads a database a bot has migrated, in a read-only session', async () => {
    const url = await testDatabase();
    const store = await openPgStore({ url });
    await store.close();
    const { code, out } = await doctor({ PUBLIC_URL: 'https://bot.northwind.example', DATABASE_URL: url });
    expect(line(out, 'Store')).toMatch(/^ok .*database postgres:\/\/.*, migrations (\d+) of \1, records at schema version \d+$/);
    expect(code).toBe(0);
  });

  it('shows what is not configured as such and passes; http on loopback is a warning, elsewhere a failure', async () => {
    const local = await doctor({ DATA_FILE: dataFile, PORT: '3978' });
    expect(local.code).toBe(0);
    expect(line(local.out, 'Public URL')).toMatch(/^warn .*http:\/\/localhost:3978 is http on this machine/);
    for (const area of ['Teams (Bot Framework)', 'Slack', 'Partner Center ', 'Partner Center webhooks']) expect(line(local.out, area)).toMatch(/^off .*not configured$/);
    expect(local.out).not.toContain('Graph');
    expect(local.out).toContain('Everything configured works; 1 warning above.');

    const exposed = await doctor({ DATA_FILE: dataFile, PUBLIC_URL: 'http://bot.northwind.example' });
    expect(exposed.code).toBe(1);
    expect(line(exposed.out, 'Public URL')).toMatch(/^FAIL .*is not https/);
  });

  it('fails, in one sentence per problem, on a configuration the bot would refuse', async () => {
    const { code, out } = await doctor({ DIRECTORY: 'microsoft', MICROSOFT_CLIENT_SECRET: 's', MICROSOFT_CLIENT_CERTIFICATE_PATH: '/nowhere.pem' });
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL  Configuration$/m);
    expect(out).toContain('Set one Graph credential, not several: MICROSOFT_CLIENT_SECRET and MICROSOFT_CLIENT_CERTIFICATE_PATH are all set.');
  });

  it("gets Graph tokens through App Service's managed identity endpoint, trusted as the app's federated credential", async () => {
    const identity = randomUUID();
    fake.addManagedIdentity(identity);
    const { code, out } = await doctor({
      ...microsoftEnv(fake, { MICROSOFT_CLIENT_SECRET: '' }),
      PUBLIC_URL: 'https://bot.northwind.example',
      DATA_FILE: dataFile,
      MICROSOFT_MANAGED_IDENTITY_CLIENT_ID: identity,
      // What App Service sets for a managed identity (the 2019-08-01 protocol).
      IDENTITY_ENDPOINT: fake.identityEndpoint,
      IDENTITY_HEADER: fake.identityHeader,
    });
    expect(line(out, 'Graph credential')).toMatch(
      new RegExp(`^ok .*user-assigned managed identity ${identity} as a federated credential, from App Service's IDENTITY_ENDPOINT: a token for tenant ${fake.tenantId}`),
    );
    expect(line(out, 'Graph: GDAP customers')).toMatch(/^ok /);
    expect(code).toBe(0);
    expect(fake.assertionsSeen()).toContainEqual({ kind: 'federated', refused: null });
  });
});
