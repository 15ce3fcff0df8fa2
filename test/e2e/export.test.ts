/**
 * Exports: `export customers` and `export audit` (`esporta clienti`, `esporta registro`) as CSV.
 * Teams (/api/messages) gets a link on PUBLIC_URL that downloads once, within 15 minutes; Slack
 * (/slack/events) gets the file through files.uploadV2; the terminal writes it in a folder. The
 * file opens safely in a spreadsheet: no cell that starts like a formula runs as one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { createChatSession } from '../../bot/cli/session.js';
import { saveInFolder } from '../../bot/cli/save-file.js';
import { cardText } from '../fakes/connector.js';
import { slackClient } from '../fakes/slack-client.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { clickDownload, everyFileText, putLargeCustomers, tempDir } from '../helpers.js';
import { customerRecord, relationshipRecord } from '../records.js';
import { SLACK_SECRET, useStack } from './stack.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const bob: TeamsUser = { aadObjectId: 'aad-bob', name: 'Bob Sales' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const bobsChat: TeamsConversation = { id: 'a:personal-bob', conversationType: 'personal' };
const BOM = '\uFEFF';

/** Names a customer's admin could type on the acceptance page, or a directory could hand over. */
const HOSTILE = ['=HYPERLINK("https://evil.example","Invoice")', '+SUM(1;2)', '-2+3 Srl', '@cmd Ltd', '\tTabbed Co', '\rReturn Co'];

/** The bot's time: real time moved on by `skew` (a link made now is expired 15 minutes later). */
let skew = 0;
const s = useStack({
  slackUsers: { UADMIN: { name: 'Sam Slack', locale: 'it-IT' } },
  clock: { now: () => new Date(Date.now() + skew) },
});
beforeEach(() => {
  skew = 0;
});

const today = () => new Date(Date.now() + skew).toISOString().slice(0, 10);
const teams = () => teamsClient(s.bot.url, s.connector.url);

/** The Action.OpenUrl of the last card, pointed at the bot under test (PUBLIC_URL is http://localhost:3978). */
function downloadLink(): string {
  const card = JSON.stringify(s.connector.calls.at(-1)!.body);
  const url = /"url":"(http:\/\/localhost:3978\/downloads\/[A-Za-z0-9_-]+)"/.exec(card)?.[1];
  expect(url, card).toBeDefined();
  return url!.replace('http://localhost:3978', s.bot.url);
}

