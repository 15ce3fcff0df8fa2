/**
 * Chromium from the npm registry (`@sparticuz/chromium` ships the binary, and the shared libraries
 * and fonts it needs, inside its package; see test/chromium-bundle.ts), driven by playwright-core,
 * so `npm install && npm test` needs nothing installed by hand. `CHROMIUM_PATH` points at another
 * build when you want one.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { packagedChromium } from '../chromium-bundle.js';
import { chromium, type Browser, type Page } from 'playwright-core';

export async function launchBrowser(): Promise<Browser> {
  const { executablePath, env } = process.env.CHROMIUM_PATH
    ? { executablePath: process.env.CHROMIUM_PATH, env: process.env }
    : await packagedChromium();
  // --single-process would make closing one page end the whole browser; the tests open several.
  const args = sparticuz.args.filter((arg) => arg !== '--single-process');
  return chromium.launch({
    executablePath,
    env,
    headless: true,
    args: [...args, '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** Screenshots for review land in test-output/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const folder = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  // Each test checks its own screenshots were written, so none depends on another having run.
  if (
    !readFileSync(path)
      .subarray(0, 8)
      .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    throw new Error(`no PNG written at ${path}`);
  return path;
}
