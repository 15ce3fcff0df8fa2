/** `npm run cards`: every card rendered from sample data, in English and Italian, as JSON files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAdaptiveCard } from '../cards/adaptive.js';
import { sampleViews } from '../cards/samples.js';

const out = process.argv[2] ?? 'cards-out';
mkdirSync(out, { recursive: true });
let count = 0;
for (const locale of ['en', 'it'] as const) {
  for (const [name, view] of Object.entries(sampleViews(locale))) {
    writeFileSync(join(out, `${name}.${locale}.json`), JSON.stringify(renderAdaptiveCard(view), null, 2));
    count++;
  }
}
console.log(`Wrote ${count} cards to ${out}/ (paste one into https://adaptivecards.microsoft.com/designer to preview it).`);
