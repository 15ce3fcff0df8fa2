import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../../../render/teams/adaptive.js';
import { sampleViews } from '../../../views/samples.js';
import { toHelpView } from '../../../views/index.js';
import { permissionsOf } from '../../../bot/service/permissions.js';
import { markdownTexts, teamsRendering } from '../../reliability/hostile.js';
import { teamsText } from '../../../render/teams/teams-text.js';

// The browser bundle parses and validates without a DOM when loaded through require.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');

function problems(json: object): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_5;
  card.parse(json, context);
  const found: string[] = [];
  for (let i = 0; i < context.eventCount; i++) found.push(context.getEventAt(i).message);
  for (const e of card.validateProperties().validationEvents) found.push(e.message);
  return found;
}

describe('Adaptive Cards', () => {
  for (const locale of ['en', 'it'] as const) {
    for (const [name, view] of Object.entries(sampleViews(locale))) {
      it(`renders the ${name} card (${locale}) as valid Adaptive Card 1.5 under 28 KB`, () => {
        const card = renderAdaptiveCard(view);
        expect(card.version).toBe('1.5');
        expect(problems(card)).toEqual([]);
        expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
        expect(JSON.stringify(card)).not.toMatch(/\$\{|\$data|\$when/);
        expect(JSON.stringify(card).match(/"title":""/g), 'a fact or action without a title').toBeNull();
      });
    }
  }

  it('keeps the paragraphs of the email to copy apart (Teams collapses blank lines inside one TextBlock)', () => {
    const view = sampleViews('en')['invitation-sent']!;
    if (view.kind !== 'sent') throw new Error('sample is not a sent view');
    const card = renderAdaptiveCard({ ...view, body: 'Dear customer,\n\nplease accept:\nhttps://x.example/i/1\n\nThanks' });
    const texts = JSON.stringify(card);
    expect(texts).toContain('"text":"Dear customer,"');
    expect(texts).toContain('"text":"please accept:\\nhttps://x.example/i/1"');
    expect(texts).toContain('"text":"Thanks"');
  });

  it('shows the <placeholders> of help in Teams (they were taken for HTML tags and vanished)', () => {
    for (const locale of ['en', 'it'] as const) {
      const card = renderAdaptiveCard(toHelpView({ locale, permissions: permissionsOf('global-admin'), capabilities: ['grantRoles'] }));
      const shown = markdownTexts(card).map((text) => teamsRendering(text).visible);
      expect(shown).toContain(locale === 'en' ? 'grant <role> <platform:user>' : 'assegna <ruolo> <piattaforma:utente>');
      expect(shown).toContain(locale === 'en' ? 'remove relationship <customer>' : 'rimuovi relazione <cliente>');
    }
  });

  it('shows user text as text, never as a template expression', () => {
    const view = sampleViews('en')['customer-details']!;
    const card = renderAdaptiveCard({ ...view, title: '${1+1} <script>alert(1)</script>' });
    expect(JSON.stringify(card)).toContain(JSON.stringify(teamsText('${1+1} <script>alert(1)</script>')));
  });
});

describe('copy text (monospace)', () => {
  it('keeps an invitation link exactly as it is, whatever its token, and escapes the text around it', async () => {
    const { teamsText } = await import('../../../render/teams/teams-text.js');
    // Tokens are base64url: `_` next to `-` or at an end would be escaped as markdown outside a URL.
    for (const token of ['dTMP42R4qlZN9HL9ZuNc3WOfDsShJ5hCa-_UprJFRfI', '_abc-_def_-', 'a__b--c_']) {
      const link = `http://localhost:3978/invitations/${token}`;
      expect(teamsText(`Please accept: ${link}\n\n_Alice_ *urgent*`, true)).toBe(`Please accept: ${link}\n\n\\_Alice\\_ \\*urgent\\*`);
    }
    // Outside copy text a URL is still made inert.
    expect(teamsText('see http://localhost:3978/invitations/x_-y')).not.toContain('http://');
    // A text that already holds the placeholder characters is escaped the old way, never confused.
    expect(teamsText('\uE0000\uE001 http://a.example/_x_', true)).toContain('\uE0000\uE001');
  });
});
