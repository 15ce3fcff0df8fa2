/** Debian's Chromium driven by playwright-core (CI installs it with `apt-get install -y chromium`). */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) throw new Error(`No Chromium found (looked at ${CANDIDATES.join(', ')}). Install it: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
}

/** Screenshots for review land in test-output/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const folder = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
