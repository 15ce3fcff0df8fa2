/**
 * Pictures of the Teams cards: each Adaptive Card rendered to PNG by Microsoft's own `adaptivecards`
 * renderer, in the Chromium the project already has, with a host config close to Teams' light
 * theme, so a reviewer can look at every card without Teams.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';

/** Teams' light theme, as far as a host config says it: Segoe UI, its text colours and spacing. */
const TEAMS_HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Helvetica Neue', Arial, sans-serif",
  supportsInteractivity: true,
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E1DFDD' },
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7', subtle: '#5B5FC7' },
        attention: { default: '#C4314B', subtle: '#C4314B' },
        good: { default: '#237B4B', subtle: '#237B4B' },
        warning: { default: '#835B00', subtle: '#835B00' },
      },
    },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
  },
  actions: { maxActions: 6, buttonSpacing: 8, showCard: { actionMode: 'inline' }, actionsOrientation: 'horizontal', actionAlignment: 'left' },
  inputs: { label: { requiredInputs: { suffix: ' *' } } },
};

const PAGE = (script: string) => `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #F5F5F5; font-family: 'Segoe UI', 'Helvetica Neue', Arial, sans-serif; }
  #card { width: 480px; margin: 16px; background: #FFFFFF; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.14); overflow: hidden; }
  .ac-pushButton { border: 1px solid #D1D1D1; border-radius: 4px; background: #FFFFFF; padding: 5px 12px; font: 600 14px 'Segoe UI', Arial, sans-serif; color: #242424; }
  .ac-pushButton.style-positive { background: #5B5FC7; color: #FFFFFF; border-color: #5B5FC7; }
  .ac-pushButton.style-destructive { color: #C4314B; border-color: #C4314B; }
  .ac-input { font: 14px 'Segoe UI', Arial, sans-serif; border: 1px solid #D1D1D1; border-radius: 4px; padding: 4px 8px; }
  .ac-multiline { min-height: 180px; }
</style><script>${script}</script></head><body><div id="card"></div></body></html>`;

/** Hints and deprecations are advice; every other parse event means Teams would not show the card as built (ValidationEvent's numbers). */
const TOLERATED_EVENTS = [0, 3];

export interface CardPicture {
  name: string;
  card: unknown;
}

/** Renders every card to `<out>/<name>.png`; returns the files written. A card the renderer rejects throws, naming it. */
export async function writeCardPictures(browser: Browser, cards: readonly CardPicture[], out: string): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const renderer = readFileSync(createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
  const page = await browser.newPage({ viewport: { width: 520, height: 800 }, deviceScaleFactor: 1 });
  try {
    await page.setContent(PAGE(renderer));
    const written: string[] = [];
    for (const { name, card } of cards) {
      const problems = await page.evaluate(
        ({ card, hostConfig, tolerated: TOLERATED }) => {
          const AC = (globalThis as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
          const adaptive = new AC.AdaptiveCard();
          adaptive.hostConfig = new AC.HostConfig(hostConfig);
          const context = new AC.SerializationContext();
          adaptive.parse(card, context);
          // The page's DOM (this file is compiled without the DOM library: it runs in Node but for this callback).
          const dom = globalThis as unknown as { document: { getElementById(id: string): { replaceChildren(): void; appendChild(node: unknown): void } } };
          const target = dom.document.getElementById('card');
          target.replaceChildren();
          const element = adaptive.render();
          if (element) target.appendChild(element);
          // Parse errors (an unknown element, a bad value) are the renderer's word that the card is wrong.
          const errors: string[] = [];
          for (let i = 0; i < context.eventCount; i++) {
            const { event, message } = context.getEventAt(i);
            if (!TOLERATED.includes(event)) errors.push(`${AC.ValidationEvent[event]}: ${message}`);
          }
          return { rendered: Boolean(element), errors };
        },
        { card, hostConfig: TEAMS_HOST_CONFIG, tolerated: TOLERATED_EVENTS },
      );
      if (!problems.rendered || problems.errors.length) throw new Error(`The Adaptive Cards renderer could not render ${name}: ${problems.errors.join('; ') || 'nothing rendered'}`);
      const file = join(out, `${name}.png`);
      await page.locator('#card').screenshot({ path: file });
      written.push(file);
    }
    return written;
  } finally {
    await page.close();
  }
}
