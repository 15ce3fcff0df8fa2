/**
 * `npm run cards` draws every Teams card with Microsoft's adaptivecards renderer: the pictures are
 * real PNGs of the cards' content, and a card the renderer rejects stops the run, naming it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../fakes/browser.js';
import { tempDir } from '../helpers.js';
import { writeCardPictures } from '../../scripts/card-pictures.js';
import { renderAdaptiveCard } from '../../render/teams/adaptive.js';
import { sampleViews } from '../../views/samples.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Width and height from the PNG's IHDR chunk. */
const sizeOf = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('pictures of the Teams cards', () => {
  it('draws every sample card, in English and Italian, as a PNG the height of its content', { timeout: 120_000 }, async () => {
    const cards = (['en', 'it'] as const).flatMap((locale) =>
      Object.entries(sampleViews(locale)).map(([name, view]) => ({ name: `${name}.${locale}`, card: renderAdaptiveCard(view) })),
    );
    expect(cards.length).toBeGreaterThan(40);
    const out = tempDir();
    const files = await writeCardPictures(browser, cards, out);
    expect(files).toEqual(cards.map((c) => join(out, `${c.name}.png`)));
    const heights = new Map<string, number>();
    for (const file of files) {
      const png = readFileSync(file);
      expect(png.subarray(0, 8).equals(PNG), file).toBe(true);
      const { width, height } = sizeOf(png);
      expect(width, file).toBe(480);
      heights.set(file, height);
    }
    // The pictures follow the cards: a long card draws taller than a one-line message.
    expect(heights.get(join(out, 'attestation.en.png'))!).toBeGreaterThan(heights.get(join(out, 'error.en.png'))! + 200);
  });

  it('stops at a card the renderer rejects, naming it', async () => {
    const bad = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'fine' }, { type: 'Carousel.Slide', text: 'not an element' }] };
    await expect(writeCardPictures(browser, [{ name: 'broken.en', card: bad }], tempDir())).rejects.toThrow(/could not render broken\.en: UnknownElementType/);
  });
});
