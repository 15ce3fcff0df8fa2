/**
 * Bulk invitations (`invite customers`, `invita clienti`): lines checked first and refused by
 * line; then one invitation per line in the background, each sent with its reminders, with a
 * progress card updated in place. Through Teams (/api/messages with the connector stand-in, a CSV
 * as a Teams file attachment), a restart in the middle of a 500-line batch, and the terminal.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardText } from '../fakes/connector.js';
import { startBot } from '../fakes/bot-server.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../fakes/teams-client.js';
import { useStack } from './stack.js';
import { createChatSession } from '../../bot/cli/session.js';
import { tempDir } from '../helpers.js';

const WAIT = { timeout: 30_000, interval: 50 };
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const personal: TeamsConversation = { id: 'a:personal-alice', conversationType: 'personal' };
const GA = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };

const s = useStack({ env: { INVITATION_REMINDERS: '7d' } });

/** Files a Teams client would hand the bot as `downloadUrl`s (the stand-in for SharePoint). */
let files: Server;
let filesUrl = '';
const served = new Map<string, Buffer>();
beforeEach(async () => {
  files = createServer((req, res) => {
    const file = served.get(req.url ?? '');
    res.writeHead(file ? 200 : 404);
    res.end(file);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterEach(async () => {
  served.clear();
  await new Promise<void>((resolve) => files.close(() => resolve()));
});

/** A file sent in the personal chat, as Teams sends it. */
function sendFile(name: string, bytes: Buffer | string, text = '') {
  const path = `/${served.size + 1}/${encodeURIComponent(name)}`;
  served.set(path, Buffer.from(bytes));
  const teams = teamsClient(s.bot.url, s.connector.url);
  return teams.post(
    teams.activity(alice, personal, {
      type: 'message',
      text,
      attachments: [
        {
          contentType: 'application/vnd.microsoft.teams.file.download.info',
          name,
          content: { downloadUrl: `${filesUrl}${path}`, uniqueId: 'file-1', fileType: name.split('.').pop() },
        },
      ],
    }),
  );
}

const invitations = () => [...s.bot.store.all('invitations')];
const updates = () => s.connector.calls.filter((c) => c.method === 'PUT');
const lastReply = () => cardText(s.connector.calls.at(-1));

describe('bulk invitations in Teams', () => {
  it('answers the command with a form, refuses bad lines by line, then invites each line with a card updated in place', async () => {
    const teams = teamsClient(s.bot.url, s.connector.url);
    await teams.say(alice, personal, 'invite customers');
    const form = s.connector.calls.at(-1)!.body.attachments![0]!.content as { body: Array<Record<string, unknown>> };
    expect(form.body.find((e) => e.type === 'Input.Text')).toMatchObject({ id: 'lines', isMultiline: true });
    expect(lastReply()).toContain('Check and invite');

    const bad = [
      'Contoso Ltd, ada@contoso.example',
      'Fabrikam Srl',
      'Tailspin Toys, ADA@contoso.example',
      '=HYPERLINK("http://evil.example"), eve@evil.example',
      'Adatum, not-an-email',
      'Litware, it@litware.example, de',
    ].join('\n');
    const refused = await teams.invoke(alice, personal, 'bulk.start', { lines: bad });
    const sentences = cardText(refused.body.value);
    expect(sentences).toContain("5 lines can't be used, so nothing was invited");
    expect(sentences).toContain('Line 2 has no email address');
    expect(sentences).toContain('Line 3: ADA@contoso.example is already on line 1.');
    expect(sentences).toContain('Line 4: a cell starts with "="');
    expect(sentences).toContain('Line 5: "not-an-email" is not an email address.');
    expect(sentences).toContain('Line 6: "de" is not a language (en or it)');
    // The form again, with what was typed kept.
    expect(JSON.stringify(refused.body.value)).toContain('Tailspin Toys, ADA@contoso.example');
    expect(invitations()).toHaveLength(0);

    const good = ['Contoso Ltd, ada@contoso.example', 'Fabrikam Srl, it@fabrikam.example, it', 'Tailspin Toys, ugo@tailspin.example'].join(
      '\n',
    );
    const started = await teams.invoke(alice, personal, 'bulk.start', { lines: good });
    expect(cardText(started.body.value)).toContain('Inviting 3 customers');
    await expect.poll(() => updates().some((u) => cardText(u).includes('3 customers invited')), WAIT).toBe(true);
    // The progress card is the one the form was on, updated in place.
    expect(updates().at(-1)!.path).toContain('/activities/card-1');
    expect(cardText(updates().at(-1))).toContain('3 of 3 drafted');

    const made = invitations();
    expect(made.map((i) => i.customerEmail).sort()).toEqual(['ada@contoso.example', 'it@fabrikam.example', 'ugo@tailspin.example']);
    expect(made.every((i) => i.status === 'sent' && i.batchId)).toBe(true);
    expect(made.find((i) => i.customerEmail === 'it@fabrikam.example')!.locale).toBe('it');
    // Each is an onboarding record, with its own reminder queued to this chat.
    expect(
      s.bot.service
        .onboarding(GA)
        .records.map((r) => r.email)
        .sort(),
    ).toEqual(made.map((i) => i.customerEmail).sort());
    for (const invitation of made) {
      const reminder = s.bot.store.get('deliveries', `reminder:${invitation.id}:0`);
      expect(reminder?.target).toMatchObject({ kind: 'conversation', platform: 'teams', conversationId: personal.id });
    }

    // The same customers again: each is already waiting.
    const again = await teams.invoke(alice, personal, 'bulk.start', { lines: good });
    expect(cardText(again.body.value)).toContain('Line 1: ada@contoso.example already has an invitation waiting');
  });

  it('reads a CSV file sent in the chat, and says line by line what is wrong with one; Italian too', async () => {
    await s.bot.service.addProvider(GA, { name: 'Contoso Distribution' });
    await sendFile(
      'clienti.csv',
      'Azienda;Email;Lingua;Provider\nFabrikam Srl;it@fabrikam.example;it;\n;nobody@nowhere.example\nAdatum;;\nTailspin;ugo@tailspin.example;;Globex\n+39 02 1234;x@y.example\n',
      'invita clienti',
    );
    const said = lastReply();
    expect(said).toContain('4 righe non si possono usare');
    expect(said).toContain("La riga 3 non ha il nome dell'azienda");
    expect(said).toContain('La riga 4 non ha un indirizzo email');
    expect(said).toContain('Riga 5: "Globex" non è uno dei tuoi provider indiretti');
    expect(said).toContain('Riga 6: una cella comincia con "+"');

    await sendFile('big.csv', Buffer.alloc(10 * 1024 * 1024 + 10, 'a'));
    expect(lastReply()).toContain('That file is over 10 MB');
    await sendFile('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    expect(lastReply()).toContain('"logo.png" is not a CSV file');
    await sendFile('book.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0xff, 0xfe]));
    expect(lastReply()).toContain('"book.csv" is not a CSV file');
    expect(invitations()).toHaveLength(0);

    await sendFile(
      'clienti.csv',
      'Fabrikam Srl;it@fabrikam.example;it\nNorthwind Traders;nw@northwind.example;en;Contoso Distribution\n',
      'invita clienti',
    );
    expect(lastReply()).toContain('Sto invitando 2 clienti');
    await expect.poll(() => updates().some((u) => cardText(u).includes('2 clienti invitati')), WAIT).toBe(true);
    expect(invitations().find((i) => i.customerEmail === 'nw@northwind.example')).toMatchObject({ acquisition: 'indirect-provider' });
  });

  it('takes 500 lines, says more than 500 clearly, and keeps every card within Teams limits', async () => {
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => `Customer ${i + 1} S.p.A., buyer${i + 1}@customer${i + 1}.example`).join('\n');
    await sendFile('too-many.csv', lines(501));
    expect(lastReply()).toContain('501 lines is more than one batch takes: at most 500.');

    await sendFile('book.csv', lines(500));
    await expect.poll(() => updates().some((u) => cardText(u).includes('500 customers invited')), { ...WAIT, timeout: 60_000 }).toBe(true);
    expect(invitations()).toHaveLength(500);
    for (const call of s.connector.calls) expect(Buffer.byteLength(JSON.stringify(call.body))).toBeLessThan(28 * 1024);
    // Every few lines or a second, not once a line.
    expect(updates().length).toBeLessThan(100);
  }, 90_000);
});

describe('bulk invitations across a restart', () => {
  it('resumes a batch stopped in the middle, with no invitation made twice', async () => {
    const dataFile = join(tempDir(), 'db.json');
    let bot = await startBot({}, { dataFile });
    try {
      const teams = teamsClient(bot.url, s.connector.url);
      const lines = Array.from({ length: 300 }, (_, i) => `Firm ${i + 1}, owner${i + 1}@firm${i + 1}.example`).join('\n');
      await teams.say(alice, personal, `invite customers\n${lines}`);
      const made = () => [...bot.store.all('invitations')].length;
      await expect.poll(made, WAIT).toBeGreaterThan(3);
      await bot.stop();
      const [batch] = [...bot.store.all('batches')];
      expect(batch!.status).toBe('running');
      const before = batch!.lines.filter((l) => l.invitationId).length;
      expect(before).toBe(made());
      expect(before).toBeLessThan(300);

      bot = await startBot({}, { dataFile });
      await expect.poll(() => bot.store.get('batches', batch!.id)?.status, { ...WAIT, timeout: 60_000 }).toBe('done');
      const all = [...bot.store.all('invitations')];
      expect(all).toHaveLength(300);
      expect(new Set(all.map((i) => i.customerEmail)).size).toBe(300);
      const ids = bot.store.get('batches', batch!.id)!.lines.map((l) => l.invitationId);
      expect(new Set(ids).size).toBe(300);
      expect(ids.every((id) => id && bot.store.get('invitations', id))).toBe(true);
    } finally {
      await bot.stop();
    }
  }, 120_000);
});

describe('bulk invitations in the terminal', () => {
  it('takes the lines after the command, or a CSV file by its path', async () => {
    const out: string[] = [];
    const session = createChatSession({
      conversation: s.bot.conversation,
      turn: {
        actor: { platform: 'cli', userId: 'admin', displayName: 'Admin', locale: 'en' },
        conversation: { platform: 'cli', conversationId: 'cli', name: 'terminal' },
      },
      out: (line) => out.push(line),
    });
    const path = join(tempDir(), 'customers.csv');
    writeFileSync(path, 'Contoso Ltd, ada@contoso.example\nFabrikam Srl, it@fabrikam.example, it\n');
    // The terminal's admin is one of the bootstrap admins in the stand-in stack only through a grant.
    await s.bot.service.grantRole(GA, { principal: 'cli:admin', role: 'admin-agent' });

    await session.input('invite customers');
    expect(out.join('\n')).toContain('invite customers ./customers.csv');
    await session.input('Adatum, not-an-email');
    await session.input('.');
    expect(out.join('\n')).toContain('Line 1: "not-an-email" is not an email address.');

    await session.input(`invite customers ${path}`);
    expect(out.join('\n')).toContain('Inviting 2 customers');
    await expect.poll(() => invitations().length, WAIT).toBe(2);
    await session.input('invite customers ./nowhere.csv');
    expect(out.join('\n')).toContain('I can\'t open "./nowhere.csv"');
  });
});
