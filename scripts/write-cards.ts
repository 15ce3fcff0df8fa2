/**
 * `npm run cards`: every card rendered from sample data, in English and Italian, as JSON files:
 * Adaptive Cards for Teams in `cards-out/`, Block Kit for Slack in `cards-out/slack/` (messages,
 * the two modals and the App Home), ready to paste into the designers; and each Teams card as a PNG
 * in `cards-out/png/`, drawn by Microsoft's adaptivecards renderer (`--no-pictures` skips them).
 */
import { permissionsOf } from '../bot/service/permissions.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAdaptiveCard } from '../render/teams/adaptive.js';
import { sampleViews } from '../views/samples.js';
import { toHomeView } from '../views/index.js';
import { writeCardPictures, type CardPicture } from './card-pictures.js';
import { launchBrowser } from '../test/fakes/browser.js';
import { toAttestationModal, toDraftModal, toHomeTab, toSlackMessage } from '../render/slack/blocks.js';

const out = process.argv[2] ?? 'cards-out';
const slackOut = join(out, 'slack');
mkdirSync(slackOut, { recursive: true });
const write = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, null, 2));
let cards = 0;
const pictures: CardPicture[] = [];
let slack = 0;
for (const locale of ['en', 'it'] as const) {
  for (const [name, view] of Object.entries(sampleViews(locale))) {
    const card = renderAdaptiveCard(view);
    write(join(out, `${name}.${locale}.json`), card);
    pictures.push({ name: `${name}.${locale}`, card });
    cards++;
    // Block Kit Builder takes { blocks } for a message and the view itself for a modal or a home tab.
    write(join(slackOut, `${name}.${locale}.json`), { blocks: toSlackMessage(view).blocks });
    slack++;
    if (view.kind === 'draft') write(join(slackOut, `${name}.modal.${locale}.json`), toDraftModal(view, { channel: 'C0SAMPLE' }));
    if (view.kind === 'attestation') write(join(slackOut, `${name}.modal.${locale}.json`), toAttestationModal(view, { channel: 'C0SAMPLE' }));
  }
  const home = toHomeView({ locale, timeZone: 'Europe/Rome' }, {
    role: 'global-admin',
    permissions: permissionsOf('global-admin'),
    customers: 42,
    pending: 3,
    recentAcceptances: [{ companyName: 'Adatum Corporation', acceptedAt: '2026-11-20T09:30:00Z' }],
  });
  write(join(slackOut, `app-home.${locale}.json`), toHomeTab(home));
  slack++;
}
console.log(`Wrote ${cards} Adaptive Cards to ${out}/ (preview: https://adaptivecards.microsoft.com/designer)`);
if (!process.argv.includes('--no-pictures')) {
  const browser = await launchBrowser();
  try {
    const written = await writeCardPictures(browser, pictures, join(out, 'png'));
    console.log(`and ${written.length} pictures of them, drawn by Microsoft's adaptivecards renderer, to ${out}/png/.`);
  } finally {
    await browser.close();
  }
}
console.log(`and ${slack} Slack messages and views, plus the modals, to ${slackOut}/ (preview: https://app.slack.com/block-kit-builder).`);
