import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startBot } from '../fakes/bot-server.js';
import { launchBrowser, screenshot } from '../fakes/browser.js';

const admin = { platform: 'teams' as const, userId: 'aad-admin', displayName: 'Alice Admin', locale: 'en' as const };
let browser: Browser;
let bot: Awaited<ReturnType<typeof startBot>>;
const SHOTS = ['invitation-en', 'invitation-en-errors', 'accepted-en', 'used-link-en', 'invitation-it', 'accepted-it', 'used-link-it'];
const shot = (name: string) => new URL(`../../test-output/screenshots/${name}.png`, import.meta.url);

beforeAll(async () => {
  for (const name of SHOTS) rmSync(shot(name), { force: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  bot = await startBot();
});
afterEach(async () => {
  await bot.stop();
});

/** A sent invitation, and the address of its page on the running bot. */
async function invitation(providerName?: string) {
  const provider = providerName ? await bot.service.addProvider(admin, { name: providerName, tenantId: null }) : null;
  const draft = await bot.service.draftInvitation(admin, { acquisition: provider ? 'indirect-provider' : 'own-marketing', providerId: provider?.id ?? null, locale: 'en' });
  await bot.service.markInvitationSent(admin, draft.id, { body: draft.body });
  return { ...draft, url: `${bot.url}${new URL(draft.link).pathname}` };
}

describe("the customer's invitation page in a browser", () => {
  it('accepts an invitation in English, then refuses the used link', async () => {
    const inv = await invitation('Contoso Distribution');
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    const opened = await page.goto(inv.url);
    expect(opened?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Northwind Cloud and Contoso Distribution invite you to a reseller relationship');
    expect(await page.locator('main').textContent()).toContain('Contoso Distribution, an indirect provider, can submit orders for you.');
    await screenshot(page, 'invitation-en');

    // A submission with an empty form comes back with messages next to the fields.
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.waitForLoadState();
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(4);
    await screenshot(page, 'invitation-en-errors');

    await page.getByLabel('Company name').fill('<script>alert(1)</script> Adatum');
    await page.getByLabel('Domain').fill('adatum.com');
    await page.getByLabel('Your full name').fill('Giulia Rossi');
    await page.getByLabel('Work email').fill('giulia@adatum.com');
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Accept the invitation' }).click()]);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you: the invitation is accepted');
    expect(await page.locator('main').textContent()).toContain('<script>alert(1)</script> Adatum');
    expect(dialogs).toEqual([]);
    await screenshot(page, 'accepted-en');

    const customers = bot.service.listCustomers(admin, {});
    expect(customers.items.map((c) => c.companyName)).toEqual(['<script>alert(1)</script> Adatum']);

    const again = await page.goto(inv.url);
    expect(again?.status()).toBe(410);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This invitation link cannot be used');
    expect(await page.locator('main').textContent()).toContain('It has already been accepted.');
    expect(await page.locator('form').count()).toBe(0);
    await screenshot(page, 'used-link-en');
    expect(bot.service.listCustomers(admin, {}).total).toBe(1);
    await context.close();
  });

  it('accepts an invitation in Italian, with the keyboard only', async () => {
    const inv = await invitation();
    const context = await browser.newContext({ locale: 'it-IT' });
    const page = await context.newPage();
    await page.goto(inv.url);
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Northwind Cloud vi invita a stabilire una relazione come rivenditore');
    await screenshot(page, 'invitation-it');

    await page.getByLabel("Nome dell'azienda").focus();
    await page.keyboard.type('Pasticceria Bianchi');
    await page.keyboard.press('Tab');
    await page.keyboard.type('bianchi.it');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Marco Bianchi');
    await page.keyboard.press('Tab');
    await page.keyboard.type('marco@bianchi.it');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe("Grazie: l'invito è stato accettato");
    await screenshot(page, 'accepted-it');

    await page.goto(inv.url);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Questo link di invito non si può usare');
    expect(await page.locator('main').textContent()).toContain('È già stato accettato.');
    await screenshot(page, 'used-link-it');
    await context.close();
  });
});