/** Opens the link as a browser does (its page, then its Download button); a link that no longer works answers the GET. */
async function download(url: string) {
  const page = await fetch(url);
  const res = page.status === 200 ? await clickDownload(url) : page;
  if (page.status === 200) expect(await page.text()).toContain(`<form method="post" action="${new URL(url).pathname}">`);
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const rowsOf = (bytes: Buffer, delimiter: string) => parse(bytes, { bom: true, delimiter, relax_column_count: false }) as string[][];

async function putHostileCustomers() {
  await s.bot.store.transact((tx) => {
    HOSTILE.forEach((name, i) => {
      tx.put(
        'customers',
        customerRecord(`hostile-${i}`, name, `hostile-${i}.example`, { contact: { name: '=Mallory', email: `@m${i}@x.example` } }),
      );
      tx.put('relationships', relationshipRecord(`rel-hostile-${i}`, `hostile-${i}`));
    });
  });
}

describe('export', () => {
  it('Teams: a 2,000-customer book comes as a one-time link; the CSV has them all, English headers, a BOM, formula-like cells quoted; the second click is a 404', async () => {
    await putLargeCustomers(s.bot.store, 2_000, { users: 40, subscriptions: 8 });
    await putHostileCustomers();

    await teams().say(alice, personal, 'export customers');
    const card = cardText(s.connector.calls.at(-1));
    expect(card).toContain('Customer list export');
    expect(card).toContain(`Download customers-${today()}.csv`);
    expect(card).toContain('The link downloads it once, within 15 minutes');
    const url = downloadLink();
    const token = url.split('/').pop()!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // A link scanner that follows the link (Safe Links, a mail gateway) only gets the page: nothing is spent.
    for (let i = 0; i < 2; i++) {
      const scanned = await fetch(url);
      expect(scanned.status).toBe(200);
      expect(scanned.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await scanned.text()).toContain(`Download customers-${today()}.csv`);
    }
    const first = await download(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(first.headers.get('content-disposition')).toBe(`attachment; filename="customers-${today()}.csv"`);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.bytes.subarray(0, 3)).toEqual(Buffer.from(BOM, 'utf8'));
    const text = first.bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      `${BOM}Company,Domain,Tenant ID,Contact,Contact email,Indirect providers,Delegated admin privileges (DAP),Active subscriptions,Users,Customer since (UTC)`,
    );
    const rows = rowsOf(first.bytes, ',');
    expect(rows).toHaveLength(1 + 2_000 + HOSTILE.length);
    const large = rows.find((r) => r[0] === 'Large Tenant 000 Società Internazionale di Consulenza S.p.A.');
    expect(large).toEqual([
      'Large Tenant 000 Società Internazionale di Consulenza S.p.A.',
      'large-tenant-0.example.com',
      '00000000-0000-4000-8000-000000000000',
      'Giulia Rossi',
      'giulia.rossi@large-tenant-0.example.com',
      '',
      'yes',
      '8',
      '40',
      '2026-06-01 09:00:00',
    ]);
    // Every cell a spreadsheet would run as a formula starts with a quote: it shows as text.
    for (const name of HOSTILE) expect(rows.map((r) => r[0])).toContain(`'${name}`);
    const cells = rows.flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(cells).toContain("'=Mallory");
    expect(cells).toContain("'@m0@x.example");

    const second = await download(url);
    expect(second.status).toBe(404);
    expect(second.bytes.toString()).toContain('A download link works once, for 15 minutes');
    expect(second.bytes.toString()).toContain('<code>export customers</code>');

    // Only the token's hash is kept, and the audit says who exported what.
    expect(everyFileText(dirname(s.bot.config.dataFile))).not.toContain(token);
    const events = [...s.bot.store.all('audit')].filter((e) => e.action.startsWith('export.'));
    expect(events.map((e) => [e.action, e.actor.displayName, e.details.kind])).toEqual([
      ['export.linked', 'Alice Admin', 'customers'],
      ['export.downloaded', 'Alice Admin', 'customers'],
    ]);
    await teams().say(alice, personal, 'audit');
    expect(cardText(s.connector.calls.at(-1))).toContain('Alice Admin asked for a download link to the customer list');
    // An unknown token reads the same as a used one.
    expect((await download(`${s.bot.url}/downloads/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await download(`${s.bot.url}/downloads/short`)).status).toBe(404);
  }, 60_000);

  it('Teams: a link no longer works 15 minutes on, nor once its creator lost the right to export', async () => {
    await teams().say(alice, personal, 'export customers');
    const expiring = downloadLink();
    skew = 15 * 60_000 + 1_000;
    const late = await download(expiring);
    expect(late.status).toBe(404);
    expect(late.bytes.toString()).toContain('type <code>export customers</code> or <code>export audit</code> again');
    skew = 0;

    // Bob, an Admin agent, asks for the audit log, then loses his role before he clicks.
    await teams().say(alice, personal, 'grant admin-agent teams:aad-bob');
    await teams().say(bob, bobsChat, 'export audit');
    expect(cardText(s.connector.calls.at(-1))).toContain(`Download audit-${today()}.csv`);
    const bobs = downloadLink();
    await teams().say(alice, personal, 'revoke role teams:aad-bob');
    const refused = await download(bobs);
    expect(refused.status).toBe(403);
    expect(refused.bytes.toString()).toContain('may no longer export this');
  }, 30_000);

  it('Teams: a Sales agent may export the customers but not the audit log', async () => {
    await teams().say(alice, personal, 'grant sales-agent teams:aad-bob');
    const before = s.bot.store.count('downloads');
    await teams().say(bob, bobsChat, 'export audit');
    expect(cardText(s.connector.calls.at(-1))).toContain('Only a Global admin or an Admin agent can do that; your role is Sales agent');
    expect(s.bot.store.count('downloads')).toBe(before);

    await teams().say(bob, bobsChat, 'export customers');
    const got = await download(downloadLink());
    expect(got.status).toBe(200);
    expect(rowsOf(got.bytes, ',')).toHaveLength(1);
  }, 30_000);

  it('Teams: two downloads of one link at once: one gets the file, the other a 404', async () => {
    await putHostileCustomers();
    await teams().say(alice, personal, 'export audit');
    const url = downloadLink();
    const results = await Promise.all([download(url), download(url), download(url)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 404, 404]);
    const file = results.find((r) => r.status === 200)!;
    const rows = rowsOf(file.bytes, ',');
    expect(rows[0]).toEqual(['When (UTC)', 'Who', 'User ID', 'Action', 'About', 'Record ID', 'Details']);
    expect(rows.some((r) => r[1] === 'Alice Admin' && r[2] === 'teams:aad-admin' && r[3] === 'export.linked' && r[4] === 'audit')).toBe(
      true,
    );
    expect(s.bot.store.get('downloads', [...s.bot.store.all('downloads')][0]!.id)?.usedAt).not.toBeNull();
  }, 30_000);

  it('Slack, in Italian: esporta clienti uploads the file into the channel with files.uploadV2, Italian headers, semicolons; esporta registro too', async () => {
    await putHostileCustomers();
    await putLargeCustomers(s.bot.store, 3, { users: 5, subscriptions: 2, prefix: 'Città' });
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    let after = s.api.calls.length;
    await slack.command('UADMIN', 'esporta clienti');
    const asked = await s.api.waitFor('files.getUploadURLExternal', () => true, { after });
    const completed = await s.api.waitFor('files.completeUploadExternal', () => true, { after });
    expect(asked.args.filename).toBe(`clienti-${today()}.csv`);
    expect(completed.args.channel_id).toBe('C0SALES');
    expect(s.api.calls.some((c) => c.method === 'files.upload')).toBe(false);

    const file = s.api.files.at(-1)!;
    expect(file).toMatchObject({ channel: 'C0SALES', filename: `clienti-${today()}.csv`, title: `clienti-${today()}.csv` });
    expect(file.initialComment).toBe(`${3 + HOSTILE.length} clienti, in clienti-${today()}.csv.`);
    expect(Number(asked.args.length)).toBe(file.bytes.length);
    expect(file.bytes.subarray(0, 3)).toEqual(Buffer.from(BOM, 'utf8'));
    const rows = rowsOf(file.bytes, ';');
    expect(rows[0]).toEqual([
      'Azienda',
      'Dominio',
      'ID tenant',
      'Contatto',
      'Email del contatto',
      'Provider indiretti',
      'Privilegi di amministratore delegato (DAP)',
      'Sottoscrizioni attive',
      'Utenti',
      'Cliente dal (UTC)',
    ]);
    expect(rows).toHaveLength(1 + 3 + HOSTILE.length);
    expect(rows.find((r) => r[0]!.startsWith('Città Tenant 000'))?.slice(6, 9)).toEqual(['sì', '2', '5']);
    // `+SUM(1;2)` holds the Italian separator: quoted, and still neutralised.
    expect(file.bytes.toString('utf8')).toContain(`"'+SUM(1;2)"`);
    for (const name of HOSTILE) expect(rows.map((r) => r[0])).toContain(`'${name}`);

    after = s.api.calls.length;
    await slack.command('UADMIN', 'esporta registro');
    await s.api.waitFor('files.completeUploadExternal', () => true, { after });
    const audit = s.api.files.at(-1)!;
    expect(audit.filename).toBe(`registro-${today()}.csv`);
    const auditRows = rowsOf(audit.bytes, ';');
    expect(auditRows[0]).toEqual(['Quando (UTC)', 'Chi', 'ID utente', 'Azione', 'Riguarda', 'ID record', 'Dettagli']);
    const sent = auditRows.find((r) => r[3] === 'export.sent')!;
    expect(sent.slice(1, 6)).toEqual(['Sam Slack', 'slack:UADMIN', 'export.sent', 'customers', 'customers']);
    expect(JSON.parse(sent[6]!)).toEqual({ kind: 'customers', rows: 3 + HOSTILE.length, platform: 'slack' });
  }, 30_000);

  it('Slack: in a channel the bot is not in, the person is told privately how to let it share the file', async () => {
    const slack = slackClient(s.bot.url, SLACK_SECRET, s.api.responseUrl);
    s.api.fail('files.completeUploadExternal', 'not_in_channel', 1);
    const after = s.api.calls.length;
    await slack.command('UADMIN', 'esporta clienti', { channel: 'C0PRIVATE' });
    const reply = await s.api.waitFor('respond', () => true, { after });
    expect(reply.args).toMatchObject({ response_type: 'ephemeral' });
    expect(reply.args.text).toContain('/invite @CSP Connect');
    expect(s.api.files).toEqual([]);
  });

  it('the terminal: the file is written in the folder with its path said, never over an earlier one', async () => {
    await putHostileCustomers();
    await teams().say(alice, personal, 'grant sales-agent cli:admin');
    const folder = tempDir();
    const lines: string[] = [];
    const chat = createChatSession({
      conversation: s.bot.conversation,
      turn: {
        actor: { platform: 'cli', userId: 'admin', displayName: 'Admin', locale: 'en' },
        conversation: { platform: 'cli', conversationId: 'terminal', name: 'terminal' },
      },
      out: (line) => lines.push(line),
      saveFile: (file) => saveInFolder(folder, file),
    });
    await chat.input('export customers');
    await chat.input('export customers');
    const first = join(folder, `customers-${today()}.csv`);
    const second = join(folder, `customers-${today()}-2.csv`);
    expect(lines).toContain(`Saved as ${first}`);
    expect(lines).toContain(`Saved as ${second}`);
    expect(readdirSync(folder).sort()).toEqual([`customers-${today()}-2.csv`, `customers-${today()}.csv`]);
    expect(rowsOf(readFileSync(first), ',')).toHaveLength(1 + HOSTILE.length);
    expect(lines.join('\n')).toContain(`${HOSTILE.length} customers, in customers-${today()}.csv.`);
  });
});
