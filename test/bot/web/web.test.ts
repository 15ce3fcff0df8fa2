import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../fakes/bot-server.js';
import { cardText, startConnector } from '../../fakes/connector.js';
import { teamsClient } from '../../fakes/teams-client.js';

const admin = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice', locale: 'en' as const };
let bot: Awaited<ReturnType<typeof startBot>>;
let connector: Awaited<ReturnType<typeof startConnector>>;

beforeEach(async () => {
  connector = await startConnector();
  bot = await startBot();
});
afterEach(async () => {
  await bot.stop();
  await connector.close();
});

async function openForm(path: string, lang = 'en-GB') {
  const res = await fetch(`${bot.url}${path}`, { headers: { 'accept-language': lang } });
  const html = await res.text();
  return { res, html, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '', csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '' };
}

const submit = (path: string, cookie: string, fields: Record<string, string>) =>
  fetch(`${bot.url}${path}/accept`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });

describe("the customer's invitation page", () => {
  it('shows who invites and what accepting grants, with strict security headers, in English and Italian', async () => {
    const inv = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const path = new URL(inv.link).pathname;
    const { res, html } = await openForm(path);
    expect(res.status).toBe(200);
    expect(html).toContain('Northwind Cloud invites you to a reseller relationship');
    expect(html).toContain('Northwind Cloud becomes your reseller');
    // The bot's own page grants nothing at Microsoft: it promises no delegated admin privileges.
    expect(html).not.toMatch(/delegated admin/i);
    expect(html).toMatch(/<label for="companyName">/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const it = await openForm(path, 'it-IT,it;q=0.9');
    expect(it.html).toContain('vi invita a stabilire una relazione come rivenditore');
    expect(it.html).toContain('<html lang="it">');
  });

  it('accepts once, records the customer, and refuses the used link with 410', async () => {
    const inv = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const path = new URL(inv.link).pathname;
    const form = await openForm(path);
    const res = await submit(path, form.cookie, { csrf: form.csrf, companyName: 'Contoso Ltd', domain: 'contoso.com', name: 'Anna Verdi', email: 'anna@contoso.com' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Thank you: the invitation is accepted');
    expect(bot.service.listCustomers(admin).items.map((c) => c.companyName)).toEqual(['Contoso Ltd']);
    const again = await submit(path, form.cookie, { csrf: form.csrf, companyName: 'Other', domain: 'other.com', name: 'Eve X', email: 'eve@other.com' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('It has already been accepted');
    expect((await fetch(`${bot.url}${path}`)).status).toBe(410);
    expect(bot.store.count('customers')).toBe(1);
  });

  it('answers field by field for invalid input and changes nothing', async () => {
    const inv = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const path = new URL(inv.link).pathname;
    const form = await openForm(path);
    const res = await submit(path, form.cookie, { csrf: form.csrf, companyName: 'Contoso', domain: 'not a domain', name: 'Anna', email: 'nope' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Enter your domain');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="Contoso"');
    expect(bot.store.count('customers')).toBe(0);
  });

  it('refuses a cross-site submission without the form cookie', async () => {
    const inv = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const path = new URL(inv.link).pathname;
    const form = await openForm(path);
    const res = await submit(path, '', { csrf: form.csrf, companyName: 'Contoso', domain: 'contoso.com', name: 'Anna Verdi', email: 'anna@contoso.com' });
    expect(res.status).toBe(403);
    expect(bot.store.count('customers')).toBe(0);
  });

  it('answers 404 for an unknown link and 410 for a revoked one', async () => {
    expect((await fetch(`${bot.url}/invitations/${'x'.repeat(43)}`)).status).toBe(404);
    const inv = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await bot.service.revokeInvitation(admin, inv.id);
    const res = await fetch(inv.link.replace('http://localhost:3978', bot.url));
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('It was withdrawn by Northwind Cloud');
  });

  it('shows a company name full of markup as text, on the page and in the Teams notification', async () => {
    const teams = teamsClient(bot.url, connector.url);
    await teams.say({ aadObjectId: 'aad-admin', name: 'Alice' }, { id: '19:sales@thread.tacv2', conversationType: 'channel', channelName: 'Sales' }, 'notify here');
    const inv = await bot.service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    const path = new URL(inv.link).pathname;
    const form = await openForm(path);
    const evil = '<script>alert(1)</script>';
    const res = await submit(path, form.cookie, { csrf: form.csrf, companyName: evil, domain: 'evil.com', name: 'Eve Evil', email: 'eve@evil.com' });
    const html = await res.text();
    expect(html).not.toContain(evil);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    await expect.poll(() => connector.calls.some((c) => cardText(c).includes('accepted the invitation'))).toBe(true);
    const notification = connector.calls.find((c) => cardText(c).includes('accepted the invitation'))!;
    // Shown as typed: the word joiner that keeps `<` from starting markup is invisible.
    expect(cardText(notification).replace(/\u2060/g, '')).toContain(`${evil} accepted the invitation`);
    expect(notification.body.attachments![0]!.content.type).toBe('AdaptiveCard');
  });
});
