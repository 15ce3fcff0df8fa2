/**
 * `npm run cards`: every card rendered from sample data, in English and Italian, as JSON files:
 * Adaptive Cards for Teams in `cards-out/`, Block Kit for Slack in `cards-out/slack/` (messages,
 * the two modals and the App Home), ready to paste into the designers.
 */
import { permissionsOf } from '../bot/service/permissions.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAdaptiveCard } from '../render/teams/adaptive.js';
import { sampleViews } from '../views/samples.js';
import { toHomeView } from '../views/index.js';
import { toAttestationModal, toDraftModal, toHomeTab, toSlackMessage } from '../render/slack/blocks.js';

const out = process.argv[2] ?? 'cards-out';
const slackOut = join(out, 'slack');
mkdirSync(slackOut, { recursive: true });
const write = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, null, 2));
let cards = 0;
let slack = 0;
for (const locale of ['en', 'it'] as const) {
  for (const [name, view] of Object.entries(sampleViews(locale))) {
    write(join(out, `${name}.${locale}.json`), renderAdaptiveCard(view));
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
console.log(`and ${slack} Slack messages and views, plus the modals, to ${slackOut}/ (preview: https://app.slack.com/block-kit-builder).`);
