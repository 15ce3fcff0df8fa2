/** The export rules on a real store: who may export what, the one-time link's record, its expiry to the millisecond. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger.js';
import { DOWNLOAD_LIFETIME_MS } from '../../../bot/service/exports.js';
import { actor, admin, contact, testService } from '../../helpers.js';

const tokenOf = (url: string) => url.split('/downloads/')[1]!;

describe('exports', () => {
  it('keeps only the hash of a link, on PUBLIC_URL, for 15 minutes, and audits who asked', async () => {
    const t = await testService();
    const link = await t.service.exportLink(admin, { kind: 'customers' });
    expect(link.url).toMatch(/^https:\/\/bot\.example\.com\/downloads\/[A-Za-z0-9_-]{43}$/);
    expect(link.filename).toBe('customers-2026-11-23.csv');
    const token = tokenOf(link.url);
    const record = t.store.get('downloads', createHash('sha256').update(token).digest('hex'));
    expect(record).toMatchObject({ kind: 'customers', locale: 'en', usedAt: null, createdBy: { platform: 'cli', userId: 'admin' } });
    expect(Date.parse(record!.expiresAt) - Date.parse(record!.createdAt)).toBe(DOWNLOAD_LIFETIME_MS);
    await t.store.close();
    expect(readFileSync(t.file, 'utf8') + readFileSync(`${t.file}.journal`, 'utf8')).not.toContain(token);
  });

  it('works until the last millisecond of its 15 minutes, not after', async () => {
    const t = await testService();
    const made = t.clock.now.getTime();
    const early = tokenOf((await t.service.exportLink(admin, { kind: 'customers' })).url);
    const late = tokenOf((await t.service.exportLink(admin, { kind: 'customers' })).url);
    t.clock.now = new Date(made + DOWNLOAD_LIFETIME_MS - 1);
    expect((await t.service.download(early)).rows).toBe(0);
    t.clock.now = new Date(made + DOWNLOAD_LIFETIME_MS);
    await expect(t.service.download(late)).rejects.toMatchObject({ code: 'NotFound', key: 'download.gone' });
  });

  it('drops the records of spent links when it makes a new one', async () => {
    const t = await testService();
    const used = tokenOf((await t.service.exportLink(admin, { kind: 'customers' })).url);
    await t.service.download(used);
    await t.service.exportLink(admin, { kind: 'customers' });
    t.clock.now = new Date(t.clock.now.getTime() + DOWNLOAD_LIFETIME_MS);
    await t.service.exportLink(admin, { kind: 'audit' });
    expect([...t.store.all('downloads')].map((d) => d.kind)).toEqual(['audit']);
    expect([...t.store.all('audit')].filter((e) => e.action.startsWith('export.')).map((e) => e.action)).toEqual([
      'export.linked',
      'export.downloaded',
      'export.linked',
      'export.linked',
    ]);
  });

  it('builds the file in the language of whoever asked, when it is downloaded', async () => {
    const t = await testService();
    const italian = actor('admin', 'it');
    const token = tokenOf((await t.service.exportLink(italian, { kind: 'customers' })).url);
    const invitation = await t.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await t.service.acceptInvitation(invitation.token, contact());
    const file = await t.service.download(token);
    expect(file.filename).toBe('clienti-2026-11-23.csv');
    expect(file.bytes.toString('utf8')).toMatch(/^\uFEFFAzienda;Dominio;/);
    expect(file.bytes.toString('utf8')).toContain('Contoso Ltd;contoso.com;');
    expect(file.rows).toBe(1);
  });

  it('never logs a download token', () => {
    const chunks: string[] = [];
    const logger = createLogger('info', { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream);
    const token = 'Dl_Secret-Token-0123456789abcdefghijklmnopq';
    logger.error({ path: `/downloads/${token}`, url: `https://bot.example.com/downloads/${token}` }, `GET /downloads/${token}`);
    expect(chunks.join('')).not.toContain('Secret-Token');
    expect(chunks.join('')).toContain('/downloads/[redacted]');
  });
});
