/**
 * The customer's page when the disk under the store fails in the middle of the acceptance (the
 * journal write, or its fsync, refused as a full or broken disk does): the customer reads a clear
 * error page that says nothing was changed, nothing is half-recorded, and after a restart on the
 * same data file the link still works, is accepted once, and the channel hears of it once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { cardText, startConnector } from '../../fakes/connector.js';
import { createFaultyFs, isJournal } from '../../fakes/faulty-fs.js';
import { teamsClient, type TeamsConversation, type TeamsUser } from '../../fakes/teams-client.js';
import { t } from '../../../i18n/catalogue.js';
import { escapeHtml } from '../../../bot/web/page.js';

const admin = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };
const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const sales: TeamsConversation = { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' };
const fields = { companyName: 'Contoso Ltd', domain: 'contoso.com', name: 'Anna Verdi', email: 'anna@contoso.com' };

let connector: Awaited<ReturnType<typeof startConnector>> | undefined;
const bots: Array<Awaited<ReturnType<typeof startBot>>> = [];
afterEach(async () => {
  while (bots.length)
    await bots
      .pop()!
      .stop()
      .catch(() => {});
  await connector?.close();
});

/** Opens the form on `url` and submits the customer's details. */
async function acceptOn(url: string, path: string) {
  const form = await fetch(`${url}${path}`);
  const html = await form.text();
  expect(form.status).toBe(200);
  const cookie = form.headers.get('set-cookie')?.split(';')[0] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const res = await fetch(`${url}${path}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrf, ...fields }).toString(),
    redirect: 'manual',
  });
  return { status: res.status, html: await res.text() };
}

describe('the accept page when the store fails mid-acceptance', () => {
  for (const [op, code] of [
    ['write', 'ENOSPC'],
    ['sync', 'EIO'],
  ] as const) {
    it(`answers a clear error page when the journal ${op} fails (${code}), and loses nothing`, async () => {
      connector = await startConnector();
      const disk = createFaultyFs();
      const first = await startBot({}, { storeFs: disk.io });
      bots.push(first);
      await teamsClient(first.url, connector.url).say(alice, sales, '<at>CSP Connect</at> notify here');
      const inv = await first.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
      const path = new URL(inv.link).pathname;
      const before = JSON.stringify([...first.store.all('invitations')]);

      disk.fail(op, isJournal, code);
      const failed = await acceptOn(first.url, path);
      expect(disk.hits.length).toBeGreaterThan(0);
      expect(failed.status).toBe(503);
      expect(failed.html).toContain(`<title>${escapeHtml(t('en', 'ui.error.title'))}`);
      expect(failed.html).toContain(t('en', 'error.unexpected'));
      expect(failed.html).not.toContain('Thank you');
      expect(first.logs.filter((l) => l.msg === 'accepting an invitation failed')).toHaveLength(1);
      // Until a restart, the page does not show the link as used (what memory holds may not be on
      // disk): it says so again, and takes no other submission.
      const revisit = await fetch(`${first.url}${path}`);
      expect(revisit.status).toBe(503);
      expect(await revisit.text()).toContain(t('en', 'error.unexpected'));
      await first.dispatcher.idle();
      const notices = () => connector!.calls.filter((c) => c.method === 'POST' && cardText(c).includes('Contoso Ltd accepted'));
      expect(notices()).toHaveLength(0);

      // Restarted on the same data file, the disk mended: the link still works, once.
      disk.heal();
      await first.stop();
      bots.pop();
      const second = await startBot({}, { dataFile: first.config.dataFile });
      bots.push(second);
      // Nothing half-recorded: no customer, the invitations as they were.
      expect(second.store.count('customers')).toBe(0);
      expect(JSON.stringify([...second.store.all('invitations')])).toBe(before);
      const accepted = await acceptOn(second.url, path);
      expect(accepted.status).toBe(200);
      expect(accepted.html).toContain('Thank you: the invitation is accepted');
      expect(second.service.listCustomers(admin).items.map((c) => c.companyName)).toEqual(['Contoso Ltd']);
      await expect.poll(() => notices().length, { timeout: 10_000 }).toBe(1);
      await second.dispatcher.idle();
      expect(notices()).toHaveLength(1);
    });
  }
});
